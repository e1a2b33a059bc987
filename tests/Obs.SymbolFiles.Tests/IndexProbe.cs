using System.Globalization;
using System.Text;

namespace Obs.SymbolFiles.Tests;

/// <summary>Every lookup kind at many addresses, as text: what two forms of one index must agree on.</summary>
internal static class IndexProbe
{
    /// <summary>The addresses around every function, line entry, PUBLIC, CFI and STACK WIN record, and some random ones.</summary>
    public static List<ulong> Addresses(SymbolIndexReference index, int seed, int limit = 4000)
    {
        var tables = index.Core.Tables;
        var addresses = new List<ulong> { 0, 1, ulong.MaxValue };
        foreach (var function in tables.Functions.Span)
        {
            addresses.AddRange([function.Address - 1, function.Address, function.Address + (function.Size / 2), function.End - 1, function.End]);
            foreach (var entry in index.Core.View.LinesOf(function))
            {
                addresses.Add(entry.Address);
            }
        }

        foreach (var record in tables.Publics.Span)
        {
            addresses.AddRange([record.Address - 1, record.Address, record.Address + 1]);
        }

        foreach (var init in tables.CfiInits.Span)
        {
            addresses.AddRange([init.Address, init.End - 1]);
        }

        foreach (var table in new[] { tables.StackWinFrameData, tables.StackWinFpo })
        {
            foreach (var win in table.Span)
            {
                addresses.AddRange([win.Address, win.End - 1]);
            }
        }

        var distinct = addresses.Distinct().ToList();
        new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(distinct));
        return distinct.Count > limit ? distinct[..limit] : distinct;
    }

    /// <summary>Every lookup kind at an address, and everything its results hand out.</summary>
    /// <param name="index">The index, through its owner or a lease.</param>
    /// <param name="address">A module-relative address.</param>
    /// <param name="readSpans">
    /// False to leave out the bytes of the UTF-8 spans results hand out (their lengths stay in):
    /// for lookups on an owner another thread may dispose meanwhile, since a span read after the
    /// last reference goes is a read of unmapped memory, which only a lease prevents.
    /// </param>
    public static string Describe(SymbolIndexReference index, ulong address, bool readSpans = true)
    {
        string Text(ReadOnlySpan<byte> utf8) => readSpans ? Encoding.UTF8.GetString(utf8) : $"({utf8.Length} bytes)";

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{address:x}:");
        if (index.TryLookup(address, out var result))
        {
            text.Append(CultureInfo.InvariantCulture, $" lookup {result.IsFromPublic} {result.Function.Address:x} {result.Function.Size} {result.Function.ParameterSize} {result.Function.IsMultiple} {result.Function.Name} {result.File} {result.Line} {result.LineAddress:x} {Text(result.FileUtf8)}");
            string Frame(InlineFrame frame) =>
                string.Create(CultureInfo.InvariantCulture, $" [{frame.Name} {Text(frame.NameUtf8)} {frame.File} {frame.Line} {frame.Address:x} {frame.Size}]");

            // The frames in one walk, and read by index: the same.
            var walked = new StringBuilder();
            foreach (var frame in result.InlineFrames)
            {
                walked.Append(Frame(frame));
            }

            var byIndex = new StringBuilder();
            for (var i = 0; i < result.InlineFrameCount; i++)
            {
                byIndex.Append(Frame(result.GetInlineFrame(i)));
            }

            Assert.Equal(byIndex.ToString(), walked.ToString());
            text.Append(walked);
        }

        if (index.TryFindFunction(address, out var function))
        {
            text.Append(CultureInfo.InvariantCulture, $" function {function.Address:x} {function.IsPublic} {Text(function.NameUtf8)}");
        }

        if (index.TryFindNearestPublic(address, out var nearest))
        {
            text.Append(CultureInfo.InvariantCulture, $" public {nearest.Address:x} {nearest.Name}");
        }

        if (index.TryFindCfiRules(address, out var rules))
        {
            text.Append(CultureInfo.InvariantCulture, $" cfi {rules.Address:x} {rules.Size} {rules.RowCount} {rules} {rules.RulesUtf8.Length}");
        }

        if (index.TryFindStackWin(address, out var win))
        {
            text.Append(CultureInfo.InvariantCulture, $" win {win.Type} {win.Address:x} {win.Size} {win.ParameterSize} {win.ProgramString} {win.ProgramStringUtf8.Length}");
        }

        if (index.TryGetParameterSize(address, out var parameterSize))
        {
            text.Append(CultureInfo.InvariantCulture, $" params {parameterSize}");
        }

        return text.ToString();
    }
}
