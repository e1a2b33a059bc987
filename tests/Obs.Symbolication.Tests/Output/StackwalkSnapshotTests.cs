using System.Text;
using System.Text.Json;
using Obs.Minidump;
using Obs.Testing;

namespace Obs.Symbolication.Tests.Output;

/// <summary>
/// minidump-stackwalk's own snapshots of test.dmp (rust-minidump's tests/snapshots), compared
/// field by field with what Obs writes for the same dump and symbols.
/// </summary>
public sealed class StackwalkSnapshotTests
{
    [Theory]
    [InlineData("test_minidump_stackwalk__json-pretty-symbols.snap", true)]
    [InlineData("test_minidump_stackwalk__json-pretty.snap", false)]
    public async Task Json_of_test_dmp_equals_the_snapshot(string snapshot, bool withSymbols)
    {
        var state = await ProcessAsync("rust-minidump/dumps/test.dmp", withSymbols ? "rust-minidump/symbols" : null);
        var actual = Json(state, pretty: true);
        var expected = SnapshotComparer.ReadSnapshot(TestFixtures.Path("rust-minidump/expected/" + snapshot));

        using var expectedDocument = JsonDocument.Parse(expected);
        using var actualDocument = JsonDocument.Parse(actual);
        Assert.Empty(SnapshotComparer.Differences(expectedDocument.RootElement, actualDocument.RootElement));
        Assert.Equal(expected.TrimEnd('\n'), actual);
    }

    [Fact]
    public async Task Human_report_of_test_dmp_equals_the_snapshot()
    {
        var state = await ProcessAsync("rust-minidump/dumps/test.dmp", "rust-minidump/symbols");
        var report = new StringWriter();
        ProcessStateReport.Write(report, state);
        var expected = SnapshotComparer.ReadSnapshot(TestFixtures.Path("rust-minidump/expected/test_minidump_stackwalk__human-symbols.snap"));
        Assert.Equal(expected.Split('\n'), report.ToString().Split('\n'));
    }

    internal static async Task<ProcessState> ProcessAsync(string dumpPath, string? symbolsPath)
    {
        using var dump = MinidumpFile.Open(TestFixtures.Path(dumpPath));
        var supplier = symbolsPath is null ? null : new LocalSymbolSupplier([TestFixtures.Path(symbolsPath)]);
        return await MinidumpProcessor.ProcessAsync(dump, supplier, cancellationToken: TestContext.Current.CancellationToken);
    }

    internal static string Json(ProcessState state, bool pretty)
    {
        using var buffer = new MemoryStream();
        ProcessStateJson.Write(buffer, state, pretty);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
