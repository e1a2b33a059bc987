using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Obs.SymbolFiles.Tests;

/// <summary>How <see cref="SymbolIndexReference.TryLookup"/> finds an address's line entry, and what it gives where nothing covers it.</summary>
public sealed class LineSearchTests
{
    /// <summary>
    /// Big functions whose line records are far from evenly spread (runs of tiny records, huge
    /// ones, gaps, lines starting late or ending early), so that the first guess of where an
    /// address's record is misses often and by far, both ways: the lookup searches from it and
    /// must find the record a linear scan finds.
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
        var results = TestLookups.All(index, addresses.ToArray());
        for (var i = 0; i < addresses.Count; i++)
        {
            var covering = expected.FindIndex(r => addresses[i] - r.Address < r.Size);
            Assert.Equal(covering >= 0 ? expected[covering].Address : null, results[i].IsFound ? results[i].LineAddress : null);
            Assert.Equal(covering >= 0 ? expected[covering].Line : null, results[i].IsFound ? results[i].Line : null);
        }

        return true.ToProperty();
    }

    [Fact]
    public void Addresses_nothing_covers_get_default_results()
    {
        // module1.sym: a FUNC at 0x1000, a gap at 0x800, a PUBLIC at 0x2900, a zero-size FUNC at 0x2000.
        var index = SymFixtures.Load(SymFixtures.Module1);

        var results = TestLookups.All(index, [0x1000, 0x800, 0x2900, 0x2000]);

        Assert.True(results[0].IsFound);
        Assert.False(results[0].IsFromPublic);
        Assert.False(results[1].IsFound);
        Assert.True(results[2].IsFound);
        Assert.True(results[2].IsFromPublic);
        Assert.False(results[3].IsFound);
        Assert.Throws<InvalidOperationException>(() => results[1].File);
    }

    [Fact]
    public void Empty_index_finds_nothing()
    {
        var index = SymbolIndex.Parse("MODULE Linux x86_64 AB name\n"u8);

        Assert.All(TestLookups.All(index, [0, 1, ulong.MaxValue]), r => Assert.False(r.IsFound));
        Assert.False(index.TryLookup(0, out _));
    }
}
