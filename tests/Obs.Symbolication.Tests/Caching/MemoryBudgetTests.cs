using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Obs.Benchmarks.SymbolFiles;

namespace Obs.Symbolication.Tests.Caching;

/// <summary>
/// Issue 20, acceptance item 5: a service that sees more modules than its in-process budget holds
/// keeps its memory within the budget, because evicted indexes give their memory back. Built (not
/// mapped) indexes of generated symbol files are loaded through a <see cref="MemorySymbolCache"/>
/// over a local store, several times the budget in all, and the process's anonymous resident
/// memory (<c>RssAnon</c>, which a built index's tables count in and a mapped file's pages do not)
/// must stay within the budget plus 200 MB. Measured in a process of its own (this test assembly,
/// run for its probe only), so that no other test's memory counts.
/// </summary>
public sealed class MemoryBudgetTests
{
    private const string ProbeVariable = "OBS_MEMORY_BUDGET_STORE";
    private const long BudgetBytes = 64L << 20;
    private const long Allowance = 200L << 20;
    private const int Modules = 16;
    private const string DebugId = "C0BCC3F19827FE653058404B2831D9E60";

    /// <summary>Symbol texts of 6, 12 and 18 MB, generated from these seeds; each module is one of them (module 0, the hot one, the smallest).</summary>
    private static readonly (long Bytes, ulong Seed)[] Texts = [(6_000_000, 51), (12_000_000, 52), (18_000_000, 53)];

    /// <summary>True in the process <see cref="Evicted_indexes_give_their_memory_back"/> starts.</summary>
    public static bool InProbeProcess => Environment.GetEnvironmentVariable(ProbeVariable) is not null;

