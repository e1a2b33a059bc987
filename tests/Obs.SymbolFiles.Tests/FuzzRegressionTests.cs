using Obs.SymbolFiles.Fuzz;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// The fuzz targets (fuzz/Obs.SymbolFiles.Fuzz) over the inputs the fuzzer found to crash or hang
/// (<c>Regressions/text</c>, <c>Regressions/index</c>; see fuzz/README.md) and over every fixture,
/// as text and as a saved index: each must run cleanly.
/// </summary>
public sealed class FuzzRegressionTests
{
    [Theory]
    [MemberData(nameof(Findings), "text")]
    public void Text_findings_replay_cleanly(string name)
    {
        if (name.Length > 0)
        {
            SymbolFilesFuzzTarget.RunText(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Regressions", "text", name)));
        }
    }

    [Theory]
    [MemberData(nameof(Findings), "index")]
    public void Index_findings_replay_cleanly(string name)
    {
        if (name.Length > 0)
        {
            // Some findings were hangs (a corrupt inline chain linked into a cycle): each must end
            // in time proportional to its few kilobytes.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            RunIndex(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Regressions", "index", name)));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{name} took {clock.Elapsed}");
        }
    }

    [Theory]
    [MemberData(nameof(SymFixtures.All), MemberType = typeof(SymFixtures))]
    public void Fixtures_run_cleanly_through_both_targets(string fixture)
    {
        var bytes = Obs.Testing.TestFixtures.Bytes(fixture);
        SymbolFilesFuzzTarget.RunText(bytes);
        using var index = SymbolIndex.Parse(bytes);
        using var saved = new MemoryStream();
        index.Save(saved);
        RunIndex(saved.ToArray());
    }

    public static TheoryData<string> Findings(string target)
    {
        var data = new TheoryData<string>();
        var folder = Path.Combine(AppContext.BaseDirectory, "Regressions", target);
        string[] files = Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
        foreach (var name in files.Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(StringComparer.Ordinal))
        {
            data.Add(name!);
        }

        if (data.Count == 0)
        {
            data.Add(string.Empty); // no finding recorded
        }

        return data;
    }

    private static void RunIndex(byte[] bytes)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"obs-fuzz-regression-{Guid.NewGuid():N}.symindex");
        try
        {
            SymbolFilesFuzzTarget.RunIndex(bytes, scratch);
        }
        finally
        {
            File.Delete(scratch);
        }
    }
}
