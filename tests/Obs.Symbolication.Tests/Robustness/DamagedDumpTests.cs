using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Obs.Minidump;
using Obs.Testing;

namespace Obs.Symbolication.Tests.Robustness;

/// <summary>
/// Every fixture dump, truncated or with bits flipped, is processed into a report or rejected
/// with the typed exceptions, in bounded time and memory.
/// </summary>
[Collection(nameof(DamagedDumpTests))]
[CollectionDefinition(nameof(DamagedDumpTests), DisableParallelization = true)]
public sealed class DamagedDumpTests
{
    private static readonly string[] DumpPaths = [.. TestFixtures.Find("rust-minidump/dumps", "*.dmp"), .. TestFixtures.Find("breakpad/dumps", "*.dmp")];

    private static readonly Lazy<byte[][]> Dumps = new(() => [.. DumpPaths.Select(TestFixtures.Bytes)]);

    private static readonly CachedSymbolSupplier Symbols = new(
        TestFixtures.Path("rust-minidump/symbols"), TestFixtures.Path("breakpad/symbols"), TestFixtures.Path("breakpad/symbols-inline-new"));

    // Generous for a loaded 2-core machine: a healthy run takes milliseconds.
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_fixture_dump_is_processed_whole()
    {
        foreach (var path in DumpPaths)
        {
            var outcome = await ProcessAsync(TestFixtures.Bytes(path));
            Assert.True(outcome is null or MinidumpProcessingException, $"{path}: {outcome}");
        }
    }

    [Property(MaxTest = 150)]
    public Property Truncated_and_bit_flipped_dumps_end_in_a_report_or_a_typed_error()
    {
        var cases = from index in Gen.Choose(0, DumpPaths.Length - 1)
                    from seed in Gen.Choose(0, int.MaxValue)
                    from truncate in Gen.Elements(true, false)
                    select (index, seed, truncate);
        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var bytes = Damage(Dumps.Value[c.index], c.seed, c.truncate);
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var outcome = ProcessAsync(bytes).GetAwaiter().GetResult();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            Assert.True(outcome is null or MinidumpException or MinidumpProcessingException,
                $"{DumpPaths[c.index]} seed {c.seed}: {outcome}");
            Assert.True(clock.Elapsed < TimeLimit, $"{DumpPaths[c.index]} seed {c.seed}: {clock.Elapsed}");
            Assert.True(allocated < (64L * bytes.Length) + (256L << 20), $"{DumpPaths[c.index]} seed {c.seed}: {allocated} bytes");
        });
    }

    private static byte[] Damage(byte[] original, int seed, bool truncate)
    {
        var random = new Random(seed);
        if (truncate)
        {
            return original[..random.Next(original.Length)];
        }

        var bytes = (byte[])original.Clone();
        var flips = 1 + random.Next(16);
        for (var i = 0; i < flips; i++)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return bytes;
    }

    /// <summary>Processes and writes both reports; returns the exception that ended it, or null.</summary>
    private static async Task<Exception?> ProcessAsync(byte[] bytes)
    {
        try
        {
            using var dump = MinidumpFile.Read(bytes);
            var state = await MinidumpProcessor.ProcessAsync(dump, Symbols, new StackwalkOptions { Timeout = TimeLimit });
            using var json = new MemoryStream();
            ProcessStateJson.Write(json, state);
            ProcessStateReport.Write(TextWriter.Null, state);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
