using System.Globalization;
using System.IO.Hashing;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Obs.SymbolFiles.Storage;
using Obs.SymbolFiles.Tests.Reference;
using Obs.Testing;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// An index saved and opened again (memory-mapped) answers every lookup as the index built from
/// the text; a saved file that is truncated, corrupt or of another version is rejected with
/// <see cref="SymbolIndexFormatException"/>, and corrupt tables never crash a lookup.
/// </summary>
public sealed class SavedIndexTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-saved-index-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(SymFixtures.All), MemberType = typeof(SymFixtures))]
    public void A_saved_fixture_opens_to_the_same_index(string fixture)
    {
        using var built = SymFixtures.Load(fixture);
        var path = Save(built);

        using var opened = SymbolIndex.Open(path, verifyContent: true);

        AssertSameIndex(built, opened, seed: fixture.Length);
        Assert.Equal(XxHash3.HashToUInt64(TestFixtures.Bytes(fixture)), built.SourceHash);
        Assert.Equal(built.SourceHash, opened.SourceHash);
        Assert.False(built.IsMapped);
        Assert.True(opened.IsMapped);
    }

    [Property(MaxTest = 60)]
    public Property A_saved_generated_file_opens_to_the_same_index(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var text = GeneratedSymbolFile.Create(random, canonical: random.Next(2) == 0).ToText();
        using var built = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text));
        var path = Save(built);

        using var opened = SymbolIndex.Open(path);

        AssertSameIndex(built, opened, seed.Get);
        return true.ToProperty();
    }

    [Fact]
    public void Load_opens_a_saved_index_and_parses_text()
    {
        using var built = SymFixtures.Load(SymFixtures.LinuxInlineNew);
        var path = Save(built);

        using var loaded = SymbolIndex.Load(path);

        Assert.True(loaded.IsMapped);
        AssertSameIndex(built, loaded, seed: 1);
    }

    [Fact]
    public void Opening_allocates_the_same_whatever_the_number_of_records()
    {
        var small = SaveText(FileRecords(10));
        var large = SaveText(FileRecords(100_000));
        OpenAndDispose(small);
        OpenAndDispose(large);

        var smallBytes = OpenAndDispose(small);
        var largeBytes = OpenAndDispose(large);

        // The large index has 99,990 more FILE records (and as many more names); what opening
        // allocates may grow with its sections (a few per chunk the parse split the text into),
        // not with its records (one slot each would be 800 KB).
        Assert.InRange(largeBytes - smallBytes, -4096, 4096);

        string SaveText(string text)
        {
            using var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text));
            return Save(index);
        }

        static long OpenAndDispose(string path)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            using (SymbolIndex.Open(path))
            {
                return GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        static string FileRecords(int count)
        {
            var text = new StringBuilder("MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 files\n");
            for (var i = 0; i < count; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"FILE {i} /src/file{i}.cc\n");
            }

            return text.Append("FUNC 1000 10 0 main\n1000 10 1 0\n").ToString();
        }
    }

    [Fact]
    public void An_index_written_to_a_stream_is_the_file_save_writes()
    {
        using var built = SymFixtures.Load(SymFixtures.CrashClient);
        var path = Save(built);
        using var stream = new MemoryStream();

        built.Save(stream);

        Assert.Equal(File.ReadAllBytes(path), stream.ToArray());
    }

    [Fact]
    public void Saves_leave_no_temporary_file_and_racing_saves_leave_one_whole_file()
    {
        using var built = SymFixtures.Load(SymFixtures.CrashClient);
        var path = Path.Combine(_folder, "racing.symindex");
        var temporaries = Directory.CreateDirectory(Path.Combine(_folder, "temporary")).FullName;

        Parallel.For(0, 8, i => built.Save(path, i % 2 == 0 ? null : temporaries));

        Assert.Equal([path], Directory.GetFiles(_folder));
        Assert.Empty(Directory.GetFiles(temporaries));
        using var opened = SymbolIndex.Open(path, verifyContent: true);
        AssertSameIndex(built, opened, seed: 2);
    }

    [Fact]
    public void A_failed_save_leaves_the_destination_as_it_was()
    {
        using var built = SymFixtures.Load(SymFixtures.Module1);
        var path = Path.Combine(_folder, "kept.symindex");
        File.WriteAllText(path, "previous");

        Assert.ThrowsAny<IOException>(() => built.Save(path, Path.Combine(_folder, "missing-folder")));

        Assert.Equal("previous", File.ReadAllText(path));
    }

    [Fact]
    public void Files_that_cannot_be_read_throw_the_runtime_exceptions()
    {
        Assert.Throws<FileNotFoundException>(() => SymbolIndex.Open(Path.Combine(_folder, "missing.symindex")));
        Assert.Throws<UnauthorizedAccessException>(() => SymbolIndex.Open(_folder));
        Assert.Throws<ArgumentException>(() => SymbolIndex.Open(""));
    }

    [Theory]
    [InlineData("", SymbolIndexFormatError.Truncated)]
    [InlineData("OBS", SymbolIndexFormatError.Truncated)]
    [InlineData("MODULE Linux x86_64 AB name\n", SymbolIndexFormatError.NotAnIndex)]
    public void Short_files_are_truncated_indexes_or_not_indexes(string content, SymbolIndexFormatError error)
    {
        var path = Path.Combine(_folder, "short.symindex");
        File.WriteAllText(path, content);

        Assert.Equal(error, Assert.Throws<SymbolIndexFormatException>(() => SymbolIndex.Open(path)).Error);
    }

    [Fact]
    public void Text_is_not_an_index()
    {
        var error = Assert.Throws<SymbolIndexFormatException>(() => SymbolIndex.Open(TestFixtures.Path(SymFixtures.CrashClient)));
        Assert.Equal(SymbolIndexFormatError.NotAnIndex, error.Error);
    }

    [Fact]
    public void Every_truncation_of_a_small_index_is_rejected()
    {
        using var built = SymFixtures.Load(SymFixtures.Module1);
        var bytes = File.ReadAllBytes(Save(built));
        var path = Path.Combine(_folder, "truncated.symindex");

        for (var length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            var error = Assert.Throws<SymbolIndexFormatException>(() => SymbolIndex.Open(path));
            Assert.Equal(SymbolIndexFormatError.Truncated, error.Error);
        }

        File.WriteAllBytes(path, [.. bytes, 0]);
        Assert.Equal(SymbolIndexFormatError.TrailingBytes, Assert.Throws<SymbolIndexFormatException>(() => SymbolIndex.Open(path)).Error);
    }

    [Fact]
    public void Truncations_of_a_large_index_are_rejected()
    {
        using var built = SymFixtures.Load(SymFixtures.CrashClient);
        var bytes = File.ReadAllBytes(Save(built));
        var path = Path.Combine(_folder, "truncated.symindex");
        var random = new Random(3);

        for (var i = 0; i < 100; i++)
        {
            var length = i < 50 ? random.Next(bytes.Length) : bytes.Length - 1 - random.Next(4096);
            File.WriteAllBytes(path, bytes[..length]);
            Assert.Equal(SymbolIndexFormatError.Truncated, Assert.Throws<SymbolIndexFormatException>(() => SymbolIndex.Open(path)).Error);
        }
    }

    [Fact]
    public void Every_corruption_of_the_header_or_section_table_is_rejected()
    {
        using var built = SymFixtures.Load(SymFixtures.LinuxInlineOld);
        var bytes = File.ReadAllBytes(Save(built));
        var sectionTableEnd = IndexFileLayout.HeaderSize + (IndexFileLayout.SectionEntrySize * BitConverter.ToInt32(bytes, IndexFileLayout.SectionCountOffset));
        var path = Path.Combine(_folder, "corrupt.symindex");
        var random = new Random(4);

        for (var offset = 0; offset < sectionTableEnd; offset++)
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[offset] ^= (byte)random.Next(1, 256);
            File.WriteAllBytes(path, corrupt);
            Assert.Throws<SymbolIndexFormatException>(() => SymbolIndex.Open(path));
        }
    }

    [Fact]
    public void A_section_table_entry_is_the_size_the_format_gives_it()
    {
        Assert.Equal(IndexFileLayout.SectionEntrySize, System.Runtime.CompilerServices.Unsafe.SizeOf<SectionEntry>());
    }

    [Theory]
    [InlineData(IndexFileLayout.FormatVersionOffset, IndexFileLayout.FormatVersion + 1, SymbolIndexFormatError.VersionTooNew)]
    [InlineData(IndexFileLayout.FormatVersionOffset, IndexFileLayout.FormatVersion - 1, SymbolIndexFormatError.VersionTooOld)]
    [InlineData(IndexFileLayout.LayoutVersionOffset, IndexFileLayout.LayoutVersion + 1, SymbolIndexFormatError.LayoutMismatch)]
    [InlineData(IndexFileLayout.ByteOrderOffset, IndexFileLayout.SwappedByteOrderMark, SymbolIndexFormatError.WrongByteOrder)]
    public void Other_versions_and_byte_orders_are_rejected_for_what_they_are(int offset, uint value, SymbolIndexFormatError expected)
    {
        // Written as that writer would: with a valid checksum.
        using var built = SymFixtures.Load(SymFixtures.Module2);
        var bytes = File.ReadAllBytes(Save(built));
        BitConverter.TryWriteBytes(bytes.AsSpan(offset), value);
        var table = bytes.AsSpan(IndexFileLayout.HeaderSize, IndexFileLayout.SectionEntrySize * BitConverter.ToInt32(bytes, IndexFileLayout.SectionCountOffset));
        BitConverter.TryWriteBytes(bytes.AsSpan(IndexFileLayout.ChecksumOffset), IndexFileLayout.Checksum(bytes.AsSpan(0, IndexFileLayout.HeaderSize), table));
        var path = Path.Combine(_folder, "other.symindex");
        File.WriteAllBytes(path, bytes);

        Assert.Equal(expected, Assert.Throws<SymbolIndexFormatException>(() => SymbolIndex.Open(path)).Error);
    }

    [Property(MaxTest = 100)]
    public Property Corrupt_tables_never_crash_a_lookup_and_fail_the_verifying_open(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var fixture = CorruptionFixtures[random.Next(CorruptionFixtures.Length)];
        var (bytes, addresses) = SavedFixture(fixture);
        var contentStart = (int)IndexFileLayout.ContentStart(BitConverter.ToInt32(bytes, IndexFileLayout.SectionCountOffset));
        var corrupt = (byte[])bytes.Clone();
        for (var i = random.Next(1, 40); i > 0; i--)
        {
            var at = contentStart + random.Next(corrupt.Length - contentStart);
            if (random.Next(3) == 0)
            {
                // A whole 32-bit field: indexes and counts far out of range.
                BitConverter.TryWriteBytes(corrupt.AsSpan(Math.Min(at, corrupt.Length - 4)), random.Next(2) == 0 ? random.Next() : -random.Next(1, 1000));
            }
            else
            {
                corrupt[at] ^= (byte)random.Next(1, 256);
            }
        }

        var path = Path.Combine(_folder, $"corrupt-{seed.Get}.symindex");
        File.WriteAllBytes(path, corrupt);
        if (!corrupt.AsSpan().SequenceEqual(bytes))
        {
            var error = Assert.Throws<SymbolIndexFormatException>(() => SymbolIndex.Open(path, verifyContent: true));
            Assert.True(error.Error is SymbolIndexFormatError.ContentHashMismatch, error.Message);
        }

        // Opening checks only the header and section table; the metadata is read too.
        SymbolIndex index;
        try
        {
            index = SymbolIndex.Open(path);
        }
        catch (SymbolIndexFormatException)
        {
            return true.ToProperty();
        }

        using (index)
        {
            foreach (var address in addresses)
            {
                try
                {
                    _ = IndexProbe.Describe(index, address);
                }
                catch (SymbolIndexFormatException)
                {
                    // A corrupt record found: the only failure allowed.
                }
            }
        }

        return true.ToProperty();
    }

    private static readonly string[] CorruptionFixtures = [SymFixtures.CrashClient, SymFixtures.LinuxInlineNew, SymFixtures.Module1, SymFixtures.Module2, SymFixtures.TestApp];

    private static readonly Dictionary<string, (byte[] Bytes, List<ulong> Addresses)> SavedFixtures = [];

    /// <summary>A fixture's saved index and the addresses to probe it at (made once per fixture).</summary>
    private static (byte[] Bytes, List<ulong> Addresses) SavedFixture(string fixture)
    {
        lock (SavedFixtures)
        {
            if (!SavedFixtures.TryGetValue(fixture, out var saved))
            {
                using var index = SymFixtures.Load(fixture);
                using var stream = new MemoryStream();
                index.Save(stream);
                saved = (stream.ToArray(), IndexProbe.Addresses(index, fixture.Length, limit: 300));
                SavedFixtures[fixture] = saved;
            }

            return saved;
        }
    }

    private string Save(SymbolIndex index)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.symindex");
        index.Save(path);
        return path;
    }

    private static void AssertSameIndex(SymbolIndex built, SymbolIndex opened, int seed)
    {
        IndexAssert.SameTables(built, opened);
        Assert.Equal(built.Statistics, opened.Statistics);
        Assert.Equal(built.Module, opened.Module);
        Assert.Equal((built.CodeId, built.CodeFile, built.Generator, built.Url), (opened.CodeId, opened.CodeFile, opened.Generator, opened.Url));
        Assert.Equal(built.ExtraInfo, opened.ExtraInfo);
        Assert.Equal(built.MemoryBytes, opened.MemoryBytes);
        foreach (var address in IndexProbe.Addresses(built, seed))
        {
            Assert.Equal(IndexProbe.Describe(built, address), IndexProbe.Describe(opened, address));
        }
    }
}
