using System.Numerics;
using Obs.Siggen.Python;

namespace Obs.Siggen.Tests;

/// <summary>Python 3 string and number semantics the port must copy (reference doc §1.7).</summary>
public sealed class PyTextTests
{
    [Theory]
    [InlineData(" 1 ", 1)]
    [InlineData("1_0", 10)]
    [InlineData("+7", 7)]
    [InlineData("-3", -3)]
    [InlineData("007", 7)]
    [InlineData("\u0661\u0662", 12)] // Arabic-Indic digits are Unicode Nd
    [InlineData("\u001c5\u001f", 5)] // Python whitespace includes U+001C..U+001F
    public void Int_parses_like_python(string text, long expected)
    {
        Assert.True(PyText.TryParseInt(text, 10, out var value));
        Assert.Equal(new BigInteger(expected), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("_1")]
    [InlineData("1_")]
    [InlineData("1__0")]
    [InlineData("1.5")]
    [InlineData("0x10")]
    [InlineData("- 1")]
    public void Int_rejects_what_python_rejects(string text)
    {
        Assert.False(PyText.TryParseInt(text, 10, out _));
    }

    [Fact]
    public void Int_of_json_values_follows_python_types()
    {
        Assert.Equal(BigInteger.One, PyText.ToInt(PyValue.FromBool(true), out var e1));
        Assert.Equal(PyIntError.None, e1);
        Assert.Equal(new BigInteger(1), PyText.ToInt(PyValue.FromFloat(1.9), out _));
        Assert.Equal(new BigInteger(-1), PyText.ToInt(PyValue.FromFloat(-1.9), out _));
        PyText.ToInt(PyValue.None, out var e2);
        Assert.Equal(PyIntError.TypeError, e2);
        PyText.ToInt(PyValue.FromList([]), out var e3);
        Assert.Equal(PyIntError.TypeError, e3);
        PyText.ToInt(PyValue.FromString("x"), out var e4);
        Assert.Equal(PyIntError.ValueError, e4);
        PyText.ToInt(PyValue.FromFloat(double.PositiveInfinity), out var e5);
        Assert.Equal(PyIntError.OverflowError, e5);
        Assert.Equal("invalid literal for int() with base 10: 'x'", PyText.IntErrorMessage(PyValue.FromString("x"), PyIntError.ValueError));
    }

    [Theory]
    [InlineData("0x0000000000032ec0", "0x32ec0")]
    [InlineData("0X5E39BF21", "0x5e39bf21")]
    [InlineData("ABC", "0xabc")]
    [InlineData("0", "0x0")]
    [InlineData("-0x10", "-0x10")]
    [InlineData("-0", "0x0")]
    [InlineData("+0x1", "0x1")]
    [InlineData("0x_1f", "0x1f")]
    [InlineData(" 0x10 ", "0x10")]
    [InlineData("ffffffffffffffffffffffffffffffff", "0xffffffffffffffffffffffffffffffff")]
    public void Hex_of_int_base_16_strips_leading_zeros_and_lowercases(string text, string expected)
    {
        Assert.Equal(expected, PyText.HexOfInt16(text));
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("_1")]
    [InlineData("1__2")]
    public void Hex_of_invalid_text_is_null(string text)
    {
        Assert.Null(PyText.HexOfInt16(text));
    }

    [Theory]
    [InlineData(7.0, "7.0")]
    [InlineData(2.5, "2.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(123456789012345680.0, "1.2345678901234568e+17")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e300, "1e+300")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NaN, "nan")]
    public void Float_repr_matches_python(double value, string expected)
    {
        Assert.Equal(expected, PyText.FloatRepr(value));
    }

    [Fact]
    public void Str_of_json_values_matches_python()
    {
        Assert.Equal("None", PyValue.None.ToString());
        Assert.Equal("True", PyValue.FromBool(true).ToString());
        Assert.Equal("7", PyValue.FromInt(7).ToString());
        Assert.Equal("text", PyValue.FromString("text").ToString());
        Assert.Equal("[1, 'a', None, \"it's\", 'say \"hi\"']",
            PyValue.FromList([PyValue.FromInt(1), PyValue.FromString("a"), PyValue.None, PyValue.FromString("it's"), PyValue.FromString("say \"hi\"")]).ToString());
        var dict = new PyDict();
        dict.Set("k", PyValue.FromString("v\n"));
        dict.Set("é", PyValue.FromString("\u0001"));
        Assert.Equal("{'k': 'v\\n', 'é': '\\x01'}", PyValue.FromDict(dict).ToString());
    }

    [Fact]
    public void Strip_removes_python_whitespace_only()
    {
        Assert.Equal("a b", PyText.Strip("\u001c\t a b\u00a0\u2028\u3000"));
        Assert.Equal("\u200ba", PyText.Strip("\u200ba ")); // zero-width space is not whitespace
    }

    [Fact]
    public void Lower_uses_full_unicode_mapping()
    {
        Assert.Equal("user2.dll", PyText.Lower("USER2.DLL"));
        Assert.Equal("i\u0307stanbul.dll", PyText.Lower("\u0130STANBUL.DLL"));
        Assert.Equal("\u03bf\u03c3\u03bf\u03c2", PyText.Lower("\u039f\u03a3\u039f\u03a3")); // final sigma
        Assert.Equal("\u03c3", PyText.Lower("\u03a3")); // a lone sigma is not final
        Assert.Equal("\ud801\udc28", PyText.Lower("\ud801\udc00")); // Deseret, astral
    }

    [Fact]
    public void Splitlines_breaks_on_every_python_line_boundary()
    {
        var lines = PyText.SplitLines("a\nb\r\nc\rd\ve\ff\u001cg\u001dh\u001ei\u0085j\u2028k\u2029l\n");
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"], lines);
        Assert.Empty(PyText.SplitLines(string.Empty));
        Assert.Equal([string.Empty], PyText.SplitLines("\n"));
        Assert.Equal(["x\u001fy"], PyText.SplitLines("x\u001fy")); // U+001F is whitespace, not a line break
    }

    [Fact]
    public void Lengths_and_slices_count_code_points()
    {
        const string emoji = "\ud83d\ude00";
        Assert.Equal(3, PyText.CodePointLength("a" + emoji + "b"));
        Assert.Equal("a" + emoji, PyText.Prefix("a" + emoji + "b", 2));
        Assert.Equal(1, PyText.CodePointLength("\ud800")); // a lone surrogate is one code point
        Assert.Equal("abc", PyText.Prefix("abc", 100));
    }

    [Fact]
    public void Sorting_is_by_code_point()
    {
        var items = new List<string> { "\uffff", "\ud83d\ude00", "b", "B", "a" };
        items.Sort(PyText.CompareCodePoints);
        Assert.Equal(["B", "a", "b", "\uffff", "\ud83d\ude00"], items);
    }
}
