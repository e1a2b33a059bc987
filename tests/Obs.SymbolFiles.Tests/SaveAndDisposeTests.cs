using Obs.SymbolFiles.Tests.Reference;
using Obs.Testing;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// <see cref="SymbolIndex.SaveAndDispose"/> writes the file <see cref="SymbolIndexReference.Save(string, string?)"/>
/// writes, frees the tables as it goes only when nothing else holds the index, and leaves the
/// index disposed whatever happens.
/// </summary>
public sealed class SaveAndDisposeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-save-and-dispose-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Texts() => [SymFixtures.CrashClient, SymFixtures.LinuxInlineNew, "generated"];

    [Theory]
    [MemberData(nameof(Texts))]
    public void It_writes_the_file_Save_writes_and_disposes_the_index(string text)
    {
        var bytes = Text(text);
        using var kept = SymbolIndex.Parse(bytes);
        var saved = Path.Combine(_folder, "saved.symindex");
        kept.Save(saved);
        var index = SymbolIndex.Parse(bytes);
        var consumed = Path.Combine(_folder, "consumed.symindex");

        index.SaveAndDispose(consumed);

        Assert.Equal(File.ReadAllBytes(saved), File.ReadAllBytes(consumed));
        Assert.Throws<ObjectDisposedException>(() => index.TryLookup(0x1000, out _));
        Assert.False(index.TryLease(out _));
        Assert.Equal([consumed, saved], Directory.GetFiles(_folder).Order());
        using var opened = SymbolIndex.Open(consumed, verifyContent: true);
        IndexAssert.SameTables(kept, opened);
    }

    [Fact]
    public void A_lease_keeps_the_tables_whole_and_usable()
    {
        var bytes = Text("generated");
        using var kept = SymbolIndex.Parse(bytes);
        var saved = Path.Combine(_folder, "saved.symindex");
        kept.Save(saved);
        var index = SymbolIndex.Parse(bytes);
        Assert.True(index.TryLease(out var lease));
        var consumed = Path.Combine(_folder, "consumed.symindex");

        using (lease)
        {
            index.SaveAndDispose(consumed);

            Assert.Equal(File.ReadAllBytes(saved), File.ReadAllBytes(consumed));
            Assert.Throws<ObjectDisposedException>(() => index.TryLookup(0x1000, out _));
            foreach (var address in IndexProbe.Addresses(kept, seed: 3))
            {
                Assert.Equal(IndexProbe.Describe(kept, address), IndexProbe.Describe(lease, address));
            }
        }

        Assert.False(index.TryLease(out _));
    }

    [Fact]
    public async Task Leases_taken_while_it_runs_see_only_correct_answers_and_the_file_is_whole()
    {
        var bytes = Text("generated");
        using var kept = SymbolIndex.Parse(bytes);
        var addresses = IndexProbe.Addresses(kept, seed: 5, limit: 200);
        var expected = addresses.Select(address => IndexProbe.Describe(kept, address)).ToArray();
        var saved = Path.Combine(_folder, "saved.symindex");
        kept.Save(saved);
        var savedBytes = File.ReadAllBytes(saved);
        for (var round = 0; round < 20; round++)
        {
            var index = SymbolIndex.Parse(bytes);
            var path = Path.Combine(_folder, $"round{round}.symindex");
            using var start = new Barrier(5);
            int Read(int reader)
            {
                start.SignalAndWait();
                var checkedCount = 0;
                while (checkedCount < 30 && index.TryLease(out var lease))
                {
                    using (lease)
                    {
                        var i = (checkedCount + reader) % addresses.Count;
                        Assert.Equal(expected[i], IndexProbe.Describe(lease, addresses[i]));
                        checkedCount++;
                    }
                }

                return checkedCount;
            }

            var token = TestContext.Current.CancellationToken;
            var readers = Enumerable.Range(0, 4)
                .Select(reader => Task.Factory.StartNew(() => Read(reader), token, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();

            start.SignalAndWait(token);
            index.SaveAndDispose(path);
            await Task.WhenAll(readers);

            Assert.False(index.TryLease(out _));
            Assert.Equal(savedBytes, File.ReadAllBytes(path));
        }
    }

    [Fact]
    public void An_opened_index_is_saved_as_the_file_it_was_opened_from()
    {
        using var built = SymbolIndex.Parse(Text(SymFixtures.LinuxInlineNew));
        var first = Path.Combine(_folder, "first.symindex");
        built.Save(first);
        var opened = SymbolIndex.Open(first);
        var second = Path.Combine(_folder, "second.symindex");

        opened.SaveAndDispose(second);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.Throws<ObjectDisposedException>(() => opened.Statistics);
    }

    [Fact]
    public void A_failed_save_still_disposes_the_index_and_leaves_the_destination_as_it_was()
    {
        var index = SymbolIndex.Parse(Text("generated"));
        var path = Path.Combine(_folder, "kept.symindex");
        File.WriteAllText(path, "previous");

        Assert.ThrowsAny<IOException>(() => index.SaveAndDispose(path, Path.Combine(_folder, "missing-folder")));

        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
        Assert.Throws<ObjectDisposedException>(() => index.TryLookup(0x1000, out _));
    }

    [Fact]
    public void Arguments_are_checked_before_the_index_is_disposed_and_a_disposed_index_is_refused()
    {
        var text = Text(SymFixtures.CrashClient);
        var index = SymbolIndex.Parse(text);

        Assert.Throws<ArgumentException>(() => index.SaveAndDispose(""));
        Assert.Throws<ArgumentNullException>(() => index.SaveAndDispose(null!));
        Assert.Equal(text.Length, index.Statistics.Bytes);
        index.Dispose();

        Assert.Throws<ObjectDisposedException>(() => index.SaveAndDispose(Path.Combine(_folder, "late.symindex")));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    /// <summary>A fixture's text, or (for "generated") text of several megabytes, whose large tables live in mapped blocks.</summary>
    private static byte[] Text(string name) => name == "generated" ? EvictionTests.GeneratedText(targetBytes: 6 << 20) : TestFixtures.Bytes(name);
}
