using static Obs.Symbolication.Tests.Symbols.SymbolStoreScenario;

namespace Obs.Symbolication.Tests.Symbols;

/// <summary>
/// The error rule for the symbol stores' entry points: bad arguments throw
/// <see cref="ArgumentException"/>s, cancellation throws, and anything the stores or the disk do
/// wrong is a result, never an exception.
/// </summary>
public sealed class SymbolStoreContractTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bad_arguments_throw_argument_exceptions()
    {
        using var client = new HttpClient();
        var server = new HttpSymbolSupplier(client, new SymbolServerOptions());

        Assert.Throws<ArgumentNullException>(() => new HttpSymbolSupplier(null!, new SymbolServerOptions()));
        Assert.Throws<ArgumentNullException>(() => new HttpSymbolSupplier(client, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpSymbolSupplier(client, new SymbolServerOptions { MaxRetries = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpSymbolSupplier(client, new SymbolServerOptions { DownloadTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new DiskSymbolCache(new SymbolCacheOptions { Directory = "" }, null, server));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DiskSymbolCache(new SymbolCacheOptions { Directory = "/tmp/x", MaxSizeBytes = 0 }, null, server));
        Assert.Throws<ArgumentNullException>(() => new ChainedSymbolSupplier([server, null!]));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await server.LocateAsync(null!, Cancel));
    }

    [Fact]
    public async Task Cancellation_throws_and_a_cancelled_download_is_not_remembered()
    {
        using var cache = new TemporaryFolder();
        await using var server = await StartTeckenAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Intercept = async (context, _) =>
        {
            started.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            return true;
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var symbols = new DiskSymbolCache(new SymbolCacheOptions { Directory = cache.Path }, null, Supplier(client, server));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => symbols.LocateAsync(DebugModule, new CancellationToken(true)).AsTask());
        var lookup = symbols.LocateAsync(DebugModule, cancel.Token).AsTask();
        await started.Task.WaitAsync(Cancel);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lookup);
        Assert.Empty(Directory.GetFiles(cache.Path, "*.notfound", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_cache_that_cannot_be_written_still_serves_the_symbols()
    {
        using var folder = new TemporaryFolder();
        var notAFolder = folder.Combine("file");
        await File.WriteAllTextAsync(notAFolder, "in the way", Cancel);
        await using var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var symbols = new DiskSymbolCache(new SymbolCacheOptions { Directory = notAFolder }, null, Supplier(client, server));

        using var found = await symbols.LocateAsync(CodeOnlyModule, Cancel);
        using var missing = await symbols.LocateAsync(DebugModule with { DebugId = "0000000000000000000000000000000A1" }, Cancel);

        Assert.Equal((SymbolFileStatus.Found, DebugId), (found.Status, found.RecoveredDebugId));
        Assert.False(found.Index!.IsMapped);
        Assert.Equal(SymbolFileStatus.NotFound, missing.Status);
    }

    [Fact]
    public async Task A_chain_returns_the_first_answer_other_than_not_found()
    {
        using var cache = new TemporaryFolder();
        await using var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var corrupt = cache.Combine("corrupt.sym");
        await File.WriteAllTextAsync(corrupt, "MODULE windows x86 D57F52D4A2FD56244C4C44205044422E1 ShowSSEConfig.pdb\nFUNC zz\n", Cancel);
        var empty = new LocalSymbolSupplier([cache.Combine("nothing-here")]);

        using var fromServer = await new ChainedSymbolSupplier([empty, Supplier(client, server)]).LocateAsync(DebugModule, Cancel);
        using var fromLocal = await new ChainedSymbolSupplier([new LocalSymbolSupplier([corrupt]), Supplier(client, server)]).LocateAsync(DebugModule, Cancel);
        using var nowhere = await new ChainedSymbolSupplier([empty]).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, fromServer.Status);
        Assert.Equal(SymbolFileStatus.Corrupt, fromLocal.Status);
        Assert.Equal(1, server.CountRequests(DebugPath));
        Assert.Equal(SymbolFileStatus.NotFound, nowhere.Status);
    }
}
