using BenchmarkDotNet.Attributes;
using Obs.SymbolFiles;

namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// Symbolicating addresses drawn uniformly from inside FUNC ranges (a random function, then a
/// random offset in it; fixed seed), on one thread. "with strings" turns the function name, the
/// file and every inline frame's name and file into strings, as Breakpad's
/// <c>FillSourceLineInfo</c> does (~90,000 lookups/s on the full-size file); "utf-8 only" reads
/// the same data as spans. Per-operation figures are per lookup.
/// </summary>
[MemoryDiagnoser]
public class LookupBenchmarks
{
    private const int Lookups = 1 << 20;

    private SymbolIndex _index = null!;
    private ulong[] _addresses = [];

    [Params("20mb", "full")]
    public string Size { get; set; } = "20mb";

    [GlobalSetup]
    public void Setup()
    {
        _index = SymbolIndex.Load(BenchmarkInputs.SymbolFile(Size));
        // The benchmark assembly sees the index's internal tables: take the kept FUNC ranges.
        var functions = new List<(ulong Address, uint Size)>();
        foreach (var function in _index.Tables.Functions.Span)
        {
            functions.Add((function.Address, function.Size));
        }

        var random = new Random(12345);
        _addresses = new ulong[Lookups];
        for (var i = 0; i < _addresses.Length; i++)
        {
            var (start, size) = functions[random.Next(functions.Count)];
            _addresses[i] = start + (ulong)random.NextInt64(size);
        }

        Console.WriteLine($"// {Size}: {functions.Count:N0} functions sampled");
    }

    [Benchmark(OperationsPerInvoke = Lookups, Description = "lookup with strings")]
    public long LookupWithStrings()
    {
        long total = 0;
        foreach (var address in _addresses)
        {
            if (!_index.TryLookup(address, out var result))
            {
                continue;
            }

            total += result.Function.GetName().Length + (result.GetFile()?.Length ?? 0) + (result.Line ?? 0);
            for (var i = 0; i < result.InlineFrameCount; i++)
            {
                var frame = result.GetInlineFrame(i);
                total += frame.GetFunctionName().Length + (frame.GetFile()?.Length ?? 0) + (frame.Line ?? 0);
            }
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Lookups, Description = "lookup utf-8 only")]
    public long LookupUtf8()
    {
        long total = 0;
        foreach (var address in _addresses)
        {
            if (!_index.TryLookup(address, out var result))
            {
                continue;
            }

            total += result.Function.NameUtf8.Length + result.FileUtf8.Length + (result.Line ?? 0);
            for (var i = 0; i < result.InlineFrameCount; i++)
            {
                var frame = result.GetInlineFrame(i);
                total += frame.FunctionNameUtf8.Length + frame.FileUtf8.Length + (frame.Line ?? 0);
            }
        }

        return total;
    }
}
