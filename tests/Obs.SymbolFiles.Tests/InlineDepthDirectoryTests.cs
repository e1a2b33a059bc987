using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// A function with many inline ranges gets a depth directory and its chain is searched depth
/// by depth from a guessed position (functions with few ranges are scanned in one pass). The
/// guess assumes a depth's ranges are spread evenly over the function, which nested ranges
/// never are. Every address must still get the chain that the plain rule gives: at each
/// depth, the last range (by address, then file order) starting at or below the address, as
/// long as it covers it.
/// </summary>
public sealed class InlineDepthDirectoryTests
{
    private const ulong FunctionStart = 0x10000;

    [Property(MaxTest = 60)]
    public Property Big_functions_get_the_chain_the_plain_rule_gives(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var function = GenerateFunction(random, minimumRanges: 97);
        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(function.Text));

        var addresses = ProbeAddresses(function, random);
        var batch = new SymbolLookupResult[addresses.Length];
        index.LookupMany(addresses, batch);
        for (var i = 0; i < addresses.Length; i++)
        {
            Assert.True(index.TryLookup(addresses[i], out var single));
            AssertChain(function, addresses[i], single);
            AssertChain(function, addresses[i], batch[i]);
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 30)]
    public Property Small_functions_get_the_chain_the_plain_rule_gives(PositiveInt seed)
    {
        // The same rule through the one-pass scan, so that both paths are held to it.
        var random = new Random(seed.Get);
        var function = GenerateFunction(random, minimumRanges: 1, maximumRanges: 96);
        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(function.Text));

        foreach (var address in ProbeAddresses(function, random))
        {
            Assert.True(index.TryLookup(address, out var result));
            AssertChain(function, address, result);
        }

        return true.ToProperty();
    }

    [Fact]
    public void A_big_function_deeper_than_the_remembered_depths_has_every_frame()
    {
        // 20 nested depths, each with 8 ranges side by side: 160 ranges, so a directory.
        const int depths = 20;
        var text = new StringBuilder("FILE 0 a.c\n");
        for (var d = 0; d < depths; d++)
        {
            text.Append($"INLINE_ORIGIN {d} inlined_{d}\n");
        }

        text.Append($"FUNC {FunctionStart:x} 8000 0 outer\n");
        for (var d = 0; d < depths; d++)
        {
            for (var block = 0; block < 8; block++)
            {
                // Block b spans [b*0x1000 + d, (b+1)*0x1000 - d): each depth inside the one above.
                var start = FunctionStart + (ulong)(block * 0x1000) + (ulong)d;
                text.Append($"INLINE {d} {100 + d} 0 {d} {start:x} {0x1000 - (2 * d):x}\n");
            }
        }

        text.Append($"{FunctionStart:x} 8000 7 0\n");
        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text.ToString()));

        Assert.True(index.TryLookup(FunctionStart + 0x3800, out var result));
        Assert.Equal(depths, result.InlineFrameCount);
        Assert.Equal(100u, result.Line);
        for (var i = 0; i < depths; i++)
        {
            var depth = depths - 1 - i;
            var frame = result.GetInlineFrame(i);
            Assert.Equal($"inlined_{depth}", frame.GetFunctionName());
            Assert.Equal(FunctionStart + 0x3000 + (ulong)depth, frame.Address);
            Assert.Equal(i == 0 ? 7u : (uint)(100 + depth + 1), frame.Line);
        }

        // Outside every depth-19 range but inside depth 18's: one frame fewer.
        Assert.True(index.TryLookup(FunctionStart + 0x3000 + 18, out var shallower));
        Assert.Equal(depths - 1, shallower.InlineFrameCount);
    }

    /// <summary>
    /// Every depth's expected range at the address by the plain rule, outermost first: ranges
    /// in stable (depth, address) order, the last at or below the address, while it covers it.
    /// </summary>
    private static List<GeneratedRange> ExpectedChain(GeneratedFunction function, ulong address)
    {
        var chain = new List<GeneratedRange>();
        for (var depth = 0u; depth < function.ByDepth.Length; depth++)
        {
            var candidate = function.ByDepth[depth].LastOrDefault(r => r.Address <= address);
            if (candidate is null || address - candidate.Address >= candidate.Size)
            {
                return chain;
            }

            chain.Add(candidate);
        }

        return chain;
    }

    private static void AssertChain(GeneratedFunction function, ulong address, in SymbolLookupResult result)
    {
        var expected = ExpectedChain(function, address);
        Assert.True(expected.Count == result.InlineFrameCount, $"0x{address:x}: {result.InlineFrameCount} frames, expected {expected.Count}");
        if (expected.Count > 0)
        {
            Assert.Equal(NonZero(expected[0].CallLine), result.Line);
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var range = expected[expected.Count - 1 - i];
            var frame = result.GetInlineFrame(i);
            Assert.Equal(range.Address, frame.Address);
            Assert.Equal(range.Size, frame.Size);
            Assert.Equal($"origin_{range.Origin}", frame.GetFunctionName());
            if (i > 0)
            {
                Assert.Equal(NonZero(expected[expected.Count - i].CallLine), frame.Line);
            }
        }
    }

    private static uint? NonZero(uint line) => line == 0 ? null : line;

    private static ulong[] ProbeAddresses(GeneratedFunction function, Random random)
    {
        var addresses = new List<ulong>();
        foreach (var range in function.Ranges)
        {
            addresses.Add(range.Address);
            addresses.Add(range.Address + range.Size - 1);
            if (range.Address + range.Size < FunctionStart + function.Size)
            {
                addresses.Add(range.Address + range.Size);
            }
        }

        for (var i = 0; i < 500; i++)
        {
            addresses.Add(FunctionStart + (ulong)random.NextInt64((long)function.Size));
        }

        return [.. addresses];
    }

    /// <summary>
    /// A function whose inline ranges nest (each depth inside a range of the depth above), with
    /// the malformed cases a file can hold mixed in: a range outside any parent, overlapping
    /// ranges at one depth, equal starts at one depth, a depth with no ranges and records in any
    /// order.
    /// <see cref="GeneratedFunction.Ranges"/> are in file order, which breaks ties.
    /// </summary>
    private static GeneratedFunction GenerateFunction(Random random, int minimumRanges, int maximumRanges = 600)
    {
        var size = (ulong)random.Next(0x800, 0x8000);
        var ranges = new List<GeneratedRange>();
        var maxDepth = random.Next(1, 9);
        var skippedDepth = random.Next(4) == 0 ? random.Next(1, maxDepth + 1) : -1;

        // Each try that yields too few ranges makes them shorter, so the loop below ends.
        var longest = 0x400;

        void Nest(ulong start, ulong end, uint depth)
        {
            if (depth > maxDepth || end - start < 4 || ranges.Count >= maximumRanges)
            {
                return;
            }

            var cursor = start + (ulong)random.Next(0, 3);
            while (cursor + 2 < end && ranges.Count < maximumRanges)
            {
                var length = (ulong)random.Next(1, (int)Math.Min(end - cursor, (ulong)longest));
                if (random.Next(3) > 0 && (int)depth != skippedDepth)
                {
                    ranges.Add(new GeneratedRange(depth, cursor, (uint)length, (uint)random.Next(0, 500), (uint)ranges.Count));
                    Nest(cursor, cursor + length, depth + 1);
                }

                cursor += length + (ulong)random.Next(0, 16);
            }
        }

        while (ranges.Count < minimumRanges)
        {
            ranges.Clear();
            Nest(FunctionStart, FunctionStart + size, 0);
            longest = Math.Max(2, longest / 2);
        }

        // Malformed extras: stray ranges at any depth, overlapping others, half of them starting
        // where another range of their depth starts (file order then decides which one counts).
        for (var i = 0; i < random.Next(0, 6) && ranges.Count < maximumRanges; i++)
        {
            var twin = random.Next(2) == 0 ? ranges[random.Next(ranges.Count)] : null;
            var depth = twin?.Depth ?? (uint)random.Next(0, maxDepth + 1);
            var start = twin?.Address ?? FunctionStart + (ulong)random.NextInt64((long)size - 1);
            var length = (uint)random.Next(1, (int)Math.Min(FunctionStart + size - start, 0x200) + 1);
            ranges.Add(new GeneratedRange(depth, start, length, (uint)random.Next(0, 500), (uint)ranges.Count));
        }

        var text = new StringBuilder("FILE 0 a.c\nFILE 1 b.c\n");
        foreach (var range in ranges)
        {
            text.Append($"INLINE_ORIGIN {range.Origin} origin_{range.Origin}\n");
        }

        text.Append($"FUNC {FunctionStart:x} {size:x} 0 outer\n");
        List<GeneratedRange> shuffled = random.Next(2) == 0 ? [.. ranges.OrderBy(_ => random.Next())] : ranges;
        foreach (var range in shuffled)
        {
            text.Append($"INLINE {range.Depth} {range.CallLine} {range.Origin % 2} {range.Origin} {range.Address:x} {range.Size:x}\n");
        }

        for (var offset = 0UL; offset < size; offset += 0x10)
        {
            text.Append($"{FunctionStart + offset:x} {Math.Min(0x10, size - offset):x} {offset + 1} 0\n");
        }

        // Per depth in (address, file order): the order the plain rule reads.
        var byDepth = Enumerable.Range(0, maxDepth + 1)
            .Select(depth => shuffled.Where(r => r.Depth == depth).OrderBy(r => r.Address).ToArray())
            .ToArray();
        return new GeneratedFunction(text.ToString(), size, shuffled, byDepth);
    }

    private sealed record GeneratedRange(uint Depth, ulong Address, uint Size, uint CallLine, uint Origin);

    private sealed record GeneratedFunction(string Text, ulong Size, List<GeneratedRange> Ranges, GeneratedRange[][] ByDepth);
}
