using Obs.SymbolFiles;

namespace Obs.Symbolication.Tests.Caching;

public sealed class MemorySymbolCacheTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_requests_for_one_module_cause_one_load()
    {
        var inner = new ScriptedSupplier();
        inner.AddText("a.so", TestSymbols.Text("a"));
        using var cache = new MemorySymbolCache(inner);
        inner.Close();

        var requests = Enumerable.Range(0, 20)
            .Select(i => cache.LocateAsync(TestSymbols.Identity("a.so", $"/build{i}"), Token).AsTask())
            .ToArray();
        await WaitUntil(() => inner.Waiting == 1);
        await Task.Delay(50, Token);
        Assert.All(requests, request => Assert.False(request.IsCompleted));
        inner.Open();
        var results = await Task.WhenAll(requests);

        Assert.Equal(1, inner.Loads("a.so"));
        Assert.All(results, result => Assert.Equal(SymbolFileStatus.Found, result.Status));
        Assert.All(results, result => Assert.IsType<SymbolIndexLease>(result.Index));
        Assert.Equal(20, results.Select(result => result.Index).Distinct().Count());
        Assert.All(results, result => Assert.Equal("a_f0", TestSymbols.FirstFunction(result.Index!)));
        foreach (var result in results)
        {
            result.Dispose();
        }

        // Kept: the next dump's request is answered without a load.
        using var later = await cache.LocateAsync(TestSymbols.Identity("a.so"), Token);
        Assert.Equal(SymbolFileStatus.Found, later.Status);
        Assert.Equal(1, inner.TotalLoads);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task A_cancelled_request_stops_waiting_and_the_load_goes_on_for_the_others()
    {
        var inner = new ScriptedSupplier();
        inner.AddText("a.so", TestSymbols.Text("a"));
        using var cache = new MemorySymbolCache(inner);
        inner.Close();

        using var impatient = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var first = cache.LocateAsync(TestSymbols.Identity("a.so"), impatient.Token).AsTask();
        var second = cache.LocateAsync(TestSymbols.Identity("a.so"), Token).AsTask();
        await WaitUntil(() => inner.Waiting == 1);

        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.False(second.IsCompleted);
        Assert.True(inner.Tokens.TryPeek(out var loadToken));
        Assert.False(loadToken.IsCancellationRequested);

        inner.Open();
        using var result = await second;
        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(1, inner.TotalLoads);
    }

    [Fact]
    public async Task A_load_every_requester_gave_up_on_is_still_kept()
    {
        var inner = new ScriptedSupplier();
        inner.AddText("a.so", TestSymbols.Text("a"));
        using var cache = new MemorySymbolCache(inner);
        inner.Close();

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var request = cache.LocateAsync(TestSymbols.Identity("a.so"), cancel.Token).AsTask();
        await WaitUntil(() => inner.Waiting == 1);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        inner.Open();
        await WaitUntil(() => cache.Count == 1);
        using var result = await cache.LocateAsync(TestSymbols.Identity("a.so"), Token);
        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(1, inner.TotalLoads);

        // The index the abandoned load made is held by the cache only, and this request's lease.
        var index = Assert.Single(inner.Created);
        Assert.Equal("a_f0", TestSymbols.FirstFunction(index));
    }

    [Fact]
    public async Task Answers_without_symbols_are_remembered_each_for_its_own_time()
    {
        var time = new ManualTimeProvider();
        var inner = new ScriptedSupplier();
        inner.Answers["error.so"] = () => SymbolFileResult.LoadError("503 from the server");
        inner.Answers["corrupt.so"] = () => SymbolFileResult.Corrupt("line 3 could not be parsed");
        var options = new MemorySymbolCacheOptions
        {
            NotFoundTimeToLive = TimeSpan.FromMinutes(10),
            LoadErrorTimeToLive = TimeSpan.FromMinutes(1),
            CorruptTimeToLive = TimeSpan.FromMinutes(30),
            TimeProvider = time,
        };
        using var cache = new MemorySymbolCache(inner, options);

        async Task<SymbolFileStatus> Ask(string module)
        {
            using var result = await cache.LocateAsync(TestSymbols.Identity(module), Token);
            return result.Status;
        }

        Assert.Equal(SymbolFileStatus.NotFound, await Ask("missing.so"));
        Assert.Equal(SymbolFileStatus.LoadError, await Ask("error.so"));
        Assert.Equal(SymbolFileStatus.Corrupt, await Ask("corrupt.so"));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(SymbolFileStatus.NotFound, await Ask("missing.so"));
        Assert.Equal(SymbolFileStatus.LoadError, await Ask("error.so"));
        Assert.Equal(SymbolFileStatus.Corrupt, await Ask("corrupt.so"));
        Assert.Equal((1, 1, 1), (inner.Loads("missing.so"), inner.Loads("error.so"), inner.Loads("corrupt.so")));

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(SymbolFileStatus.LoadError, await Ask("error.so"));
        Assert.Equal(SymbolFileStatus.NotFound, await Ask("missing.so"));
        Assert.Equal((1, 2, 1), (inner.Loads("missing.so"), inner.Loads("error.so"), inner.Loads("corrupt.so")));

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(SymbolFileStatus.NotFound, await Ask("missing.so"));
        Assert.Equal(SymbolFileStatus.Corrupt, await Ask("corrupt.so"));
        Assert.Equal((2, 1), (inner.Loads("missing.so"), inner.Loads("corrupt.so")));

        time.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal(SymbolFileStatus.Corrupt, await Ask("corrupt.so"));
        Assert.Equal(2, inner.Loads("corrupt.so"));
    }

    [Fact]
    public async Task A_zero_time_to_live_remembers_nothing()
    {
        var inner = new ScriptedSupplier();
        using var cache = new MemorySymbolCache(inner, new MemorySymbolCacheOptions { NotFoundTimeToLive = TimeSpan.Zero });
        for (var i = 0; i < 3; i++)
        {
            using var result = await cache.LocateAsync(TestSymbols.Identity("missing.so"), Token);
            Assert.Equal(SymbolFileStatus.NotFound, result.Status);
        }

        Assert.Equal(3, inner.TotalLoads);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_remembered_answer_keeps_its_message_and_origin()
    {
        var inner = new ScriptedSupplier();
        var text = TestSymbols.Text("a");
        inner.Answers["a.exe"] = () => SymbolFileResult.Corrupt("2 lines could not be parsed", SymbolIndex.Parse(text));
        inner.Answers["b.exe"] = () => SymbolFileResult.NotFound("404 from https://symbols.example/b.pdb");
        using var cache = new MemorySymbolCache(inner);

        for (var round = 0; round < 2; round++)
        {
            using var corrupt = await cache.LocateAsync(TestSymbols.Identity("a.exe"), Token);
            Assert.Equal(SymbolFileStatus.Corrupt, corrupt.Status);
            Assert.Equal("2 lines could not be parsed", corrupt.Message);
            Assert.Equal("a_f0", TestSymbols.FirstFunction(corrupt.Index!));

            using var missing = await cache.LocateAsync(TestSymbols.Identity("b.exe"), Token);
            Assert.Equal("404 from https://symbols.example/b.pdb", missing.Message);
            Assert.Null(missing.Index);
        }

        Assert.Equal(2, inner.TotalLoads);
    }

    [Fact]
    public async Task Walks_in_flight_keep_their_leases_when_the_cache_evicts_the_index()
    {
        var inner = new ScriptedSupplier();
        inner.AddText("a.so", TestSymbols.Text("a"));
        using var cache = new MemorySymbolCache(inner);

        var walk = await cache.LocateAsync(TestSymbols.Identity("a.so"), Token);
        var owner = Assert.Single(inner.Created);
        cache.Clear();

        // The cache released its (the owner's) reference: lookups through it fail, while the walk,
        // which holds a lease, goes on reading the same memory.
        Assert.Equal(0, cache.Count);
        Assert.Throws<ObjectDisposedException>(() => TestSymbols.FirstFunction(owner));
        Assert.Equal("a_f0", TestSymbols.FirstFunction(walk.Index!));
        Assert.True(owner.TryLease(out var extra));
        extra.Dispose();

        // The last lease released frees the memory: nothing can lease it any more.
        var lease = walk.Index!;
        walk.Dispose();
        Assert.Null(walk.Index);
        Assert.Throws<ObjectDisposedException>(() => TestSymbols.FirstFunction(lease));
        Assert.False(owner.TryLease(out _));

        // The next request loads the module again.
        using var again = await cache.LocateAsync(TestSymbols.Identity("a.so"), Token);
        Assert.Equal("a_f0", TestSymbols.FirstFunction(again.Index!));
        Assert.Equal(2, inner.TotalLoads);
    }

    [Fact]
    public async Task Requests_racing_evictions_get_a_lease_or_load_again_and_never_a_released_index()
    {
        var inner = new ScriptedSupplier();
        string[] modules = ["a.so", "b.so", "c.so"];
        foreach (var module in modules)
        {
            inner.AddText(module, TestSymbols.Text(module[..1], functions: 64));
        }

        // Room for about two of the three: every admission evicts, besides the Clear calls.
        long oneEntry;
        using (var probe = SymbolFileResult.Found(SymbolIndex.Parse(TestSymbols.Text("a", functions: 64))))
        {
            oneEntry = MemorySymbolCache.EstimateBytes(probe);
        }

        using var cache = new MemorySymbolCache(inner, new MemorySymbolCacheOptions { BudgetBytes = (oneEntry * 5) / 2 });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var evictor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                cache.Clear();
                await Task.Yield();
            }
        }, Token);

        var failures = 0;
        var walkers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 400; i++)
            {
                var module = modules[(i + w) % modules.Length];
                using var result = await cache.LocateAsync(TestSymbols.Identity(module), Token);
                if (result.Status != SymbolFileStatus.Found || TestSymbols.FirstFunction(result.Index!) != $"{module[..1]}_f0")
                {
                    Interlocked.Increment(ref failures);
                }

                await Task.Yield();

                // Still readable after other threads evicted and reloaded meanwhile.
                Assert.True(result.Index!.TryLookup(0x1000 + (16 * 63), out var last));
                Assert.Equal($"{module[..1]}_f63", last.Function.Name);
            }
        }, Token)).ToArray();

        await Task.WhenAll(walkers);
        await stop.CancelAsync();
        await evictor;

        Assert.Equal(0, failures);
        Assert.True(inner.TotalLoads > modules.Length, $"{inner.TotalLoads} loads: the evictions did not race the requests");
        Assert.True(cache.SizeBytes <= (oneEntry * 5) / 2);
    }

    [Fact]
    public async Task The_least_recently_used_entry_makes_room_for_a_new_one()
    {
        var inner = new ScriptedSupplier();
        foreach (var module in new[] { "a.so", "b.so", "c.so" })
        {
            inner.AddText(module, TestSymbols.Text(module[..1], functions: 64));
        }

        long oneEntry;
        using (var probe = SymbolFileResult.Found(SymbolIndex.Parse(TestSymbols.Text("a", functions: 64))))
        {
            oneEntry = MemorySymbolCache.EstimateBytes(probe);
        }

        using var cache = new MemorySymbolCache(inner, new MemorySymbolCacheOptions { BudgetBytes = (oneEntry * 5) / 2 });
        async Task Use(string module)
        {
            using var result = await cache.LocateAsync(TestSymbols.Identity(module), Token);
            Assert.Equal(SymbolFileStatus.Found, result.Status);
        }

        await Use("a.so");
        await Use("b.so");
        await Use("a.so");
        await Use("c.so"); // b is the least recently used
        Assert.Equal(2, cache.Count);
        Assert.True(cache.SizeBytes <= (oneEntry * 5) / 2);

        // b's index was released when it was evicted, before c's was counted.
        var created = inner.Created.ToArray();
        Assert.Throws<ObjectDisposedException>(() => TestSymbols.FirstFunction(created[1]));
        Assert.Equal("a_f0", TestSymbols.FirstFunction(created[0]));

        await Use("a.so");
        await Use("c.so");
        Assert.Equal((1, 1, 1), (inner.Loads("a.so"), inner.Loads("b.so"), inner.Loads("c.so")));
        await Use("b.so");
        Assert.Equal(2, inner.Loads("b.so"));
    }

    [Fact]
    public async Task An_index_larger_than_the_budget_is_served_once_to_every_waiter_and_not_kept()
    {
        var inner = new ScriptedSupplier();
        inner.AddText("big.so", TestSymbols.Text("big", functions: 1000));
        using var cache = new MemorySymbolCache(inner, new MemorySymbolCacheOptions { BudgetBytes = 10_000 });
        inner.Close();

        var requests = Enumerable.Range(0, 5).Select(_ => cache.LocateAsync(TestSymbols.Identity("big.so"), Token).AsTask()).ToArray();
        await WaitUntil(() => inner.Waiting == 1);
        inner.Open();
        var results = await Task.WhenAll(requests);

        Assert.Equal(1, inner.TotalLoads);
        Assert.All(results, result => Assert.Equal("big_f0", TestSymbols.FirstFunction(result.Index!)));
        Assert.Equal(0, cache.Count);
        var owner = Assert.Single(inner.Created);
        Assert.Throws<ObjectDisposedException>(() => TestSymbols.FirstFunction(owner));
        foreach (var result in results)
        {
            result.Dispose();
        }

        Assert.False(owner.TryLease(out _));
        using var again = await cache.LocateAsync(TestSymbols.Identity("big.so"), Token);
        Assert.Equal(2, inner.TotalLoads);
    }

    [Fact]
    public async Task The_budget_counts_a_built_index_whole_and_a_mapped_one_by_its_managed_part()
    {
        var text = TestSymbols.Text("m", functions: 20_000);
        var folder = Directory.CreateTempSubdirectory("obs-memory-cache-");
        try
        {
            var saved = Path.Combine(folder.FullName, "m.symidx");
            using (var built = SymbolIndex.Parse(text))
            {
                built.Save(saved);
            }

            var inner = new ScriptedSupplier();
            inner.AddText("built.so", text);
            inner.AddIndex("mapped.so", () => SymbolIndex.Open(saved));
            using var cache = new MemorySymbolCache(inner);

            using var builtResult = await cache.LocateAsync(TestSymbols.Identity("built.so"), Token);
            var builtBytes = cache.SizeBytes;
            using var mappedResult = await cache.LocateAsync(TestSymbols.Identity("mapped.so"), Token);
            var mappedBytes = cache.SizeBytes - builtBytes;

            Assert.False(builtResult.Index!.IsMapped);
            Assert.True(mappedResult.Index!.IsMapped);
            var tables = builtResult.Index.MemoryBytes;
            Assert.True(tables > 500_000, $"{tables} bytes of tables");
            Assert.Equal(tables, mappedResult.Index.MemoryBytes);
            Assert.InRange(builtBytes, tables, tables + 16_384);
            Assert.InRange(mappedBytes, 1, 16_384);
            Assert.Equal("m_f0", TestSymbols.FirstFunction(mappedResult.Index));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Disposing_the_cache_releases_its_references_and_fails_waiting_requests()
    {
        var inner = new ScriptedSupplier();
        inner.AddText("a.so", TestSymbols.Text("a"));
        inner.AddText("b.so", TestSymbols.Text("b"));
        var cache = new MemorySymbolCache(inner);
        var walk = await cache.LocateAsync(TestSymbols.Identity("a.so"), Token);
        inner.Close();
        var waiting = cache.LocateAsync(TestSymbols.Identity("b.so"), Token).AsTask();
        await WaitUntil(() => inner.Waiting == 1);

        cache.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        Assert.True(inner.Tokens.Last().IsCancellationRequested);
        var owner = Assert.Single(inner.Created);
        Assert.Throws<ObjectDisposedException>(() => TestSymbols.FirstFunction(owner));
        Assert.Equal("a_f0", TestSymbols.FirstFunction(walk.Index!));
        walk.Dispose();
        Assert.False(owner.TryLease(out _));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.LocateAsync(TestSymbols.Identity("a.so"), Token).AsTask());
        cache.Dispose();
    }

    [Fact]
    public async Task Hits_misses_evictions_and_size_are_reported_as_metrics_and_log_events()
    {
        using var meters = new TestMeterFactory();
        using var metrics = new MetricsRecorder(meters);
        var logs = new RecordingLoggerFactory();
        using var telemetry = new SymbolicationTelemetry(logs, meters);
        var inner = new ScriptedSupplier();
        inner.AddText("a.so", TestSymbols.Text("a"));
        using var cache = new MemorySymbolCache(inner, telemetry: telemetry);

        for (var i = 0; i < 3; i++)
        {
            (await cache.LocateAsync(TestSymbols.Identity("a.so"), Token)).Dispose();
            (await cache.LocateAsync(TestSymbols.Identity("missing.so"), Token)).Dispose();
        }

        Assert.Equal(2, metrics.Sum("obs.symbolication.cache.misses", "memory"));
        Assert.Equal(4, metrics.Sum("obs.symbolication.cache.hits", "memory"));
        Assert.Equal(cache.SizeBytes, metrics.Sum("obs.symbolication.cache.size", "memory"));
        Assert.True(cache.SizeBytes > 0);
        Assert.Equal(0, metrics.Sum("obs.symbolication.cache.evictions", "memory"));

        cache.Clear();
        Assert.Equal(2, metrics.Sum("obs.symbolication.cache.evictions", "memory"));
        Assert.Equal(0, metrics.Sum("obs.symbolication.cache.size", "memory"));

        Assert.Equal(2, logs.Count(102));
        Assert.Equal(2, logs.Count(101));
        Assert.Equal(2, logs.Count(105));
        Assert.Equal(2, logs.Count(103));
        Assert.Contains(logs.Events, e => e.Id.Id == 102 && e.Message == "memory cache miss: a.so/0123456789ABCDEF0123456789ABCDEF0");
        Assert.Contains(logs.Events, e => e.Id.Id == 103 && e.Message == "memory cache evicted missing.so/0123456789ABCDEF0123456789ABCDEF0 (removed)");
        Assert.All(logs.Events, e => Assert.Equal(SymbolicationTelemetry.MeterName, e.Category));
    }

    [Fact]
    public void The_silent_telemetry_records_nothing_a_listener_of_the_meter_would_see()
    {
        const string Marker = "silent-telemetry-test";
        long seen = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SymbolicationTelemetry.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value as string == Marker)
                {
                    Interlocked.Increment(ref seen);
                }
            }
        });
        listener.Start();

        SymbolicationTelemetry.None.CacheHit(Marker, "a.so");
        SymbolicationTelemetry.None.CacheMiss(Marker, "a.so");
        using (var audible = new SymbolicationTelemetry())
        {
            audible.CacheHit(Marker, "a.so");
        }

        Assert.Equal(1, Interlocked.Read(ref seen));
    }

    [Fact]
    public async Task The_same_module_from_different_folders_shares_an_entry()
    {
        var inner = new ScriptedSupplier();
        inner.AddText("a.dll", TestSymbols.Text("a"));
        using var cache = new MemorySymbolCache(inner);
        using var first = await cache.LocateAsync(TestSymbols.Identity("a.dll", @"C:\Program Files\App"), Token);
        using var second = await cache.LocateAsync(TestSymbols.Identity("a.dll", @"D:\Other"), Token);
        using var third = await cache.LocateAsync(TestSymbols.Identity("a.dll") with { DebugId = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF1" }, Token);
        Assert.Equal(2, inner.TotalLoads);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the condition");
            await Task.Delay(5, Token);
        }
    }
}
