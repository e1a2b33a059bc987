using Obs.Minidump;
using Obs.Testing;

namespace Obs.Symbolication.Tests;

public sealed class ProcessorSmokeTests
{
    [Fact]
    public async Task The_crashing_thread_of_test_dmp_starts_in_CrashFunction()
    {
        using var dump = MinidumpFile.Open(TestFixtures.Path("rust-minidump/dumps/test.dmp"));
        var supplier = new LocalSymbolSupplier([TestFixtures.Path("rust-minidump/symbols")]);

        var state = await MinidumpProcessor.ProcessAsync(dump, supplier, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, state.RequestingThread);
        var frame = state.Threads[0].Frames[0];
        Assert.Equal("`anonymous namespace'::CrashFunction", frame.FunctionName);
        Assert.Equal(58u, frame.SourceLine);
        Assert.Equal(FrameTrust.Context, frame.Trust);
        Assert.Equal(ThreadWalkStatus.DumpThreadSkipped, state.Threads[1].Status);
        Assert.True(state.SymbolStatus["test_app.exe"].LoadedSymbols);
    }
}
