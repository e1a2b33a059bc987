using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// The inline chain at an address is read from the line entry that covers it and its ranges'
/// parent links, all built with the index (see <c>InlineChainLinker</c>), also where ranges
/// cut line records, cover code no line record covers, or nest badly. Every address must get
/// the chain that the plain rule gives: at each depth, the last range (by address, then file
/// order) starting at or below the address, as long as it covers it.
/// </summary>
public sealed class InlineChainTests
{
    private const ulong FunctionStart = 0x10000;

    [Property(MaxTest = 60)]
    public Property Big_functions_get_the_chain_the_plain_rule_gives(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var function = GenerateFunction(random, minimumRanges: 97);
        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(function.Text));

        var addresses = ProbeAddresses(function, random);
        foreach (var address in addresses)
        {
            Assert.True(index.TryLookup(address, out var result));
            AssertChain(function, address, result);
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 30)]
    public Property Small_functions_get_the_chain_the_plain_rule_gives(PositiveInt seed)
    {
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
    public void A_big_function_with_deep_chains_side_by_side_has_every_frame()
    {
        // 20 nested depths, each with 8 ranges side by side: 160 ranges.
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
            Assert.Equal($"inlined_{depth}", frame.Name);
            Assert.Equal(FunctionStart + 0x3000 + (ulong)depth, frame.Address);
            Assert.Equal(i == 0 ? 7u : (uint)(100 + depth + 1), frame.Line);
        }

        // Outside every depth-19 range but inside depth 18's: one frame fewer.
        Assert.True(index.TryLookup(FunctionStart + 0x3000 + 18, out var shallower));
        Assert.Equal(depths - 1, shallower.InlineFrameCount);
    }

    [Fact]
    public void Lines_split_at_range_boundaries_are_anchored_to_their_chain()
    {
        // As dump_syms writes them: a line record starts wherever inlined code starts or ends.
        const string text = """
            FILE 0 a.c
            FILE 1 b.c
            INLINE_ORIGIN 0 first
            INLINE_ORIGIN 1 second
            INLINE_ORIGIN 2 third
            FUNC 1000 100 0 outer
            INLINE 0 10 0 0 1010 40 1080 20
            INLINE 1 20 1 1 1020 10 1088 8
            INLINE 0 30 0 2 10c0 10
            1000 10 1 0
            1010 10 2 0
            1020 10 3 1
            1030 20 4 1
            1050 30 5 0
            1080 8 6 0
            1088 8 7 1
            1090 10 8 0
            10a0 20 9 0
            10c0 10 10 1
            10d0 30 11 0
            """;
        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text));

        // (address, expected frames innermost first as "name:line", outer line)
        (ulong Address, string[] Frames, uint Line)[] cases =
        [
            (0x1005, [], 1),
            (0x1015, ["first:2"], 10),
            (0x1025, ["second:3", "first:20"], 10),
            (0x1035, ["first:4"], 10),
            (0x1060, [], 5),
            (0x1084, ["first:6"], 10),
            (0x108c, ["second:7", "first:20"], 10),
            (0x1095, ["first:8"], 10),
            (0x10b0, [], 9),
            (0x10c4, ["third:10"], 30),
            (0x10f0, [], 11),
        ];
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.True(index.TryLookup(cases[i].Address, out var result));
            var frames = Enumerable.Range(0, result.InlineFrameCount)
                .Select(f => result.GetInlineFrame(f))
                .Select(f => $"{f.Name}:{f.Line}");
            Assert.Equal(cases[i].Frames, frames);
            Assert.Equal(cases[i].Line, result.Line);
        }
    }

    private static string Describe(SymbolIndex index, ulong address) =>
        index.TryLookup(address, out var result) ? Describe(result) : "none";

    private static string Describe(in SymbolLookupResult result)
    {
        var frames = Enumerable.Range(0, result.InlineFrameCount).Select(result.GetInlineFrame);
        return $"{result.Line} {result.File} " + string.Join(" | ", frames.Select(f => $"{f.Name} {f.File}:{f.Line} @{f.Address:x}"));
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
        var record = function.LineRecords.FindIndex(r => r.Start <= address && address < r.End);
        Assert.Equal(record >= 0 ? function.LineRecords[record].Start : null, result.LineAddress);
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
            Assert.Equal($"origin_{range.Origin}", frame.Name);
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
    private static GeneratedFunction GenerateFunction(Random random, int minimumRanges, int maximumRanges = 600, bool? aligned = null)
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

        // Line records every 0x10 bytes: most of them cut by range boundaries, so that the index
        // splits them into entries. Or, half the time, also split wherever a range starts or
        // ends, as dump_syms writes them, so that each has one chain; some of those are left
        // out, leaving inlined code without a line.
        var boundaries = new SortedSet<ulong>();
        for (var offset = 0UL; offset < size; offset += 0x10)
        {
            boundaries.Add(FunctionStart + offset);
        }

        var alignLines = aligned ?? random.Next(2) == 0;
        if (alignLines)
        {
            foreach (var range in ranges)
            {
                boundaries.Add(range.Address);
                boundaries.Add(Math.Min(range.Address + range.Size, FunctionStart + size));
            }
        }

        boundaries.Add(FunctionStart + size);
        var starts = boundaries.ToArray();
        var lineRecords = new List<(ulong Start, ulong End)>();
        for (var i = 0; i + 1 < starts.Length; i++)
        {
            if (!alignLines || random.Next(10) > 0)
            {
                text.Append($"{starts[i]:x} {starts[i + 1] - starts[i]:x} {i + 1} 0\n");
                lineRecords.Add((starts[i], starts[i + 1]));
            }
        }

        // Per depth in (address, file order): the order the plain rule reads.
        var byDepth = Enumerable.Range(0, maxDepth + 1)
            .Select(depth => shuffled.Where(r => r.Depth == depth).OrderBy(r => r.Address).ToArray())
            .ToArray();
        return new GeneratedFunction(text.ToString(), size, shuffled, byDepth, lineRecords);
    }

    private sealed record GeneratedRange(uint Depth, ulong Address, uint Size, uint CallLine, uint Origin);

    private sealed record GeneratedFunction(string Text, ulong Size, List<GeneratedRange> Ranges, GeneratedRange[][] ByDepth, List<(ulong Start, ulong End)> LineRecords);
}
