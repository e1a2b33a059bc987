using System.Text;

namespace Obs.SymbolFiles.Tests;

public sealed class DeepInlineTests
{
    [Theory]
    [InlineData(24, false)]
    [InlineData(24, true)]
    [InlineData(40, true)]
    public void Deep_chains_are_complete_and_ordered(int depths, bool splitLines)
    {
        // A line record between each two range boundaries (as dump_syms writes them) or one line
        // record over the whole function (split into entries where the chain changes).
        var text = NestedInlines(depths, functionSize: 0x100);

        if (splitLines)
        {
            var boundaries = Enumerable.Range(0, depths).SelectMany(d => new[] { 0x1000 + d, 0x1100 - d }).Order().ToArray();
            for (var i = 0; i + 1 < boundaries.Length; i++)
            {
                var innermost = boundaries[i] == 0x1000 + depths - 1;
                text.Append($"{boundaries[i]:x} {boundaries[i + 1] - boundaries[i]:x} {(innermost ? 7 : 8)} {(innermost ? 1 : 0)}\n");
            }
        }
        else
        {
            text.Append("1000 100 7 1\n");
        }

        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text.ToString()));

        Assert.True(index.TryLookup(0x1080, out var result));
        Assert.Equal(depths, result.InlineFrameCount);
        Assert.Equal(100u, result.Line);
        Assert.Equal("a.c", result.File);
        for (var i = 0; i < depths; i++)
        {
            var depth = depths - 1 - i;
            var frame = result.GetInlineFrame(i);
            Assert.Equal($"inlined_{depth}", frame.Name);
            Assert.Equal((ulong)(0x1000 + depth), frame.Address);
            if (i == 0)
            {
                Assert.Equal(7u, frame.Line);
                Assert.Equal("b.c", frame.File);
            }
            else
            {
                Assert.Equal((uint)(100 + depth + 1), frame.Line);
                Assert.Equal((depth + 1) % 2 == 0 ? "a.c" : "b.c", frame.File);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => result.GetInlineFrame(depths));
    }

    [Fact]
    public void A_chain_thousands_deep_is_read_in_one_walk()
    {
        const int Depths = 3000;
        var text = NestedInlines(Depths, functionSize: 0x2000).Append("1000 2000 7 0\n");
        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text.ToString()));

        Assert.True(index.TryLookup(0x1000 + Depths, out var result));
        Assert.Equal(Depths, result.InlineFrameCount);
        var names = new List<string>();
        foreach (var frame in result.InlineFrames)
        {
            names.Add(frame.Name);
        }

        Assert.Equal(Enumerable.Range(0, Depths).Select(i => $"inlined_{Depths - 1 - i}"), names);
        Assert.Equal("inlined_0", result.GetInlineFrame(Depths - 1).Name);
        Assert.Equal(100u, result.Line);
    }

    [Fact]
    public void A_result_without_inlined_calls_enumerates_none()
    {
        var count = 0;
        foreach (var frame in default(SymbolLookupResult).InlineFrames)
        {
            count++;
        }

        Assert.Equal(0, count);
        Assert.False(default(InlineFrameEnumerator).MoveNext());
    }

    /// <summary>
    /// FUNC 1000 <paramref name="functionSize"/> "outer" with INLINE depths 0 to
    /// <paramref name="depths"/> − 1, each range inside the one before (depth d from 0x1000 + d,
    /// called from line 100 + d of file d % 2, FILE 0 a.c or FILE 1 b.c), and no line records yet.
    /// </summary>
    private static StringBuilder NestedInlines(int depths, int functionSize)
    {
        var text = new StringBuilder("FILE 0 a.c\nFILE 1 b.c\n");
        for (var d = 0; d < depths; d++)
        {
            text.Append($"INLINE_ORIGIN {d} inlined_{d}\n");
        }

        text.Append($"FUNC 1000 {functionSize:x} 0 outer\n");
        for (var d = 0; d < depths; d++)
        {
            text.Append($"INLINE {d} {100 + d} {d % 2} {d} {0x1000 + d:x} {functionSize - (2 * d):x}\n");
        }

        return text;
    }
}
