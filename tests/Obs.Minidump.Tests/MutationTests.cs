using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Obs.Testing;

namespace Obs.Minidump.Tests;

/// <summary>
/// FsCheck properties: random byte flips, word overwrites and length changes on real dumps and on
/// synthetic dumps of every CPU never crash, hang or over-allocate.
/// </summary>
public sealed class MutationTests
{
    private static readonly byte[][] FixtureBytes = FixtureDumps.All
        .Where(f => !f.Contains("stack_exhaustion", StringComparison.Ordinal) && !f.Contains("crashpad_annotation", StringComparison.Ordinal))
        .Select(TestFixtures.Bytes)
        .ToArray();

    private static readonly byte[][] SyntheticBytes = [.. Enum.GetValues<MinidumpContextFormat>()
        .SelectMany(f => new[] { RichDump.Build(f, bigEndian: false), RichDump.Build(f, bigEndian: true) })];

    private static readonly uint[] InterestingWords = [0, 1, 2, 4, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
        0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

    /// <summary>Applies <paramref name="count"/> seeded mutations; half of them land in a stream or the directory.</summary>
    internal static byte[] Mutate(byte[] original, int seed, int count)
    {
        var random = new Random(seed);
        var bytes = (byte[])original.Clone();
        var anchors = new List<(int Start, int Length)> { (0, Math.Min(bytes.Length, 32)) };
        try
        {
            using var dump = MinidumpFile.Read(original);
            anchors.Add(((int)dump.Header.StreamDirectoryRva, dump.Directory.Length * 12));
            foreach (var entry in dump.Directory)
            {
                if (entry.Location.Rva < bytes.Length && entry.Location.DataSize > 0)
                {
                    anchors.Add(((int)entry.Location.Rva, (int)Math.Min(entry.Location.DataSize, (uint)(bytes.Length - entry.Location.Rva))));
                }
            }
        }
        catch (MinidumpException)
        {
        }

        for (var i = 0; i < count && bytes.Length > 0; i++)
        {
            var (start, length) = random.Next(2) == 0 ? (0, bytes.Length) : anchors[random.Next(anchors.Count)];
            var at = start + random.Next(Math.Max(1, length));
            if (at >= bytes.Length)
            {
                continue;
            }

            switch (random.Next(3))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                default:
                    if (at + 4 <= bytes.Length)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), InterestingWords[random.Next(InterestingWords.Length)]);
                    }

                    break;
            }
        }

        switch (random.Next(4))
        {
            case 0:
                return bytes[..random.Next(bytes.Length + 1)];
            case 1:
                var longer = new byte[bytes.Length + random.Next(1, 4096)];
                bytes.CopyTo(longer, 0);
                random.NextBytes(longer.AsSpan(bytes.Length));
                return longer;
            default:
                return bytes;
        }
    }

    [Property(MaxTest = 400)]
    public void Mutated_real_dumps_fail_cleanly(NonNegativeInt fixture, int seed, PositiveInt mutations)
    {
        var original = FixtureBytes[fixture.Get % FixtureBytes.Length];
        var input = Mutate(original, seed, 1 + (mutations.Get % 16));
        Robustness.AssertReadsCleanly(input, $"fixture {fixture.Get % FixtureBytes.Length}, seed {seed}");
    }

    [Property(MaxTest = 400)]
    public void Mutated_synthetic_dumps_of_every_cpu_fail_cleanly(NonNegativeInt which, int seed, PositiveInt mutations)
    {
        var original = SyntheticBytes[which.Get % SyntheticBytes.Length];
        var input = Mutate(original, seed, 1 + (mutations.Get % 16));
        Robustness.AssertReadsCleanly(input, $"synthetic {which.Get % SyntheticBytes.Length}, seed {seed}");
    }

    [Fact]
    public void Synthetic_dumps_of_every_cpu_read_completely_before_mutation()
    {
        foreach (var bytes in SyntheticBytes)
        {
            using var dump = MinidumpFile.Read(bytes);
            Assert.Equal(0, Fuzz.MinidumpFuzzTarget.ReadEverything(dump));
            Assert.Equal(RichDump.StreamCount, dump.Directory.Length);
        }
    }

    [Fact]
    public void Mutation_is_deterministic_per_seed()
    {
        var original = FixtureBytes[0];
        Assert.Equal(Mutate(original, 42, 8), Mutate(original, 42, 8));
        Assert.NotEqual(original, Mutate(original, 42, 8));
    }
}
