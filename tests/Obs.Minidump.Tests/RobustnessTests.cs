using Obs.Minidump.Fuzz;
using Obs.Minidump.Synth;
using Obs.Testing;

namespace Obs.Minidump.Tests;

/// <summary>Damaged input: the upstream fuzz regressions, every truncation of every fixture, fuzzer findings.</summary>
public sealed class RobustnessTests
{
    [Fact]
    public void Invalid_range_dump_opens_and_its_linux_maps_fail_with_a_typed_error()
    {
        var bytes = TestFixtures.Bytes("rust-minidump/dumps/invalid-range.dmp");
        using var dump = MinidumpFile.Read(bytes);
        Assert.True(dump.TryGetEntry(MinidumpStreamType.LinuxMaps, out _));
        // The maps text holds ranges such as "e0-A" (end before start) among garbage lines.
        var ex = Assert.Throws<MinidumpException>(() => dump.GetLinuxMaps());
        Assert.Equal(MinidumpErrorKind.DataError, ex.Kind);
        Assert.InRange(ex.Offset, 0, 258);
        Assert.Null(dump.GetThreadList());
        Assert.Null(dump.GetSystemInfo());
        Assert.True(Robustness.AssertReadsCleanly(bytes, "invalid-range.dmp"));
    }

    [Fact]
    public void Invalid_record_count_dump_opens_and_its_mac_crash_info_fails_without_over_allocating()
    {
        var bytes = TestFixtures.Bytes("rust-minidump/dumps/invalid-record-count.dmp");
        using var dump = MinidumpFile.Read(bytes);
        Assert.True(dump.TryGetEntry(MinidumpStreamType.MozMacosCrashInfo, out _));
        long allocated = 0;
        allocated = AllocationMeter.Measure(() =>
        {
            try
            {
                _ = dump.GetMacCrashInfo();
            }
            catch (MinidumpException)
            {
            }
        });
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes");
        Assert.True(Robustness.AssertReadsCleanly(bytes, "invalid-record-count.dmp"));
    }

    /// <summary>Prefix lengths on a coarse grid: every length through the header and first directory entries, then 48 steps.</summary>
    private static SortedSet<int> Grid(int length)
    {
        var lengths = new SortedSet<int>();
        for (var i = 0; i <= Math.Min(length, 80); i++)
        {
            lengths.Add(i);
        }

        for (var step = 0; step <= 48; step++)
        {
            lengths.Add((int)((long)length * step / 48));
        }

        lengths.Add(Math.Max(0, length - 1));
        return lengths;
    }

    [Theory]
    [MemberData(nameof(FixtureDumps.AllData), MemberType = typeof(FixtureDumps))]
    public void Every_truncation_of_every_fixture_fails_cleanly(string relative)
    {
        var bytes = TestFixtures.Bytes(relative);
        var opened = 0;
        foreach (var length in Grid(bytes.Length))
        {
            if (Robustness.AssertReadsCleanly(bytes[..length], $"{relative}[..{length}]"))
            {
                opened++;
            }
        }

        // Prefixes shorter than the directory are rejected; the full header and directory open.
        Assert.True(opened > 0);
        Assert.Throws<MinidumpException>(() => MinidumpFile.Read(bytes.AsMemory(0, 31)));
    }

    public static TheoryData<string> Regressions()
    {
        var data = new TheoryData<string>();
        var folder = Path.Combine(AppContext.BaseDirectory, "Regressions");
        foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray() : [])
        {
            data.Add(Path.GetFileName(file));
        }

        if (data.Count == 0)
        {
            data.Add(string.Empty);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Regressions))]
    public void Fuzzer_findings_replay_cleanly(string name)
    {
        if (name.Length == 0)
        {
            return; // no finding recorded
        }

        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Regressions", name));
        MinidumpFuzzTarget.Run(bytes);
        Robustness.AssertReadsCleanly(bytes, name);
    }

    public static TheoryData<string> Corpus()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "FuzzCorpus"), "*.dmp").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    /// <summary>
    /// A sample of the AFL++ queue (inputs that reached new code: mostly damaged directories,
    /// lists and strings); they replay here so the paths they found stay covered.
    /// </summary>
    [Theory]
    [MemberData(nameof(Corpus))]
    public void Fuzz_corpus_samples_read_cleanly(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "FuzzCorpus", name));
        Robustness.AssertReadsCleanly(bytes, name);
    }

    [Fact]
    public void Long_lists_whose_entries_share_one_string_stay_within_the_bounds()
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(9, 2);
        var name = dump.AppendString(new string('x', 2000));
        var names = dump.NewBlock().U32(60_000);
        var modules = new List<SyntheticDump.Block>();
        for (var i = 0; i < 60_000; i++)
        {
            names.U32((uint)i).U64(name + (uint)(2 * (i % 500)));
        }

        for (var i = 0; i < 8_000; i++)
        {
            modules.Add(dump.Module(0x10000 * (ulong)(i + 1), 0x1000, name + (uint)(2 * (i % 500))));
        }

        dump.AddStream(MinidumpStreamType.ThreadNames, names);
        dump.AddStream(MinidumpStreamType.ModuleList, dump.List(modules));
        var bytes = dump.Build();
        Assert.True(Robustness.AssertReadsCleanly(bytes, "shared strings"));

        using var file = MinidumpFile.Read(bytes);
        // Either the names decode within the budget or the stream fails with a DataError; never more.
        try
        {
            // Only the entries pointing at the string's start are readable; the others are dropped,
            // and their warnings are capped.
            var threadNames = file.GetThreadNames()!;
            Assert.Equal(120, threadNames.Names.Length);
            Assert.Equal(new string('x', 2000), threadNames.GetName(59_500));
            Assert.Null(threadNames.GetName(59_999));
            Assert.Equal(17, threadNames.Warnings.Count);
            Assert.Equal("... and 59864 more like these", threadNames.Warnings[16]);
        }
        catch (MinidumpException ex)
        {
            Assert.Equal(MinidumpErrorKind.DataError, ex.Kind);
        }
    }
}
