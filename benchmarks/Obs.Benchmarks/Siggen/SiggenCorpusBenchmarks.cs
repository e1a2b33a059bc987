using System.IO.Compression;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Obs.Siggen;

namespace Obs.Benchmarks.Siggen;

/// <summary>
/// Signature generation over the whole 3,000-case conformance corpus, single thread. One
/// operation is one crash (OperationsPerInvoke), so Mean is the time per crash and Allocated the
/// bytes per crash; Op/s is crashes per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class SiggenCorpusBenchmarks
{
    private const int CorpusSize = 3000;

    private readonly SignatureGenerator _generator = new();
    private byte[][] _json = [];
    private CrashData[] _typed = [];

    [GlobalSetup]
    public void Setup()
    {
        var json = new List<byte[]>();
        using var file = File.OpenRead(FindCorpus());
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            json.Add(Encoding.UTF8.GetBytes(document.RootElement.GetProperty("input").GetRawText()));
        }

        if (json.Count != CorpusSize)
        {
            throw new InvalidOperationException($"expected {CorpusSize} corpus cases, found {json.Count}");
        }

        _json = [.. json];
        _typed = [.. _json.Select(bytes => CrashData.Parse(bytes))];
    }

    /// <summary>JSON text in: parse plus all rules.</summary>
    [Benchmark(OperationsPerInvoke = CorpusSize)]
    public int FromJsonText()
    {
        var total = 0;
        foreach (var bytes in _json)
        {
            total += _generator.GenerateFromJson(bytes).Signature.Length;
        }

        return total;
    }

    /// <summary>Typed model in (already parsed): all rules.</summary>
    [Benchmark(OperationsPerInvoke = CorpusSize)]
    public int FromTypedModel()
    {
        var total = 0;
        foreach (var data in _typed)
        {
            total += _generator.Generate(data).Signature.Length;
        }

        return total;
    }

    /// <summary>Parsing alone, for reference.</summary>
    [Benchmark(OperationsPerInvoke = CorpusSize)]
    public int ParseOnly()
    {
        var total = 0;
        foreach (var bytes in _json)
        {
            total += CrashData.Parse(bytes).ThreadCount();
        }

        return total;
    }

    private static string FindCorpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "siggen", "corpus.jsonl.gz");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/fixtures/siggen/corpus.jsonl.gz not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// Adds crashes per second, the median and the fastest iteration to the table: on a shared
/// machine the mean mostly measures the neighbours, the minimum the code.
/// </summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.OperationsPerSecond);
    }
}

internal static class CrashDataExtensions
{
    public static int ThreadCount(this CrashData data) => data.Threads?.Count ?? 0;
}
