using System.Text;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// Names are decoded as UTF-8 on request; all-ASCII names (nearly all of them) take a faster
/// widening path, which must give the same strings.
/// </summary>
public sealed class NameDecodingTests
{
    private static readonly byte[] Utf8Sym = Encoding.UTF8.GetBytes(
        "MODULE Linux x86_64 AB name\n" +
        "INFO CODE_ID 00AA lib\u00e9.so\n" +
        "FILE 0 /src/\u65e5\u672c/caf\u00e9.cc\n" +
        "FILE 1 /src/plain.cc\n" +
        "INLINE_ORIGIN 0 \u00fcber::inlined\u2192fn\n" +
        "INLINE_ORIGIN 1 ascii::inlined\n" +
        "FUNC 1000 20 0 na\u00efve::caf\u00e9<\U0001F600>\n" +
        "INLINE 0 7 1 0 1000 10\n" +
        "INLINE 1 8 0 1 1000 8\n" +
        "1000 8 3 0\n" +
        "1008 18 4 1\n" +
        "FUNC 2000 10 0 plain::function\n" +
        "2000 10 5 1\n" +
        "PUBLIC 3000 0 pub\u00e9lic\n");

    [Fact]
    public void Utf8_names_and_paths_decode_exactly()
    {
        var index = SymbolIndex.Parse(Utf8Sym);

        Assert.True(index.TryLookup(0x1004, out var inlined));
        Assert.Equal("na\u00efve::caf\u00e9<\U0001F600>", inlined.Function.Name);
        Assert.Equal("/src/plain.cc", inlined.File);
        Assert.Equal(2, inlined.InlineFrameCount);
        Assert.Equal("ascii::inlined", inlined.GetInlineFrame(0).Name);
        Assert.Equal("/src/\u65e5\u672c/caf\u00e9.cc", inlined.GetInlineFrame(0).File);
        Assert.Equal("\u00fcber::inlined\u2192fn", inlined.GetInlineFrame(1).Name);
        Assert.Equal("/src/\u65e5\u672c/caf\u00e9.cc", inlined.GetInlineFrame(1).File);

        Assert.True(index.TryLookup(0x2000, out var plain));
        Assert.Equal("plain::function", plain.Function.Name);

        Assert.True(index.TryLookup(0x3004, out var publicSymbol));
        Assert.Equal("pub\u00e9lic", publicSymbol.Function.Name);
        Assert.Equal("lib\u00e9.so", index.CodeFile);
    }

    [Fact]
    public void Invalid_utf8_decodes_with_replacement_characters_like_the_framework()
    {
        // 0xE9 alone is Latin-1 'é', not UTF-8: it must not be widened as if it were ASCII.
        byte[] name = [(byte)'f', 0xE9, (byte)'x', 0xFF];
        var text = new List<byte>();
        text.AddRange("FUNC 1000 10 0 "u8.ToArray());
        text.AddRange(name);
        text.AddRange("\n"u8.ToArray());

        var index = SymbolIndex.Parse(text.ToArray());

        Assert.True(index.TryLookup(0x1000, out var result));
        Assert.Equal(Encoding.UTF8.GetString(name), result.Function.Name);
        Assert.Equal(name, result.Function.NameUtf8.ToArray());
    }
}
