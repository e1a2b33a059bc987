using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// The bucket directory of the function search must answer exactly what a binary search
/// answers, for evenly spread tables (the usual module) and for clustered or extreme ones.
/// </summary>
public sealed class AddressBucketsTests
{
    [Property(MaxTest = 200)]
    public Property Answers_what_a_binary_search_answers(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var sorted = RandomTable(random);
        using var memory = new NativeIndexMemory();
        var buckets = Build(sorted, memory);

        var probes = new List<ulong> { 0, 1, ulong.MaxValue, ulong.MaxValue - 1 };
        foreach (var value in sorted)
        {
            probes.AddRange([value, value - 1, value + 1]);
        }

        for (var i = 0; i < 200; i++)
        {
            probes.Add((ulong)random.NextInt64() * 2 + (ulong)random.Next(2));
        }

        foreach (var address in probes)
        {
            // The hints read the same buckets and stay inside the table for every address.
            buckets.PrefetchBuckets(address);
            buckets.PrefetchEntries(sorted, address);
            Assert.Equal(SortedSearch.LastAtOrBelow(sorted, address), buckets.LastAtOrBelow(sorted, address));
        }

        return true.ToProperty();
    }

    [Fact]
    public void An_empty_table_has_nothing_at_or_below_any_address()
    {
        using var memory = new NativeIndexMemory();
        var buckets = Build([], memory);
        Assert.Equal(-1, buckets.LastAtOrBelow([], 0));
        Assert.Equal(-1, buckets.LastAtOrBelow([], ulong.MaxValue));
        buckets.PrefetchEntries([], 0);
        buckets.PrefetchEntries([], ulong.MaxValue);
    }

    [Fact]
    public void Buckets_that_do_not_match_their_table_are_rejected()
    {
        using var memory = new NativeIndexMemory();
        var sorted = new ulong[] { 0x1000, 0x2000, 0x3000 };
        var buckets = new NativeBuffer<int>();
        AddressBuckets.Build(sorted, ref buckets);
        buckets.Add(0);
        var table = memory.Adopt(ref buckets);
        Assert.Throws<SymbolIndexFormatException>(() => new AddressBuckets(sorted, table));
    }

    private static AddressBuckets Build(ulong[] sorted, NativeIndexMemory memory)
    {
        var buckets = new NativeBuffer<int>();
        AddressBuckets.Build(sorted, ref buckets);
        return new AddressBuckets(sorted, memory.Adopt(ref buckets));
    }

    /// <summary>Evenly spread, clustered (crowded buckets), duplicated and extreme addresses.</summary>
    private static ulong[] RandomTable(Random random)
    {
        var count = random.Next(1, 2000);
        var values = new ulong[count];
        var shape = random.Next(4);
        var origin = shape == 3 ? ulong.MaxValue - (ulong)random.Next(0, 1 << 20) * 64 : (ulong)random.NextInt64(0, 1L << 40);
        for (var i = 0; i < count; i++)
        {
            values[i] = shape switch
            {
                0 => origin + ((ulong)i * 0x100) + (ulong)random.Next(0, 0x100),
                1 => random.Next(10) == 0 ? (ulong)random.NextInt64() : origin + (ulong)random.Next(0, 50),
                2 => origin + ((ulong)random.Next(0, 20) * 0x1000),
                _ => random.Next(2) == 0 ? origin + (ulong)random.Next(0, 63) : (ulong)random.NextInt64(),
            };
        }

        Array.Sort(values);
        return values;
    }
}
