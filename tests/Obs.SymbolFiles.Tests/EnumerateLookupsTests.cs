using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// <see cref="SymbolIndexReference.EnumerateLookups"/> gives, address by address, what
/// <see cref="SymbolIndexReference.TryLookup"/> gives.
/// </summary>
public sealed class EnumerateLookupsTests
{
    [Theory]
    [MemberData(nameof(SymFixtures.All), MemberType = typeof(SymFixtures))]
    public void Batch_equals_one_by_one_on_every_fixture(string fixture)
    {
        var index = SymFixtures.Load(fixture);
        var addresses = ProbeAddresses(index, fixture);

        AssertBatchMatches(index, addresses);
    }

    [Property(MaxTest = 100)]
    public Property Batch_equals_one_by_one_on_generated_files(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var model = GeneratedSymbolFile.Create(random, canonical: random.Next(2) == 0);
        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(model.ToText()));
        var addresses = new List<ulong>();
        foreach (var function in model.Expected().Functions)
        {
            addresses.Add(function.Address);
            addresses.Add(function.Address + function.Size - 1);
            addresses.Add(function.Address + function.Size);
            addresses.Add(function.Address + (ulong)random.NextInt64(function.Size));
            addresses.Add(function.Address - 1);
        }

        // Unsorted, repeated and in odd-sized batches, as frames of several stacks would be.
        addresses.AddRange(addresses.Take(7));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(addresses));
        AssertBatchMatches(index, addresses);
        return true.ToProperty();
    }

    /// <summary>
    /// Big functions whose line records are far from evenly spread (runs of tiny records, huge
    /// ones, gaps, lines starting late or ending early), so that the first guess of where an
    /// address's record is misses often and by far, both ways: the batch refines it, the single
    /// lookup searches from it, and both must find the record a linear scan finds.
    /// </summary>
    [Property(MaxTest = 60)]
    public Property Line_records_far_from_the_guess_are_found(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var text = new StringBuilder("MODULE Linux x86_64 AB uneven\nFILE 0 a.c\n");
        var expected = new List<(ulong Address, uint Size, uint Line)>();
        var functions = new List<(ulong Address, ulong Size)>();
        var address = 0x1000ul;
        var functionCount = random.Next(1, 6);
        for (var f = 0; f < functionCount; f++)
        {
            var records = new List<string>();
            var at = address + (ulong)random.Next(0, 3) * (ulong)random.Next(1, 300);
            for (var i = random.Next(1, 1500); i > 0; i--)
            {
                // Mostly small, sometimes huge; sometimes a gap before.
                at += random.Next(8) == 0 ? (ulong)random.Next(1, 200) : 0;
                var size = (uint)(random.Next(10) == 0 ? random.Next(100, 5000) : random.Next(1, 8));
                var line = (uint)random.Next(1, 100000);
                records.Add(string.Create(CultureInfo.InvariantCulture, $"{at:x} {size:x} {line} 0"));
                expected.Add((at, size, line));
                at += size;
            }

            var end = at + (ulong)random.Next(0, 3) * (ulong)random.Next(1, 300);
            text.Append(CultureInfo.InvariantCulture, $"FUNC {address:x} {end - address:x} 0 f{f}\n");
            foreach (var record in records)
            {
                text.Append(record).Append('\n');
            }

            functions.Add((address, end - address));
            address = end + (ulong)random.Next(1, 64);
        }

        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text.ToString()));
        var addresses = new List<ulong>();
        foreach (var (start, size) in functions)
        {
            for (var i = 0; i < 300; i++)
            {
                addresses.Add(start + (ulong)random.NextInt64((long)size + 1));
            }
        }

        foreach (var (start, size, _) in expected.Where(_ => random.Next(4) == 0))
        {
            addresses.AddRange([start - 1, start, start + size - 1, start + size]);
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(addresses));
        var results = TestLookups.Batch(index, addresses.ToArray());
        for (var i = 0; i < addresses.Count; i++)
        {
            var covering = expected.FindIndex(r => addresses[i] - r.Address < r.Size);
            Assert.Equal(covering >= 0 ? expected[covering].Address : null, results[i].IsFound ? results[i].LineAddress : null);
            Assert.Equal(covering >= 0 ? expected[covering].Line : null, results[i].IsFound ? results[i].Line : null);
        }

        AssertBatchMatches(index, addresses);
        return true.ToProperty();
    }

    [Fact]
    public void Addresses_nothing_covers_get_default_results()
    {
        // module1.sym: a FUNC at 0x1000, a gap at 0x800, a PUBLIC at 0x2900, a zero-size FUNC at 0x2000.
        var index = SymFixtures.Load(SymFixtures.Module1);

        var results = TestLookups.Batch(index, [0x1000, 0x800, 0x2900, 0x2000]);

        Assert.True(results[0].IsFound);
        Assert.False(results[0].IsFromPublic);
        Assert.False(results[1].IsFound);
        Assert.True(results[2].IsFound);
        Assert.True(results[2].IsFromPublic);
        Assert.False(results[3].IsFound);
        Assert.Throws<InvalidOperationException>(() => results[1].File);
    }

    [Fact]
    public void Enumerated_lookups_come_one_per_address_in_input_order()
    {
        var index = SymFixtures.Load(SymFixtures.Module1);
        ulong[] addresses = [0x1000, 0x800, 0x2900, 0x2000, 0x1000];

        var results = new List<(bool Found, ulong Address, bool FromPublic)>();
        foreach (var result in index.EnumerateLookups(addresses))
        {
            results.Add((result.IsFound, result.Address, result.IsFound && result.IsFromPublic));
        }

        Assert.Equal([(true, 0x1000ul, false), (false, 0ul, false), (true, 0x2900ul, true), (false, 0ul, false), (true, 0x1000ul, false)], results);
    }

    [Fact]
    public void Enumerating_no_addresses_yields_nothing()
    {
        var index = SymFixtures.Load(SymFixtures.Module1);
        var count = 0;
        foreach (var result in index.EnumerateLookups([]))
        {
            count++;
        }

        var enumerator = default(SymbolLookupEnumerator);
        Assert.Equal(0, count);
        Assert.False(enumerator.MoveNext());
    }

    [Fact]
    public void Empty_index_finds_nothing()
    {
        var index = SymbolIndex.Parse("MODULE Linux x86_64 AB name\n"u8);

        Assert.All(TestLookups.Batch(index, [0, 1, ulong.MaxValue]), r => Assert.False(r.IsFound));
        Assert.False(index.TryLookup(0, out _));
    }

    private static void AssertBatchMatches(SymbolIndex index, List<ulong> addresses)
    {
        var expected = new List<string?>();
        foreach (var address in addresses)
        {
            expected.Add(index.TryLookup(address, out var result) ? Describe(result) : null);
        }

        // Several batch sizes, so that groups end part-way.
        foreach (var batch in new[] { 1, 5, 16, 17, 64, Math.Max(1, addresses.Count) })
        {
            for (var start = 0; start < addresses.Count; start += batch)
            {
                var count = Math.Min(batch, addresses.Count - start);
                var position = start;
                foreach (ref readonly var result in index.EnumerateLookups(addresses.Skip(start).Take(count).ToArray()))
                {
                    Assert.Equal(expected[position], result.IsFound ? Describe(result) : null);
                    position++;
                }

                Assert.Equal(start + count, position);
            }
        }
    }

    private static string Describe(SymbolLookupResult result) =>
        string.Create(CultureInfo.InvariantCulture, $"{result.Address:x} {result.IsFromPublic} {result.Function.Address:x} {result.LineAddress:x} {InputEquivalenceTests.Describe(result)}");

    /// <summary>Every function's first, last and middle byte, the byte after it, and addresses around every PUBLIC.</summary>
    private static List<ulong> ProbeAddresses(SymbolIndex index, string fixture)
    {
        var addresses = new List<ulong>();
        foreach (var function in index.Core.Tables.Functions.Span)
        {
            addresses.Add(function.Address);
            addresses.Add(function.Address + (function.Size / 2));
            addresses.Add(function.End - 1);
            addresses.Add(function.End);
        }

        foreach (var publicRecord in index.Core.Tables.Publics.Span)
        {
            addresses.Add(publicRecord.Address);
            addresses.Add(publicRecord.Address + 1);
            addresses.Add(publicRecord.Address - 1);
        }

        addresses.Add(0);
        addresses.Add(ulong.MaxValue);
        var random = new Random(fixture.Length);
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(addresses));
        return addresses;
    }
}
