using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Obs.Minidump;
using Obs.Symbolication.Tests.Symbols;
using Obs.Testing;

namespace Obs.Symbolication.Tests.Caching;

/// <summary>What a service gets from <c>services.AddObsSymbolication(...)</c>.</summary>
public sealed class EmbeddingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_processes_test_dmp_through_the_memory_cache_into_the_same_JSON_as_without_it()
    {
        var symbols = TestFixtures.Path("rust-minidump/symbols");
        var dumpPath = TestFixtures.Path("rust-minidump/dumps/test.dmp");
        string expected;
        using (var dump = MinidumpFile.Open(dumpPath))
        {
            expected = Json(await MinidumpProcessor.ProcessAsync(dump, new LocalSymbolSupplier([symbols]), cancellationToken: Token));
        }

        var logs = new RecordingLoggerFactory();
        using var meters = new TestMeterFactory();
        using var metrics = new MetricsRecorder(meters);
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddSingleton<IMeterFactory>(meters);
        services.AddObsSymbolication(options =>
        {
            options.SymbolPaths.Add(symbols);
            options.MemoryCache.BudgetBytes = 256L << 20;
            options.DumpTimeout = TimeSpan.FromMinutes(1);
        });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var stackwalker = provider.GetRequiredService<MinidumpStackwalker>();
        var cache = provider.GetRequiredService<MemorySymbolCache>();
        Assert.Same(cache, provider.GetRequiredService<ISymbolSupplier>());
        Assert.Same(cache, stackwalker.Symbols);
        Assert.Equal(TimeSpan.FromMinutes(1), stackwalker.Options.Timeout);

        var first = Json(await stackwalker.ProcessAsync(dumpPath, Token));
        var misses = metrics.Sum("obs.symbolication.cache.misses", "memory");
        var hits = metrics.Sum("obs.symbolication.cache.hits", "memory");
        await using var upload = File.OpenRead(dumpPath);
        var second = Json(await stackwalker.ProcessAsync(upload, 1 << 20, Token));

        Assert.Equal(expected, first);
        Assert.Equal(expected, second);

        // The first dump loaded every module it looked up (test_app's symbols among them); the
        // second found each of them in the cache.
        Assert.True(misses >= 1);
        Assert.Equal(misses, metrics.Sum("obs.symbolication.cache.misses", "memory"));
        Assert.Equal(hits + misses + hits, metrics.Sum("obs.symbolication.cache.hits", "memory"));
        Assert.True(cache.SizeBytes > 0);
        Assert.Equal(cache.SizeBytes, metrics.Sum("obs.symbolication.cache.size", "memory"));
        Assert.Contains(logs.Events, e => e.Category == SymbolicationTelemetry.MeterName && e.Id.Id == 102 && e.Message.Contains("test_app.pdb/", StringComparison.Ordinal));
        Assert.Contains(logs.Events, e => e.Category == SymbolicationTelemetry.MeterName && e.Id.Id == 101 && e.Message.Contains("test_app.pdb/", StringComparison.Ordinal));

        // Disposing the container releases the cache's indexes.
        await provider.DisposeAsync();
        Assert.Equal(0, cache.SizeBytes);
    }

    [Fact]
    public async Task A_service_fetches_through_the_named_client_into_the_disk_cache_and_a_new_container_reads_it_with_the_server_gone()
    {
        using var folder = new TemporaryFolder();
        await using var server = await SymbolStoreScenario.StartTeckenAsync();
        var tokens = new List<string?>();
        server.Intercept = (context, _) =>
        {
            lock (tokens)
            {
                tokens.Add(context.Request.Headers["Auth-Token"].ToString());
            }

            return Task.FromResult(false);
        };

        void Configure(SymbolicationOptions options)
        {
            options.SymbolServerUrls.Add(server.BaseUrl);
            options.SymbolServerHeaders["Auth-Token"] = "s3cret";
            options.MaxDownloadRetries = 0;
            options.DownloadTimeout = TimeSpan.FromSeconds(30);
            options.CacheDirectory = folder.Combine("cache");
        }

        var dump = SymbolStoreScenario.ShowSseConfigDump();
        var services = new ServiceCollection();
        services.AddObsSymbolication(Configure);
        JsonElement json;
        await using (var provider = services.BuildServiceProvider())
        {
            var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(SymbolicationOptions.HttpClientName);
            Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
            var stackwalker = provider.GetRequiredService<MinidumpStackwalker>();
            json = await Walk(stackwalker, dump);
            var requests = server.Requests.Count;
            var again = await Walk(stackwalker, dump);
            Assert.Equal(json.GetRawText(), again.GetRawText());
            Assert.Equal(requests, server.Requests.Count);
        }

        // The code-info lookup found the debug file and id, the download went through the disk cache.
        var module = SymbolStoreScenario.Module(json, "ShowSSEConfig.exe");
        Assert.True(module.GetProperty("loaded_symbols").GetBoolean());
        Assert.Equal(SymbolStoreScenario.DebugFile, module.GetProperty("debug_file").GetString());
        Assert.Equal(SymbolStoreScenario.DebugId, module.GetProperty("debug_id").GetString());
        Assert.Equal(1, server.CountRequests(SymbolStoreScenario.DebugPath));
        Assert.All(tokens, token => Assert.Equal("s3cret", token));
        Assert.NotEmpty(tokens);
        Assert.NotEmpty(Directory.GetFiles(folder.Combine("cache"), "*", SearchOption.AllDirectories));

        await server.StopAsync();
        var fresh = new ServiceCollection();
        fresh.AddObsSymbolication(Configure);
        await using (var provider = fresh.BuildServiceProvider())
        {
            var fromDisk = await Walk(provider.GetRequiredService<MinidumpStackwalker>(), dump);
            Assert.Equal(json.GetRawText(), fromDisk.GetRawText());
        }
    }

    [Fact]
    public void The_stores_are_composed_from_the_options()
    {
        using var folder = new TemporaryFolder();
        using var client = new HttpClient();
        var telemetry = SymbolicationTelemetry.None;
        var clients = 0;
        HttpClient Client()
        {
            clients++;
            return client;
        }

        var both = new SymbolicationOptions { SymbolPaths = { "/srv/symbols" }, SymbolServerUrls = { new Uri("https://symbols.example/try") } };
        var chain = Assert.IsType<ChainedSymbolSupplier>(SymbolStores.Create(both, Client, telemetry));
        Assert.Collection(chain.Suppliers,
            first => Assert.Equal(["/srv/symbols"], Assert.IsType<LocalSymbolSupplier>(first).Paths),
            second => Assert.Equal([new Uri("https://symbols.example/try/")], Assert.IsType<HttpSymbolSupplier>(second).Urls));
        Assert.Equal(1, clients);

        var local = new SymbolicationOptions { SymbolPaths = { "/srv/symbols" } };
        Assert.IsType<LocalSymbolSupplier>(SymbolStores.Create(local, Client, telemetry));
        Assert.Equal(1, clients);

        var cached = new SymbolicationOptions
        {
            SymbolServerUrls = { new Uri("https://symbols.example/") },
            CacheDirectory = folder.Combine("cache"),
            CacheTemporaryDirectory = folder.Combine("tmp"),
        };
        var disk = Assert.IsType<DiskSymbolCache>(SymbolStores.Create(cached, Client, telemetry));
        Assert.Equal(folder.Combine("cache"), disk.Directory);
        Assert.Equal(folder.Combine("tmp"), disk.TemporaryDirectory);

        Assert.IsType<ChainedSymbolSupplier>(SymbolStores.Create(new SymbolicationOptions(), Client, telemetry));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SymbolStores.Create(new SymbolicationOptions { SymbolServerUrls = { new Uri("https://symbols.example/") }, MaxConcurrentDownloads = 0 }, Client, telemetry));
    }

    [Fact]
    public async Task Without_symbol_sources_no_module_is_reported_missing()
    {
        var services = new ServiceCollection();
        services.AddObsSymbolication(_ => { });
        await using var provider = services.BuildServiceProvider();
        var stackwalker = provider.GetRequiredService<MinidumpStackwalker>();
        Assert.Null(stackwalker.Symbols);

        var state = await stackwalker.ProcessAsync(TestFixtures.Path("rust-minidump/dumps/test.dmp"), Token);
        Assert.Empty(state.SymbolStatus);
    }

    [Fact]
    public async Task A_supplier_the_host_registers_is_used_without_symbol_paths_or_servers()
    {
        var supplier = new LocalSymbolSupplier([TestFixtures.Path("rust-minidump/symbols")]);
        var services = new ServiceCollection();
        services.AddSingleton<ISymbolSupplier>(supplier);
        services.AddObsSymbolication(_ => { });
        await using var provider = services.BuildServiceProvider();
        var stackwalker = provider.GetRequiredService<MinidumpStackwalker>();
        Assert.Same(supplier, stackwalker.Symbols);

        var state = await stackwalker.ProcessAsync(TestFixtures.Path("rust-minidump/dumps/test.dmp"), Token);
        Assert.Contains(state.Threads[0].Frames, frame => frame.FunctionName is not null);
    }

    [Fact]
    public async Task The_host_options_and_registrations_are_kept()
    {
        using var telemetry = new SymbolicationTelemetry();
        var services = new ServiceCollection();
        services.AddSingleton(telemetry);
        services.AddObsSymbolication(options => options.SymbolPaths.Add("/first"));
        services.Configure<SymbolicationOptions>(options =>
        {
            options.SymbolPaths.Add("/second");
            options.MaxDegreeOfParallelism = 3;
            options.UseCorruptSymbols = true;
        });
        await using var provider = services.BuildServiceProvider();

        Assert.Same(telemetry, provider.GetRequiredService<SymbolicationTelemetry>());
        Assert.Equal(["/first", "/second"], provider.GetRequiredService<IOptions<SymbolicationOptions>>().Value.SymbolPaths);
        var stackwalker = provider.GetRequiredService<MinidumpStackwalker>();
        Assert.Equal(3, stackwalker.Options.MaxDegreeOfParallelism);
        Assert.True(stackwalker.Options.UseCorruptSymbols);
        Assert.Throws<ArgumentNullException>(() => services.AddObsSymbolication(null!));
    }

    private static async Task<JsonElement> Walk(MinidumpStackwalker stackwalker, byte[] dumpBytes)
    {
        using var dump = MinidumpFile.Read(dumpBytes);
        var state = await stackwalker.ProcessAsync(dump, Token);
        return JsonDocument.Parse(Json(state)).RootElement.Clone();
    }

    private static string Json(ProcessState state)
    {
        using var json = new MemoryStream();
        ProcessStateJson.Write(json, state, pretty: true);
        return System.Text.Encoding.UTF8.GetString(json.ToArray());
    }
}
