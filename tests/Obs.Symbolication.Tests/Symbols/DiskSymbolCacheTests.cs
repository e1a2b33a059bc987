using Obs.SymbolFiles;
using Obs.Testing;
using static Obs.Symbolication.Tests.Symbols.SymbolStoreScenario;

namespace Obs.Symbolication.Tests.Symbols;

/// <summary>
/// <see cref="DiskSymbolCache"/> over a real Kestrel store and real files: what a second run
/// reads, what damage it detects, what it remembers as missing, and what it evicts.
/// </summary>
public sealed class DiskSymbolCacheTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string EntryFolder(TemporaryFolder cache) => cache.Combine("ShowSSEConfig.pdb", DebugId);

    private static string IndexFile(TemporaryFolder cache) => Assert.Single(Directory.GetFiles(EntryFolder(cache), "*.symindex"));

    [Fact]
    public async Task A_module_without_a_debug_id_is_symbolicated_through_the_code_info_lookup_and_then_from_the_cache_alone()
    {
        using var cache = new TemporaryFolder();
        var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var options = new SymbolCacheOptions { Directory = cache.Path };

        var first = await WalkAsync(ShowSseConfigDump(), new DiskSymbolCache(options, null, Supplier(client, server)));
        var requests = server.Requests.ToArray();
        await server.StopAsync();
        var second = await WalkAsync(ShowSseConfigDump(), new DiskSymbolCache(options, null, Supplier(client, server)));

        foreach (var json in new[] { first, second })
        {
            var module = Module(json, "ShowSSEConfig.exe");
            Assert.Equal(DebugFile, module.GetProperty("debug_file").GetString());
            Assert.Equal(DebugId, module.GetProperty("debug_id").GetString());
            Assert.True(module.GetProperty("loaded_symbols").GetBoolean());
            Assert.False(module.GetProperty("missing_symbols").GetBoolean());
            Assert.Equal(new Uri(server.BaseUrl, $"{DebugPath}?code_file=ShowSSEConfig.exe&code_id=6a4b9a365000").AbsoluteUri,
                module.GetProperty("symbol_url").GetString());
            var frame = json.GetProperty("threads")[0].GetProperty("frames")[0];
            Assert.Equal("wmain()", frame.GetProperty("function").GetString());
        }

        Assert.Equal([CodeInfoPath, $"{DebugPath}?code_file=ShowSSEConfig.exe&code_id=6a4b9a365000"], requests);
        Assert.Equal(ShowSseConfigText, File.ReadAllBytes(cache.Combine("ShowSSEConfig.pdb", DebugId, "ShowSSEConfig.sym")));
        Assert.Equal(first.GetRawText(), second.GetRawText());
    }

    [Fact]
    public async Task A_cached_index_is_mapped_and_marked_verified_and_the_text_is_kept_only_when_asked()
    {
        using var keeping = new TemporaryFolder();
        using var dropping = new TemporaryFolder();
        await using var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();

        using (var fetched = await new DiskSymbolCache(new SymbolCacheOptions { Directory = keeping.Path }, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel))
        using (var dropped = await new DiskSymbolCache(new SymbolCacheOptions { Directory = dropping.Path, KeepText = false }, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel))
        {
            Assert.True(fetched.Index!.IsMapped);
            Assert.True(dropped.Index!.IsMapped);
        }

        var index = IndexFile(keeping);
        Assert.True(File.Exists(index + ".verified"));
        Assert.True(File.Exists(Path.Combine(EntryFolder(keeping), "ShowSSEConfig.sym")));
        Assert.False(File.Exists(Path.Combine(EntryFolder(dropping), "ShowSSEConfig.sym")));
        Assert.Single(Directory.GetFiles(EntryFolder(dropping), "*.symindex"));
        Assert.Empty(Directory.GetFiles(Path.Combine(keeping.Path, ".tmp")));

        await server.StopAsync();
        using var again = await new DiskSymbolCache(new SymbolCacheOptions { Directory = dropping.Path, KeepText = false }, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel);
        Assert.Equal(SymbolFileStatus.Found, again.Status);
    }

    [Fact]
    public async Task A_truncated_text_without_its_index_is_detected_and_downloaded_again()
    {
        using var cache = new TemporaryFolder();
        await using var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var options = new SymbolCacheOptions { Directory = cache.Path };
        (await new DiskSymbolCache(options, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel)).Dispose();
        var text = Path.Combine(EntryFolder(cache), "ShowSSEConfig.sym");
        var index = IndexFile(cache);
        File.Delete(index);
        File.Delete(index + ".verified");
        using (var stream = new FileStream(text, FileMode.Open))
        {
            // Cut at a line boundary, so that nothing in the text itself gives it away.
            var bytes = ShowSseConfigText;
            stream.SetLength(Array.LastIndexOf(bytes, (byte)'\n', bytes.Length / 2) + 1);
        }

        using var result = await new DiskSymbolCache(options, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(ShowSseConfigText.Length, result.Index!.Statistics.Bytes);
        Assert.Equal(2, server.CountRequests(DebugPath));
        Assert.Equal(ShowSseConfigText, File.ReadAllBytes(text));
    }

    [Fact]
    public async Task A_text_altered_but_not_shortened_is_detected_by_its_hash_and_downloaded_again()
    {
        using var cache = new TemporaryFolder();
        await using var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var options = new SymbolCacheOptions { Directory = cache.Path };
        (await new DiskSymbolCache(options, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel)).Dispose();
        var text = Path.Combine(EntryFolder(cache), "ShowSSEConfig.sym");
        File.Delete(IndexFile(cache));
        var altered = ShowSseConfigText;
        altered[^10] ^= 0x01;
        File.WriteAllBytes(text, altered);

        using var result = await new DiskSymbolCache(options, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(2, server.CountRequests(DebugPath));
        Assert.Equal(ShowSseConfigText, File.ReadAllBytes(text));
    }

    [Theory]
    [InlineData(60)]     // the header (the parse's statistics): the open's checksum finds it
    [InlineData(-100)]   // the tables: only the full-content hash finds it
    public async Task A_damaged_index_found_before_adoption_is_detected_and_rebuilt_from_the_text(int offset)
    {
        using var cache = new TemporaryFolder();
        await using var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var options = new SymbolCacheOptions { Directory = cache.Path };
        (await new DiskSymbolCache(options, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel)).Dispose();
        var index = IndexFile(cache);
        var good = File.ReadAllBytes(index);
        var damaged = good.ToArray();
        damaged[offset >= 0 ? offset : damaged.Length + offset] ^= 0x40;

        // As another process (or a copy) would leave it: a whole file, never checked here.
        File.Delete(index + ".verified");
        File.WriteAllBytes(index, damaged);
        if (offset >= 0)
        {
            Assert.Throws<SymbolIndexFormatException>(() => SymbolIndex.Open(index));
        }
        else
        {
            // The open's checks pass; only the content hash tells.
            SymbolIndex.Open(index).Dispose();
            Assert.Throws<SymbolIndexFormatException>(() => SymbolIndex.Open(index, verifyContent: true));
        }

        using var result = await new DiskSymbolCache(options, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(1, server.CountRequests(DebugPath));
        Assert.Equal(good, File.ReadAllBytes(IndexFile(cache)));
        Assert.True(File.Exists(IndexFile(cache) + ".verified"));
    }

    [Fact]
    public async Task A_damaged_index_with_no_text_to_rebuild_from_is_downloaded_again()
    {
        using var cache = new TemporaryFolder();
        await using var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var options = new SymbolCacheOptions { Directory = cache.Path, KeepText = false };
        (await new DiskSymbolCache(options, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel)).Dispose();
        var index = IndexFile(cache);
        var damaged = File.ReadAllBytes(index);
        damaged[^100] ^= 0x40;
        File.Delete(index + ".verified");
        File.WriteAllBytes(index, damaged);

        using var result = await new DiskSymbolCache(options, null, Supplier(client, server)).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.Equal(2, server.CountRequests(DebugPath));
        Assert.NotEqual(damaged, File.ReadAllBytes(IndexFile(cache)));
    }

    [Fact]
    public async Task Twenty_concurrent_requests_for_one_module_cause_one_lookup_and_one_download()
    {
        using var cache = new TemporaryFolder();
        await using var server = await StartTeckenAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Intercept = async (_, _) =>
        {
            await release.Task;
            return false;
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var symbols = new DiskSymbolCache(new SymbolCacheOptions { Directory = cache.Path }, null, Supplier(client, server));

        var lookups = Enumerable.Range(0, 20).Select(_ => symbols.LocateAsync(CodeOnlyModule, Cancel).AsTask()).ToArray();
        await Task.Delay(100, Cancel);
        release.SetResult();
        var results = await Task.WhenAll(lookups);

        Assert.Equal(1, server.CountRequests(CodeInfoPath));
        Assert.Equal(1, server.CountRequests(DebugPath));
        Assert.All(results, r => Assert.Equal((SymbolFileStatus.Found, DebugId), (r.Status, r.RecoveredDebugId)));
        foreach (var result in results)
        {
            Assert.True(result.Index!.TryLookup(0x1010, out _));
            result.Dispose();
        }
    }

    [Fact]
    public async Task Modules_no_server_has_are_asked_for_once_and_then_remembered_until_the_time_to_live_passes()
    {
        const int count = 12;
        using var cache = new TemporaryFolder();
        await using var server = await TestSymbolServer.StartAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var options = new SymbolCacheOptions { Directory = cache.Path, NotFoundTimeToLive = TimeSpan.FromMinutes(10) };
        var dump = ManyModulesDump(count);

        var first = await WalkAsync(dump, new DiskSymbolCache(options, null, Supplier(client, server)));
        var afterFirst = server.Requests.Count;
        var perModule = Enumerable.Range(0, count).Select(i => server.CountRequests(ManyModulesPath(i))).ToArray();
        var second = await WalkAsync(dump, new DiskSymbolCache(options, null, Supplier(client, server)));
        var afterSecond = server.Requests.Count;

        // Past the time to live, each is asked for again.
        foreach (var file in Directory.GetFiles(cache.Path, "*.notfound", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow - TimeSpan.FromMinutes(11));
        }

        await WalkAsync(dump, new DiskSymbolCache(options, null, Supplier(client, server)));

        Assert.Equal(count, afterFirst);
        Assert.All(perModule, requests => Assert.Equal(1, requests));
        Assert.Equal(afterFirst, afterSecond);
        Assert.Equal(2 * count, server.Requests.Count);
        foreach (var json in new[] { first, second })
        {
            Assert.All(json.GetProperty("modules").EnumerateArray(), m => Assert.True(m.GetProperty("missing_symbols").GetBoolean()));
        }
    }

    [Fact]
    public async Task Remembered_misses_belong_to_the_servers_asked_and_failures_are_not_remembered()
    {
        using var cache = new TemporaryFolder();
        await using var empty = await TestSymbolServer.StartAsync();
        await using var failing = await TestSymbolServer.StartAsync();
        failing.Intercept = (context, _) =>
        {
            context.Response.StatusCode = 503;
            return Task.FromResult(true);
        };
        await using var tecken = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var options = new SymbolCacheOptions { Directory = cache.Path };

        using var missing = await new DiskSymbolCache(options, null, Supplier(client, empty)).LocateAsync(DebugModule, Cancel);
        using var failed = await new DiskSymbolCache(options, null, Supplier(client, failing)).LocateAsync(DebugModule, Cancel);
        using var failedAgain = await new DiskSymbolCache(options, null, Supplier(client, failing)).LocateAsync(DebugModule, Cancel);
        using var found = await new DiskSymbolCache(options, null, Supplier(client, tecken)).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.NotFound, missing.Status);
        Assert.Equal((SymbolFileStatus.LoadError, 2), (failedAgain.Status, failing.CountRequests(DebugPath)));
        Assert.Equal(SymbolFileStatus.Found, found.Status);
        Assert.Empty(Directory.GetFiles(EntryFolder(cache), "*.notfound"));
    }

    [Fact]
    public async Task Past_its_size_limit_the_cache_evicts_the_entries_used_longest_ago()
    {
        using var cache = new TemporaryFolder();
        await using var server = await TestSymbolServer.StartAsync();
        server.Gzip = false;
        var text = ShowSseConfigText;
        var modules = new List<ModuleIdentity>();
        for (var i = 0; i < 4; i++)
        {
            var id = $"{i:X32}1";
            var body = System.Text.Encoding.UTF8.GetBytes($"MODULE windows x86 {id} m{i}.pdb\n").Concat(text.Skip(text.AsSpan().IndexOf((byte)'\n') + 1)).ToArray();
            server.AddFile($"m{i}.pdb/{id}/m{i}.sym", body);
            modules.Add(new ModuleIdentity($"m{i}.dll", null, $"m{i}.pdb", id));
        }

        using var client = HttpSymbolSupplier.CreateHttpClient();
        long entryBytes;
        using (var probe = new TemporaryFolder())
        {
            (await new DiskSymbolCache(new SymbolCacheOptions { Directory = probe.Path }, null, Supplier(client, server)).LocateAsync(modules[0], Cancel)).Dispose();
            entryBytes = Directory.GetFiles(probe.Path, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.tmp/", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
        }

        // Room for three entries and a half.
        var symbols = new DiskSymbolCache(new SymbolCacheOptions { Directory = cache.Path, MaxSizeBytes = entryBytes * 7 / 2 }, null, Supplier(client, server));
        var start = DateTime.UtcNow - TimeSpan.FromHours(1);
        for (var i = 0; i < 3; i++)
        {
            (await symbols.LocateAsync(modules[i], Cancel)).Dispose();
            foreach (var file in Directory.GetFiles(cache.Combine($"m{i}.pdb"), "*", SearchOption.AllDirectories))
            {
                File.SetLastWriteTimeUtc(file, start + TimeSpan.FromMinutes(i));
            }
        }

        // A hit makes m0 the most recently used, so m1 is the oldest when m3 arrives.
        (await symbols.LocateAsync(modules[0], Cancel)).Dispose();
        (await symbols.LocateAsync(modules[3], Cancel)).Dispose();

        Assert.True(Directory.Exists(cache.Combine("m0.pdb")));
        Assert.False(Directory.Exists(cache.Combine("m1.pdb")));
        Assert.True(Directory.Exists(cache.Combine("m2.pdb")));
        Assert.True(Directory.Exists(cache.Combine("m3.pdb")));
        Assert.Equal(5, server.Requests.Count);
    }

    [Fact]
    public async Task Local_symbols_are_indexed_once_and_rebuilt_when_the_file_changes()
    {
        using var cache = new TemporaryFolder();
        using var store = new TemporaryFolder();
        var file = store.Combine("ShowSSEConfig.pdb", DebugId, "ShowSSEConfig.sym");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, ShowSseConfigText);
        var local = new LocalSymbolSupplier([store.Path]);
        var options = new SymbolCacheOptions { Directory = cache.Path, CacheLocalSymbols = true };

        using (var built = await new DiskSymbolCache(options, local, null).LocateAsync(DebugModule, Cancel))
        using (var mapped = await new DiskSymbolCache(options, local, null).LocateAsync(DebugModule, Cancel))
        {
            Assert.Equal((SymbolFileStatus.Found, SymbolFileStatus.Found), (built.Status, mapped.Status));
            Assert.True(mapped.Index!.IsMapped);
            Assert.Null(mapped.SymbolUrl);
        }

        var indexBefore = IndexFile(cache);
        var changed = ShowSseConfigText.Concat("PUBLIC 4f00 0 added_later\n"u8.ToArray()).ToArray();
        File.WriteAllBytes(file, changed);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow + TimeSpan.FromSeconds(5));
        using var rebuilt = await new DiskSymbolCache(options, local, null).LocateAsync(DebugModule, Cancel);

        Assert.Equal(changed.Length, rebuilt.Index!.Statistics.Bytes);
        Assert.True(rebuilt.Index.TryLookup(0x4f00, out var hit));
        Assert.Equal("added_later", hit.Function.Name);
        Assert.Equal(2, Directory.GetFiles(EntryFolder(cache), "*.symindex").Length);
        Assert.True(File.Exists(indexBefore));
        Assert.False(File.Exists(Path.Combine(EntryFolder(cache), "ShowSSEConfig.sym")));
    }

    [Fact]
    public async Task Without_cache_local_symbols_the_local_file_is_parsed_and_nothing_is_written()
    {
        using var cache = new TemporaryFolder();
        var local = new LocalSymbolSupplier([TestFixtures.Path("symfiles/tecken/ShowSSEConfig.exe/6A4B9A365000/ShowSSEConfig.sym")]);

        using var result = await new DiskSymbolCache(new SymbolCacheOptions { Directory = cache.Path }, local, null).LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, result.Status);
        Assert.False(result.Index!.IsMapped);
        Assert.Empty(Directory.GetFileSystemEntries(cache.Path));
    }

    [Fact]
    public async Task A_local_file_wins_over_the_server_and_a_module_found_nowhere_is_not_found()
    {
        using var cache = new TemporaryFolder();
        await using var server = await StartTeckenAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var local = new LocalSymbolSupplier([TestFixtures.Path("symfiles/tecken/ShowSSEConfig.exe/6A4B9A365000/ShowSSEConfig.sym")]);
        var symbols = new DiskSymbolCache(new SymbolCacheOptions { Directory = cache.Path }, local, Supplier(client, server));

        using var found = await symbols.LocateAsync(CodeOnlyModule, Cancel);
        using var missing = await symbols.LocateAsync(new ModuleIdentity("other.dll", null, "other.pdb", "ABCDEF0123456789ABCDEF01234567891"), Cancel);

        Assert.Equal((SymbolFileStatus.Found, DebugId, null), (found.Status, found.RecoveredDebugId, found.SymbolUrl));
        Assert.Equal(0, server.CountRequests(DebugPath));
        Assert.Equal(SymbolFileStatus.NotFound, missing.Status);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    public async Task A_debug_file_that_would_leave_the_cache_is_never_written(string debugFile)
    {
        using var cache = new TemporaryFolder();
        var inside = cache.Combine("inside");
        await using var server = await TestSymbolServer.StartAsync();
        using var client = HttpSymbolSupplier.CreateHttpClient();

        using var result = await new DiskSymbolCache(new SymbolCacheOptions { Directory = inside }, null, Supplier(client, server))
            .LocateAsync(new ModuleIdentity("x.dll", null, debugFile, "ABCDEF0123456789ABCDEF01234567891"), Cancel);

        Assert.Equal(SymbolFileStatus.NotFound, result.Status);
        Assert.All(Directory.GetFileSystemEntries(cache.Path), entry => Assert.Equal(inside, entry));
    }
}
