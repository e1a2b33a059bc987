namespace Obs.SymbolFiles.Tests;

/// <summary>
/// An index is shared by reference count: the owner's reference and leases. Lookups through any
/// of them give the single-thread answers from any number of threads; disposing the owner stops
/// lookups through it, never those through a lease, and the memory goes with the last reference.
/// </summary>
public sealed class LeaseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-lease-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Eight_threads_get_the_single_thread_answers(bool mapped)
    {
        using var index = Index(mapped);
        var addresses = IndexProbe.Addresses(index, seed: 8, limit: 1500);
        var expected = addresses.ToDictionary(a => a, a => IndexProbe.Describe(index, a));

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            var random = new Random(thread);
            Assert.True(index.TryLease(out var lease));
            using (lease)
            {
                for (var i = 0; i < 3000; i++)
                {
                    var address = addresses[random.Next(addresses.Count)];
                    SymbolIndexReference through = (thread + i) % 2 == 0 ? index : lease;
                    Assert.Equal(expected[address], IndexProbe.Describe(through, address));
                }
            }
        });
    }

    [Fact]
    public async Task Disposing_the_owner_stops_only_the_lookups_that_hold_no_lease()
    {
        var path = SavedIndexPath();
        using var reference = SymbolIndex.Open(path);
        var addresses = IndexProbe.Addresses(reference, seed: 9, limit: 400);
        var expected = addresses.ToDictionary(a => a, a => IndexProbe.Describe(reference, a));
        var expectedWithoutSpans = addresses.ToDictionary(a => a, a => IndexProbe.Describe(reference, a, readSpans: false));

        for (var round = 0; round < 30; round++)
        {
            var index = round % 2 == 0 ? SymbolIndex.Open(path) : SymFixtures.Load(SymFixtures.CrashClient);
            var leased = 0;
            var unleasedDisposed = 0;
            using var started = new CountdownEvent(4);
            var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
            {
                var random = new Random((round * 4) + worker);
                if (worker < 2)
                {
                    // A stack walk: leased before the owner goes, so it is never disturbed.
                    Assert.True(index.TryLease(out var lease));
                    using (lease)
                    {
                        started.Signal();
                        for (var i = 0; i < 600; i++)
                        {
                            var address = addresses[random.Next(addresses.Count)];
                            Assert.Equal(expected[address], IndexProbe.Describe(lease, address));
                            Interlocked.Increment(ref leased);
                        }
                    }

                    return;
                }

                // Lookups on the owner itself: correct until it is disposed, then refused. The spans
                // their results hand out are not read: once the owner and the leases are gone, that
                // would be a read of freed memory (the documented limit of an owner's results).
                started.Signal();
                for (var i = 0; i < 600; i++)
                {
                    var address = addresses[random.Next(addresses.Count)];
                    string answer;
                    try
                    {
                        answer = IndexProbe.Describe(index, address, readSpans: false);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref unleasedDisposed);
                        return;
                    }

                    Assert.Equal(expectedWithoutSpans[address], answer);
                }
            }, TestContext.Current.CancellationToken)).ToArray();

            started.Wait(TestContext.Current.CancellationToken);
            Thread.Sleep(round % 5);
            index.Dispose();
            await Task.WhenAll(workers);

            Assert.Equal(2 * 600, leased);
            Assert.Throws<ObjectDisposedException>(() => index.TryLookup(addresses[0], out _));
            Assert.False(index.TryLease(out _));
        }
    }

    [Fact]
    public void A_lease_outlives_its_owner_and_its_results_outlive_nothing()
    {
        var index = SymFixtures.Load(SymFixtures.LinuxInlineNew);
        Assert.True(index.TryLease(out var lease));
        Assert.True(lease.TryLookup(0x161b6, out var leasedResult));
        Assert.True(index.TryLookup(0x161b6, out var ownerResult));

        index.Dispose();
        index.Dispose();

        // The owner refuses everything, its results too; the lease still reads the memory.
        Assert.Throws<ObjectDisposedException>(() => index.TryLookup(0x161b6, out _));
        Assert.Throws<ObjectDisposedException>(() => index.Statistics);
        Assert.Throws<ObjectDisposedException>(() => ownerResult.Function.Name);
        Assert.Throws<ObjectDisposedException>(() => ownerResult.File);
        Assert.Equal("main", leasedResult.Function.Name);
        Assert.Equal(3, leasedResult.InlineFrameCount);
        Assert.Equal("func()", leasedResult.GetInlineFrame(0).Name);
        Assert.True(lease.TryLookup(0x161b6, out _));

        // While a reference is held another can be taken, through any of them.
        Assert.True(index.TryLease(out var second));
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => leasedResult.Function.Name);
        Assert.Throws<ObjectDisposedException>(() => leasedResult.GetInlineFrame(0));
        Assert.Throws<ObjectDisposedException>(() => lease.TryLookup(0x161b6, out _));
        Assert.True(second.TryLookup(0x161b6, out var last));
        Assert.Equal("main", last.Function.Name);

        second.Dispose();
        Assert.False(index.TryLease(out _));
        Assert.False(second.TryLease(out _));
    }

    [Fact]
    public void Spans_and_rules_need_their_reference()
    {
        var index = SymFixtures.Load(SymFixtures.Module1);
        Assert.True(index.TryFindCfiRules(0x3d40, out var rules));
        Assert.True(index.TryFindStackWin(0x1000, out var win));
        var text = rules.ToString();

        index.Dispose();

        Assert.NotEmpty(text);
        Assert.Throws<ObjectDisposedException>(() => rules.ToString());
        Assert.Throws<ObjectDisposedException>(() => rules.RulesUtf8.Length);
        Assert.Throws<ObjectDisposedException>(() => win.ProgramString);
    }

    private SymbolIndex Index(bool mapped) => mapped ? SymbolIndex.Open(SavedIndexPath()) : SymFixtures.Load(SymFixtures.CrashClient);

    private string SavedIndexPath()
    {
        var path = Path.Combine(_folder, "crash-client.symindex");
        if (!File.Exists(path))
        {
            using var built = SymFixtures.Load(SymFixtures.CrashClient);
            built.Save(path);
        }

        return path;
    }
}