    [Fact]
    public async Task Evicted_indexes_give_their_memory_back()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "anonymous resident memory is read from /proc");
        var token = TestContext.Current.CancellationToken;
        var store = Directory.CreateTempSubdirectory("obs-memory-budget-").FullName;
        try
        {
            // A local store of 16 modules in the symbol-store layout, each a link to one of 3 texts.
            for (var t = 0; t < Texts.Length; t++)
            {
                new SymbolFileGenerator(Texts[t].Bytes, Texts[t].Seed).Generate(Path.Combine(store, $"text{t}.sym"));
            }

            for (var m = 0; m < Modules; m++)
            {
                var folder = Directory.CreateDirectory(Path.Combine(store, ModuleName(m), DebugId)).FullName;
                File.CreateSymbolicLink(Path.Combine(folder, ModuleName(m) + ".sym"), Path.Combine(store, $"text{m % Texts.Length}.sym"));
            }

            var report = Path.Combine(store, "report.txt");
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { typeof(MemoryBudgetTests).Assembly.Location, "-method", $"{typeof(MemoryBudgetTests).FullName}.{nameof(Load_more_than_the_budget_holds)}", "-noColor" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { [ProbeVariable] = store },
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(token);
            var error = process.StandardError.ReadToEndAsync(token);
            await process.WaitForExitAsync(token);
            var figures = File.Exists(report) ? await File.ReadAllTextAsync(report, token) : "(no report)";
            TestContext.Current.TestOutputHelper?.WriteLine(figures);
            Assert.True(process.ExitCode == 0, $"probe failed:\n{figures}\n{await output}\n{await error}");
            Assert.Contains("Total: 1, Errors: 0, Failed: 0, Skipped: 0", await output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact(SkipUnless = nameof(InProbeProcess), Skip = "runs in a process of its own, started by Evicted_indexes_give_their_memory_back")]
    public async Task Load_more_than_the_budget_holds()
    {
        var store = Environment.GetEnvironmentVariable(ProbeVariable)!;
        var token = TestContext.Current.CancellationToken;
        var local = new CountingSupplier(new LocalSymbolSupplier([store]));
        using var cache = new MemorySymbolCache(local, new MemorySymbolCacheOptions { BudgetBytes = BudgetBytes });

        GC.Collect();
        var baseline = RssAnon();
        long peak = baseline, largestIndex = 0, mostHeld = 0;
        var stopwatch = Stopwatch.StartNew();

        // Sampled from another thread too, to see the peaks during parses, not only between them.
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                InterlockedMax(ref peak, RssAnon());
                await Task.Delay(2, CancellationToken.None);
            }
        }, CancellationToken.None);

        // Two rounds over the modules, as a stream of dumps might ask for them, each dump needing
        // module 0 too (which therefore stays); a walk holds its leases while it looks up.
        for (var round = 0; round < 2; round++)
        {
            for (var m = 1; m < Modules; m++)
            {
                using var hot = await cache.LocateAsync(Identity(0), token);
                using var result = await cache.LocateAsync(Identity(m), token);
                Assert.Equal(SymbolFileStatus.Found, result.Status);
                var index = result.Index!;
                Assert.False(index.IsMapped);
                Assert.True(index.TryLookup(0x100_0000, out var hit), "no function at the first address");
                Assert.NotEmpty(hit.Function.Name);
                Assert.True(hot.Index!.TryLookup(0x100_0000, out _));

                largestIndex = Math.Max(largestIndex, index.MemoryBytes);
                mostHeld = Math.Max(mostHeld, cache.SizeBytes);
                InterlockedMax(ref peak, RssAnon());
            }
        }

        await stop.CancelAsync();
        await sampler;
        GC.Collect();
        var end = RssAnon();
        var figures = string.Create(CultureInfo.InvariantCulture,
            $"budget {Mb(BudgetBytes)} MB; {local.Loads} loads of built indexes, {Mb(local.LoadedBytes)} MB of tables in all (largest {Mb(largestIndex)} MB) " +
            $"in {stopwatch.Elapsed.TotalSeconds:0.0} s; cache held at most {Mb(mostHeld)} MB, {cache.Count} entries at the end; " +
            $"RssAnon {Mb(baseline)} MB before, {Mb(peak)} MB at peak, {Mb(end)} MB at the end; limit {Mb(BudgetBytes + Allowance)} MB");
        await File.WriteAllTextAsync(Path.Combine(store, "report.txt"), figures, token);

        // Loaded without eviction, the indexes alone would pass the limit.
        Assert.True(local.LoadedBytes > BudgetBytes + Allowance + (64L << 20), $"too little loaded: {figures}");
        Assert.Equal(1, local.LoadsOf(ModuleName(0)));
        Assert.True(mostHeld <= BudgetBytes, figures);
        Assert.True(peak <= BudgetBytes + Allowance, figures);
    }

    /// <summary>Counts the loads of the store behind the cache and the bytes of the indexes they built.</summary>
    private sealed class CountingSupplier(ISymbolSupplier inner) : ISymbolSupplier
    {
        private readonly ConcurrentDictionary<string, int> _loadsOf = new(StringComparer.Ordinal);
        private long _loadedBytes;
        private int _loads;

        public int Loads => _loads;

        public int LoadsOf(string module) => _loadsOf.GetValueOrDefault(module);

        public long LoadedBytes => Interlocked.Read(ref _loadedBytes);

        public async ValueTask<SymbolFileResult> LocateAsync(ModuleIdentity identity, CancellationToken cancellationToken)
        {
            var result = await inner.LocateAsync(identity, cancellationToken);
            Interlocked.Increment(ref _loads);
            _loadsOf.AddOrUpdate(identity.CodeFileName, 1, (_, n) => n + 1);
            Interlocked.Add(ref _loadedBytes, result.Index?.MemoryBytes ?? 0);
            return result;
        }
    }

    private static ModuleIdentity Identity(int m) => new($"/usr/lib/{ModuleName(m)}", null, ModuleName(m), DebugId);

    private static string ModuleName(int m) => string.Create(CultureInfo.InvariantCulture, $"lib{m:00}.so");

    private static long Mb(long bytes) => bytes >> 20;

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>The process's anonymous resident memory, from <c>/proc/self/status</c>.</summary>
    private static long RssAnon()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(8).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no RssAnon in /proc/self/status");
    }
}
