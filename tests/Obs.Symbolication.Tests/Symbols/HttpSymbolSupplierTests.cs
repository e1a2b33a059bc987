using System.Net;
using Microsoft.AspNetCore.Http;
using Obs.Testing;
using static Obs.Symbolication.Tests.Symbols.SymbolStoreScenario;

namespace Obs.Symbolication.Tests.Symbols;

/// <summary>
/// <see cref="HttpSymbolSupplier"/> against a real Kestrel serving a store in Tecken's layout:
/// the URLs it asks, gzip, the code-file/code-id redirect, retries, timeouts and headers.
/// </summary>
public sealed class HttpSymbolSupplierTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_module_is_fetched_from_its_debug_path_with_the_code_file_and_id_in_the_query()
    {
        await using var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var supplier = Supplier(client, server);

        using var result = await supplier.LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(DebugId, result.Index!.Module!.Id);
        var expected = $"{DebugPath}?code_file=ShowSSEConfig.exe&code_id=6a4b9a365000";
        Assert.Equal([expected], server.Requests);
        Assert.Equal(new Uri(server.BaseUrl, expected).AbsoluteUri, result.SymbolUrl);
        Assert.Null(result.RecoveredDebugId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Gzip_bodies_are_decoded_whether_or_not_the_handler_decompresses(bool handlerDecompresses)
    {
        await using var server = await StartTeckenAsync();
        using var client = new HttpClient(new SocketsHttpHandler
        {
            AutomaticDecompression = handlerDecompresses ? DecompressionMethods.All : DecompressionMethods.None,
            AllowAutoRedirect = false,
        });
        var supplier = Supplier(client, server);

        using var result = await supplier.LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(ShowSseConfigText.Length, result.Index!.Statistics.Bytes);
        Assert.True(result.Index.TryLookup(0x1010, out var hit));
        Assert.Equal("wmain()", hit.Function.Name);
    }

    [Fact]
    public async Task A_module_without_a_debug_id_is_found_through_the_code_info_redirect()
    {
        await using var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var supplier = Supplier(client, server);

        using var result = await supplier.LocateAsync(CodeOnlyModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(DebugFile, result.RecoveredDebugFile);
        Assert.Equal(DebugId, result.RecoveredDebugId);
        Assert.Equal(1, server.CountRequests(CodeInfoPath));
        Assert.Equal(1, server.CountRequests(DebugPath));
    }

    [Fact]
    public async Task A_client_that_follows_redirects_still_recovers_the_debug_id_from_the_final_url()
    {
        await using var server = await StartTeckenAsync();
        using var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, AllowAutoRedirect = true });
        var supplier = Supplier(client, server);

        using var result = await supplier.LocateAsync(CodeOnlyModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal((DebugFile, DebugId), (result.RecoveredDebugFile, result.RecoveredDebugId));
    }

    [Fact]
    public async Task A_code_info_path_the_server_does_not_know_is_not_found()
    {
        await using var server = await TestSymbolServer.StartAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var supplier = Supplier(client, server);

        using var result = await supplier.LocateAsync(CodeOnlyModule, Cancel);

        Assert.Equal(SymbolFileStatus.NotFound, result.Status);
        Assert.Equal([CodeInfoPath], server.Requests);
    }

    [Fact]
    public async Task A_404_moves_on_to_the_next_url()
    {
        await using var empty = await TestSymbolServer.StartAsync();
        await using var full = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var supplier = new HttpSymbolSupplier(client, new SymbolServerOptions { Urls = [empty.BaseUrl, full.BaseUrl] });

        using var result = await supplier.LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(1, empty.CountRequests(DebugPath));
        Assert.StartsWith(full.BaseUrl.AbsoluteUri, result.SymbolUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_page_served_as_a_success_moves_on_to_the_next_url()
    {
        await using var portal = await TestSymbolServer.StartAsync();
        portal.AddFile(DebugPath, "<html><body>Please sign in</body></html>\n"u8.ToArray());
        await using var tecken = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();

        using var alone = await Supplier(client, portal).LocateAsync(DebugModule, Cancel);
        using var chained = await new HttpSymbolSupplier(client, new SymbolServerOptions { Urls = [portal.BaseUrl, tecken.BaseUrl] })
            .LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.LoadError, alone.Status);
        Assert.Contains("no Breakpad records", alone.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SymbolFileStatus.Found, chained.Status);
        Assert.StartsWith(tecken.BaseUrl.AbsoluteUri, chained.SymbolUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_404s_are_not()
    {
        await using var server = await StartTeckenAsync();
        var failures = 2;
        server.Intercept = async (context, path) =>
        {
            if (path == DebugPath && Interlocked.Decrement(ref failures) >= 0)
            {
                context.Response.StatusCode = 503;
                await context.Response.WriteAsync("busy");
                return true;
            }

            return false;
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();

        using var found = await Supplier(client, server, maxRetries: 2).LocateAsync(DebugModule, Cancel);
        using var missing = await Supplier(client, server, maxRetries: 2).LocateAsync(DebugModule with { DebugId = "00000000000000000000000000000000A" }, Cancel);

        Assert.Equal(SymbolFileStatus.Found, found.Status);
        Assert.Equal(3, server.CountRequests(DebugPath));
        Assert.Equal(SymbolFileStatus.NotFound, missing.Status);
        Assert.Equal(1, server.Requests.Count(r => r.StartsWith("ShowSSEConfig.pdb/00000000", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Retries_that_run_out_are_a_load_error_not_a_miss()
    {
        await using var server = await StartTeckenAsync();
        server.Intercept = (context, _) =>
        {
            context.Response.StatusCode = 500;
            return Task.FromResult(true);
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();

        using var result = await Supplier(client, server, maxRetries: 1).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.LoadError, result.Status);
        Assert.Contains("HTTP 500", result.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.CountRequests(DebugPath));
    }

    [Fact]
    public async Task A_redirect_to_a_url_that_is_not_http_is_a_load_error_and_not_retried()
    {
        await using var server = await StartTeckenAsync();
        server.Intercept = (context, path) =>
        {
            if (path != DebugPath)
            {
                return Task.FromResult(false);
            }

            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "ftp://symbols.example/ShowSSEConfig.sym";
            return Task.FromResult(true);
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();

        using var result = await Supplier(client, server, maxRetries: 2).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.LoadError, result.Status);
        Assert.Contains("HTTP 302", result.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.CountRequests(DebugPath));
    }

    [Fact]
    public async Task A_download_that_stalls_past_the_timeout_is_abandoned()
    {
        await using var server = await StartTeckenAsync();
        server.Intercept = async (context, _) =>
        {
            context.Response.ContentLength = 1000;
            await context.Response.WriteAsync("MODULE windows x86 D57F52D4A2FD56244C4C44205044422E1 ShowSSEConfig.pdb\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            return true;
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var started = DateTime.UtcNow;

        using var result = await Supplier(client, server, timeout: TimeSpan.FromMilliseconds(300)).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.LoadError, result.Status);
        Assert.Contains("timed out", result.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_body_cut_short_is_never_served_as_symbols()
    {
        await using var server = await StartTeckenAsync();
        var text = ShowSseConfigText;
        server.Intercept = async (context, path) =>
        {
            if (path != DebugPath)
            {
                return false;
            }

            // The announced length is the whole file; the connection drops halfway.
            context.Response.ContentLength = text.Length;
            await context.Response.Body.WriteAsync(text.AsMemory(0, text.Length / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return true;
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();

        using var result = await Supplier(client, server, maxRetries: 1).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.LoadError, result.Status);
        Assert.Null(result.Index);
        Assert.Equal(2, server.CountRequests(DebugPath));
    }

    [Fact]
    public async Task Configured_headers_go_to_the_server_and_not_to_another_host_it_redirects_to()
    {
        await using var storage = await StartTeckenAsync();
        await using var server = await TestSymbolServer.StartAsync();
        server.Intercept = (context, path) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = new Uri(storage.BaseUrl, path).AbsoluteUri;
            return Task.FromResult(true);
        };
        var tokens = new List<string?>();
        storage.Intercept = (context, _) =>
        {
            lock (tokens)
            {
                tokens.Add(context.Request.Headers["Auth-Token"].FirstOrDefault());
            }

            return Task.FromResult(false);
        };
        var serverTokens = new List<string?>();
        var redirect = server.Intercept;
        server.Intercept = (context, path) =>
        {
            serverTokens.Add(context.Request.Headers["Auth-Token"].FirstOrDefault());
            return redirect(context, path);
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var supplier = new HttpSymbolSupplier(client, new SymbolServerOptions
        {
            Urls = [server.BaseUrl],
            Headers = new Dictionary<string, string> { ["Auth-Token"] = "secret" },
        });

        using var result = await supplier.LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(["secret"], serverTokens);
        Assert.Equal([null], tokens);
    }

    [Fact]
    public async Task Twenty_concurrent_requests_for_one_module_cause_one_download()
    {
        await using var server = await StartTeckenAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Intercept = async (_, _) =>
        {
            await release.Task;
            return false;
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var supplier = Supplier(client, server);

        var lookups = Enumerable.Range(0, 20).Select(_ => supplier.LocateAsync(DebugModule, Cancel).AsTask()).ToArray();
        await Task.Delay(100, Cancel);
        release.SetResult();
        var results = await Task.WhenAll(lookups);

        Assert.Equal(1, server.CountRequests(DebugPath));
        Assert.All(results, r => Assert.Equal(SymbolFileStatus.Found, r.Status));

        // Each caller owns its reference: releasing one leaves the others usable.
        results[0].Dispose();
        Assert.True(results[19].Index!.TryLookup(0x1010, out _));
        foreach (var result in results)
        {
            result.Dispose();
        }
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_fail_the_others()
    {
        await using var server = await StartTeckenAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Intercept = async (_, _) =>
        {
            await release.Task;
            return false;
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var supplier = Supplier(client, server);
        using var impatient = CancellationTokenSource.CreateLinkedTokenSource(Cancel);

        var first = supplier.LocateAsync(DebugModule, impatient.Token).AsTask();
        var second = supplier.LocateAsync(DebugModule, Cancel).AsTask();
        await impatient.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        using var result = await second;
        Assert.Equal(SymbolFileStatus.Found, result.Status);
    }

    [Theory]
    [InlineData("/ShowSSEConfig.pdb/D57F52D4A2FD56244C4C44205044422E1/ShowSSEConfig.exe.sym", "ShowSSEConfig.pdb", "D57F52D4A2FD56244C4C44205044422E1")]
    [InlineData("https://cdn.example/v1/xul.pdb/0fbe970321ab8cf14c4c44205044422e2/xul.sym", "xul.pdb", "0FBE970321AB8CF14C4C44205044422E2")]
    [InlineData("/c%2B%2Bfilt/B2E65520F14FB5332E38A5A5189839AD0/c%2B%2Bfilt.sym", "c++filt", "B2E65520F14FB5332E38A5A5189839AD0")]
    [InlineData("/a.pdb/B2E65520F14FB5332E38A5A5189839AD/a.sym", "a.pdb", "B2E65520F14FB5332E38A5A5189839AD0")]
    public void The_debug_file_and_id_come_from_the_last_three_segments_of_the_location(string location, string file, string id)
    {
        Assert.True(HttpSymbolSupplier.TryReadDebugInfo(new Uri(new Uri("http://symbols.example/"), location), out var debugFile, out var debugId));
        Assert.Equal((file, id), (debugFile, debugId));
    }

    [Theory]
    [InlineData("/xul.sym")]
    [InlineData("/xul.pdb/not-an-id/xul.sym")]
    [InlineData("/xul.pdb/ABCD/xul.sym")]
    public void A_location_without_a_debug_id_is_not_an_answer(string location) =>
        Assert.False(HttpSymbolSupplier.TryReadDebugInfo(new Uri(new Uri("http://symbols.example/"), location), out _, out _));

    [Fact]
    public void Base_urls_gain_a_trailing_slash_and_must_be_http()
    {
        using var client = new HttpClient();
        var supplier = new HttpSymbolSupplier(client, new SymbolServerOptions { Urls = [new Uri("https://symbols.mozilla.org/try")] });

        Assert.Equal("https://symbols.mozilla.org/try/", supplier.Urls[0].AbsoluteUri);
        Assert.Throws<ArgumentException>(() => new HttpSymbolSupplier(client, new SymbolServerOptions { Urls = [new Uri("file:///srv/symbols")] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpSymbolSupplier(client, new SymbolServerOptions { MaxConcurrentDownloads = 0 }));
    }

    [Fact]
    public async Task Progress_is_reported_and_ends_with_the_whole_file()
    {
        await using var server = await StartTeckenAsync();
        server.Gzip = false;
        var reports = new List<SymbolDownloadProgress>();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var supplier = new HttpSymbolSupplier(client, new SymbolServerOptions
        {
            Urls = [server.BaseUrl],
            Progress = new Progress(reports),
        });

        using var result = await supplier.LocateAsync(DebugModule, Cancel);

        var last = Assert.Single(reports, r => r.Completed);
        Assert.Equal(("ShowSSEConfig.sym", (long)ShowSseConfigText.Length, (long?)ShowSseConfigText.Length),
            (last.Module, last.BytesReceived, last.ContentLength));
    }

    private sealed class Progress(List<SymbolDownloadProgress> reports) : IProgress<SymbolDownloadProgress>
    {
        public void Report(SymbolDownloadProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
