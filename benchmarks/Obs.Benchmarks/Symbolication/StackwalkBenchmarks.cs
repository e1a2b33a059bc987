using BenchmarkDotNet.Attributes;
using Obs.Benchmarks.SymbolFiles;
using Obs.Minidump;
using Obs.SymbolFiles;
using Obs.Symbolication;

namespace Obs.Benchmarks.Symbolication;

/// <summary>
/// Processing a dump whose modules' symbols are already loaded (a service that keeps indexes in
/// process across crashes): stack walking, symbolication, crash analysis and the JSON report.
/// <c>linux-mini</c> is linux-mini.dmp with its <c>crash</c> module served by the generated
/// symbol file of the given size; <c>test</c> is test.dmp with test_app.sym.
/// </summary>
[MemoryDiagnoser]
public class StackwalkBenchmarks
{
    private MinidumpFile? _dump;
    private PreloadedSymbolSupplier? _symbols;

    [Params("test", "linux-mini")]
    public string Dump { get; set; } = "test";

    [GlobalSetup]
    public void Setup()
    {
        var fixtures = FindFixtures();
        if (Dump == "test")
        {
            _dump = MinidumpFile.Open(Path.Combine(fixtures, "rust-minidump", "dumps", "test.dmp"));
            _symbols = new PreloadedSymbolSupplier(SymbolIndex.Load(Path.Combine(fixtures,
                "rust-minidump", "symbols", "test_app.pdb", "5A9832E5287241C1838ED98914E9B7FF1", "test_app.sym")));
        }
        else
        {
            _dump = MinidumpFile.Open(Path.Combine(fixtures, "rust-minidump", "dumps", "linux-mini.dmp"));
            _symbols = new PreloadedSymbolSupplier(SymbolIndex.Load(BenchmarkInputs.SymbolFile("full")));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _dump?.Dispose();

    [Benchmark]
    public long ProcessAndWriteJson()
    {
        var state = MinidumpProcessor.ProcessAsync(_dump!, _symbols).GetAwaiter().GetResult();
        using var output = new MemoryStream();
        ProcessStateJson.Write(output, state);
        return output.Length;
    }

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(Path.Combine(candidate, "rust-minidump")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Serves one loaded index, through a lease per walk, to the module whose debug id its MODULE line names.</summary>
    private sealed class PreloadedSymbolSupplier(SymbolIndex index) : ISymbolSupplier
    {
        public ValueTask<SymbolFileResult> LocateAsync(ModuleIdentity identity, CancellationToken cancellationToken) =>
            ValueTask.FromResult(identity.DebugId == index.Module?.Id && index.TryLease(out var lease)
                ? SymbolFileResult.Found(lease)
                : SymbolFileResult.NotFound());
    }
}
