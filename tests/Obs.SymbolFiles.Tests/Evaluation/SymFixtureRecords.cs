using System.Globalization;
using System.Text;
using Obs.Testing;

namespace Obs.SymbolFiles.Tests.Evaluation;

/// <summary>One <c>STACK CFI INIT</c> record of a fixture with its delta rows, rule text kept verbatim.</summary>
internal sealed record CfiRecord(ulong Address, ulong Size, string InitRules, IReadOnlyList<(ulong Address, string Rules)> Deltas)
{
    /// <summary>The rule text that applies at <paramref name="address"/>: INIT plus every delta at or below it, in order.</summary>
    public string RulesAt(ulong address)
    {
        var text = new StringBuilder(InitRules);
        foreach (var (deltaAddress, rules) in Deltas)
        {
            if (deltaAddress <= address)
            {
                text.Append('\n').Append(rules);
            }
        }

        return text.ToString();
    }
}

/// <summary>A <c>STACK WIN 4</c> record with a program string.</summary>
internal sealed record FrameDataRecord(ulong Address, uint ParamSize, uint SavedRegSize, uint LocalSize, string Program);

/// <summary>
/// Just enough reading of fixture <c>.sym</c> files to feed the evaluators real rule text; the
/// parser proper lives elsewhere and is tested there.
/// </summary>
internal static class SymFixtureRecords
{
    public static IReadOnlyList<string> FilesContaining(string recordPrefix) =>
        TestFixtures.Find(".", "*.sym")
            .Where(f => File.ReadLines(TestFixtures.Path(f)).Any(l => l.StartsWith(recordPrefix, StringComparison.Ordinal)))
            .ToList();

    public static string Architecture(string fixture) =>
        File.ReadLines(TestFixtures.Path(fixture)).First().Split(' ')[2];

    public static IReadOnlyList<CfiRecord> Cfi(string fixture)
    {
        var records = new List<CfiRecord>();
        List<(ulong, string)>? deltas = null;
        ulong address = 0, size = 0;
        string? init = null;
        foreach (var raw in File.ReadLines(TestFixtures.Path(fixture)))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("STACK CFI INIT ", StringComparison.Ordinal))
            {
                Flush();
                var fields = line.Split(' ', 6);
                address = Hex(fields[3]);
                size = Hex(fields[4]);
                init = fields[5];
                deltas = [];
            }
            else if (line.StartsWith("STACK CFI ", StringComparison.Ordinal) && deltas is not null)
            {
                var fields = line.Split(' ', 4);
                deltas.Add((Hex(fields[2]), fields[3]));
            }
        }

        Flush();
        return records;

        void Flush()
        {
            if (init is not null)
            {
                records.Add(new CfiRecord(address, size, init, deltas!));
            }
        }
    }

    public static IReadOnlyList<FrameDataRecord> FrameData(string fixture)
    {
        var records = new List<FrameDataRecord>();
        foreach (var raw in File.ReadLines(TestFixtures.Path(fixture)))
        {
            var line = raw.TrimEnd('\r');
            if (!line.StartsWith("STACK WIN 4 ", StringComparison.Ordinal))
            {
                continue;
            }

            // STACK WIN type rva code_size prolog epilog params saved_regs locals max_stack has_program program
            var fields = line.Split(' ', 13);
            if (fields.Length == 13 && fields[11] == "1")
            {
                records.Add(new FrameDataRecord(
                    Hex(fields[3]), (uint)Hex(fields[7]), (uint)Hex(fields[8]), (uint)Hex(fields[9]), fields[12]));
            }
        }

        return records;
    }

    private static ulong Hex(string text) => ulong.Parse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
