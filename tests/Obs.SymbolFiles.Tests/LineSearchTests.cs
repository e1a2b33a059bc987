using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// The line search starts from a guess that assumes evenly sized line records and gallops out
/// from it; unevenly sized records, gaps and single huge records send the guess far off in
/// either direction. Every address must still find what a plain scan finds.
/// </summary>
public sealed class LineSearchTests
{
    [Property(MaxTest = 200)]
    public Property Every_address_finds_the_line_a_linear_scan_finds(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        const ulong start = 0x10000;
        var lines = new List<(ulong Address, uint Size, uint Line)>();
        var address = start;
        var count = random.Next(1, 200);
        for (var i = 0; i < count; i++)
        {
            // Mostly tiny rows, some huge ones, some gaps: the guess is often far off.
            var size = (uint)(random.Next(10) == 0 ? random.Next(1, 5000) : random.Next(1, 8));
            if (random.Next(6) == 0)
            {
                address += (ulong)random.Next(1, 300);
            }

            lines.Add((address, size, (uint)(i + 1)));
            address += size;
        }

        var functionSize = address - start + (ulong)random.Next(0, 100);
        var text = new StringBuilder("FILE 0 a.c\n");
        text.Append($"FUNC {start:x} {functionSize:x} 0 f\n");
        foreach (var (lineAddress, size, line) in lines)
        {
            text.Append($"{lineAddress:x} {size:x} {line} 0\n");
        }

        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text.ToString()));

        for (var probe = start; probe < start + functionSize; probe++)
        {
            Assert.True(index.TryLookup(probe, out var result));
            var covering = lines.FindLastIndex(l => l.Address <= probe);
            var expected = covering >= 0 && probe - lines[covering].Address < lines[covering].Size ? lines[covering].Line : (uint?)null;
            Assert.Equal(expected, result.Line);
            Assert.Equal(expected is null ? null : lines[covering].Address, result.LineAddress);
        }

        return true.ToProperty();
    }
}
