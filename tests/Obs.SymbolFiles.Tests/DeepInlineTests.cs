using System.Text;

namespace Obs.SymbolFiles.Tests;

public sealed class DeepInlineTests
{
    [Fact]
    public void Chains_deeper_than_the_remembered_depths_are_complete_and_ordered()
    {
        // FUNC 1000 100 with INLINE depths 0..23, each range inside the previous one.
        var text = new StringBuilder("FILE 0 a.c\nFILE 1 b.c\n");
        const int depths = 24;
        for (var d = 0; d < depths; d++)
        {
            text.Append($"INLINE_ORIGIN {d} inlined_{d}\n");
        }

        text.Append("FUNC 1000 100 0 outer\n");
        for (var d = 0; d < depths; d++)
        {
            text.Append($"INLINE {d} {100 + d} {d % 2} {d} {0x1000 + d:x} {0x100 - (2 * d):x}\n");
        }

        text.Append("1000 100 7 1\n");
        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text.ToString()));

        Assert.True(index.TryLookup(0x1080, out var result));
        Assert.Equal(depths, result.InlineFrameCount);
        Assert.Equal(100u, result.Line);
        Assert.Equal("a.c", result.GetFile());
        for (var i = 0; i < depths; i++)
        {
            var depth = depths - 1 - i;
            var frame = result.GetInlineFrame(i);
            Assert.Equal($"inlined_{depth}", frame.GetFunctionName());
            Assert.Equal((ulong)(0x1000 + depth), frame.Address);
            if (i == 0)
            {
                Assert.Equal(7u, frame.Line);
                Assert.Equal("b.c", frame.GetFile());
            }
            else
            {
                Assert.Equal((uint)(100 + depth + 1), frame.Line);
                Assert.Equal((depth + 1) % 2 == 0 ? "a.c" : "b.c", frame.GetFile());
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => result.GetInlineFrame(depths));
    }
}
