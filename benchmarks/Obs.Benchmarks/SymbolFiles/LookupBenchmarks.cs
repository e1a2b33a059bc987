using BenchmarkDotNet.Attributes;
using Obs.SymbolFiles;

namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// Symbolicating addresses drawn from inside FUNC ranges (fixed seed), on one thread, through a
/// lease as a stack walk makes them. "with strings" turns the function name, the file and every
/// inline frame's name and file into strings, as Breakpad's <c>FillSourceLineInfo</c> does;
/// "utf-8 only" reads the same data as spans; "no names" reads only the chain's depth and the
/// line. Per-operation figures are per lookup.
/// </summary>
/// <remarks>
/// <para><see cref="Size"/> "100kb" is an index that stays in cache: its figures are the
/// lookups' instructions alone, which the large files add their cache misses to.</para>
/// <para><see cref="Draw"/> "function" picks a FUNC at random, then an offset in it (every function
/// equally likely, as the frames of many different crashes are); "byte" picks uniformly among
/// all the bytes FUNC ranges cover, which favours large functions and their deeper inlining.</para>
/// <para><see cref="Form"/> "built" parses the text; "opened" saves that index to the temp folder
/// and memory-maps it back (<see cref="SymbolIndex.Open"/>).</para>
/// </remarks>
[MemoryDiagnoser]
public class LookupBenchmarks
{
    private const int Lookups = 30 << 14;

    private SymbolIndex _index = null!;
    private SymbolIndexLease _lease = null!;
    private ulong[] _addresses = [];

    [Params("100kb", "20mb", "full")]
    public string Size { get; set; } = "20mb";

    [Params("function", "byte")]
    public string Draw { get; set; } = "function";

    [Params("built", "opened")]
    public string Form { get; set; } = "built";

    [GlobalSetup]
    public void Setup()
    {
        var text = BenchmarkInputs.SymbolFile(Size);
        _index = SymbolIndex.Load(text);
        if (Form == "opened")
        {
            var saved = BenchmarkInputs.SavedIndex(Size, _index);
            _index.Dispose();
            _index = SymbolIndex.Open(saved);
        }

        _lease = _index.TryLease(out var lease) ? lease : throw new InvalidOperationException("a fresh index refused a lease");

        _addresses = DrawAddresses(_index, Draw == "byte", new Random(12345), Lookups);

        long frames = 0;
        foreach (var address in _addresses)
        {
            frames += _lease.TryLookup(address, out var result) ? result.InlineFrameCount : 0;
        }

        Console.WriteLine($"// {Size} {Form}, draw by {Draw}: {_index.Statistics.Functions:N0} functions, {frames / (double)_addresses.Length:F2} inline frames per lookup");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _lease.Dispose();
        _index.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Lookups, Description = "TryLookup, with strings")]
    public long LookupWithStrings()
    {
        long total = 0;
        foreach (var address in _addresses)
        {
            if (_lease.TryLookup(address, out var result))
            {
                total += ToStrings(result);
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Lookups, Description = "TryLookup, utf-8 only")]
    public long LookupUtf8()
    {
        long total = 0;
        foreach (var address in _addresses)
        {
            if (!_lease.TryLookup(address, out var result))
            {
                continue;
            }

            total += result.Function.NameUtf8.Length + result.FileUtf8.Length + (result.Line ?? 0);
            for (var i = 0; i < result.InlineFrameCount; i++)
            {
                var frame = result.GetInlineFrame(i);
                total += frame.NameUtf8.Length + frame.FileUtf8.Length + (frame.Line ?? 0);
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Lookups, Description = "TryLookup, no names")]
    public long LookupWithoutNames()
    {
        // The lookups alone (function, line, inline chain): the cost the names add is the difference.
        long total = 0;
        foreach (var address in _addresses)
        {
            if (_lease.TryLookup(address, out var result))
            {
                total += result.InlineFrameCount + (long)(result.Line ?? 0);
            }
        }

        return total;
    }

    private static long ToStrings(in SymbolLookupResult result)
    {
        long total = result.Function.Name.Length + (result.File?.Length ?? 0) + (result.Line ?? 0);
        for (var i = 0; i < result.InlineFrameCount; i++)
        {
            var frame = result.GetInlineFrame(i);
            total += frame.Name.Length + (frame.File?.Length ?? 0) + (frame.Line ?? 0);
        }

        return total;
    }

    private static ulong[] DrawAddresses(SymbolIndex index, bool byByte, Random random, int count)
    {
        // The benchmark assembly sees the index's internal tables: take the kept FUNC ranges.
        var functions = index.Core.Tables.Functions.Span;
        var coveredBefore = new long[functions.Length + 1];
        for (var i = 0; i < functions.Length; i++)
        {
            coveredBefore[i + 1] = coveredBefore[i] + functions[i].Size;
        }

        var addresses = new ulong[count];
        for (var i = 0; i < addresses.Length; i++)
        {
            if (byByte)
            {
                var offset = random.NextInt64(coveredBefore[^1]);
                var function = Array.BinarySearch(coveredBefore, offset);
                function = function >= 0 ? function : ~function - 1;
                addresses[i] = functions[function].Address + (ulong)(offset - coveredBefore[function]);
            }
            else
            {
                ref readonly var function = ref functions[random.Next(functions.Length)];
                addresses[i] = function.Address + (ulong)random.NextInt64(function.Size);
            }
        }

        return addresses;
    }
}
