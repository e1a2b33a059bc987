using Obs.Siggen.Rules;

namespace Obs.Siggen.Tests;

/// <summary>Socorro's utils.py helpers: slices, collapsing, prefix/return-type dropping, source files.</summary>
public sealed class FrameTextTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("foo", "")]
    [InlineData("foo<bar>", "3-8")]
    [InlineData("a<b<c>>d<e>", "1-7 8-11")]
    [InlineData("a>b<c>", "3-6")]      // a closer without an opener is plain text
    [InlineData("foo<bar", "3-7")]     // an unclosed opener runs to the end
    [InlineData("x<a<b>", "1-6")]
    public void Find_enclosed_slices(string text, string expected)
    {
        var slices = FrameText.FindEnclosedSlices(text, '<', '>');
        Assert.Equal(expected, string.Join(" ", slices.Select(s => $"{s.Start}-{s.End}")));
    }

    [Fact]
    public void Replace_enclosed_slices_passes_only_the_text_since_the_previous_slice()
    {
        var befores = new List<string>();
        var result = FrameText.ReplaceEnclosedSlices("ab(1)cd(2)(3)", '(', ')', (before, slice) =>
        {
            befores.Add(before.ToString());
            return "[" + slice[1..^1].ToString() + "]";
        });

        Assert.Equal("ab[1]cd[2][3]", result);
        Assert.Equal(["ab", "cd", ""], befores);
    }

    [Theory]
    [InlineData("Foo<int>::Bar", "Foo<T>::Bar")]
    [InlineData("Foo<Bar<int>, Baz>::Qux<x>", "Foo<T>::Qux<T>")]
    [InlineData("<name omitted>", "<name omitted>")]
    [InlineData("<unknown in foo.dll>", "<unknown in foo.dll>")]
    [InlineData("<Foo as Bar>::baz", "<Foo as Bar>::baz")]
    [InlineData("mozilla::operator<(int)", "mozilla::operator<(int)")]
    [InlineData("Foo::operator<<(x)", "Foo::operator<<(x)")]
    [InlineData("Foo::operator->", "Foo::operator->")]
    [InlineData("foo<bar", "foo<T>")]
    [InlineData("IPC::ParamTraits<mozilla::Maybe<Foo<int> > >::Write(a, b)", "IPC::ParamTraits<mozilla::Maybe<T> >::Write(a, b)")]
    [InlineData("IPC::ParamTraits<int>::Read", "IPC::ParamTraits<int>::Read")]
    public void Collapse_types(string function, string expected)
    {
        Assert.Equal(expected, FrameText.CollapseTypes(function));
    }

    [Theory]
    [InlineData("foo(int, char)", "foo")]
    [InlineData("foo::(anonymous namespace)::bar(int)", "foo::(anonymous namespace)::bar")]
    [InlineData("Foo::operator()(int)", "Foo::operator()")]
    [InlineData("foo(a(b))c(d)", "fooc")]
    [InlineData("foo)(x", "foo)")]
    [InlineData("foo(unclosed", "foo")]
    public void Collapse_arguments(string function, string expected)
    {
        Assert.Equal(expected, FrameText.CollapseArguments(function));
    }

    [Theory]
    [InlineData("foo", "foo")]
    [InlineData("void foo(int)", "foo(int)")]
    [InlineData("int* mozilla::Foo<a b>::bar(int a, char b)", "mozilla::Foo<a b>::bar(int a, char b)")]
    [InlineData("somefunc (int arg1, int arg2)", "somefunc (int arg1, int arg2)")]
    [InlineData("void somefunc(int) [clone .cold.111]", "somefunc(int) [clone .cold.111]")]
    [InlineData("void f(int) [clone .cold.1] [clone .cold.2]", "f(int) [clone .cold.1] [clone .cold.2]")]
    [InlineData("static void `anonymous namespace'::Foo(x y)", "`anonymous namespace'::Foo(x y)")]
    [InlineData("a {b c} d", "d")]
    [InlineData("a >b c", "c")]                 // an unmatched closer is ordinary text
    [InlineData("a (b] c) d", "d")]            // only the matching closer pops
    [InlineData("foo ", "foo")]
    [InlineData("foo  ", "")]                   // two trailing spaces: an empty last token
    [InlineData(" ", "")]
    [InlineData("(x) (y)", "(x) (y)")]
    public void Drop_prefix_and_return_type(string function, string expected)
    {
        Assert.Equal(expected, FrameText.DropPrefixAndReturnType(function));
    }

    [Theory]
    [InlineData("hg:hg.mozilla.org/mozilla-central:dom/a/b.cpp:abc123", "dom/a/b.cpp")]
    [InlineData("git:github.com/rust-lang/rust:library/core/src/panicking.rs:19e7d4ff6", "library/core/src/panicking.rs")]
    [InlineData("c:\\builds\\foo.cpp", "\\builds\\foo.cpp")]
    [InlineData("/builds/worker/foo.rs", "/builds/worker/foo.rs")]
    [InlineData("src/libcore/panicking.rs", null)]
    [InlineData("a:b:c", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Parse_source_file(string? file, string? expected)
    {
        Assert.Equal(expected, FrameText.ParseSourceFile(file));
    }

    [Theory]
    [InlineData("hello", "hello")]
    [InlineData("h\u00e9llo\u5fae", "hllo")]
    [InlineData("tab\there\nnl", "tabherenl")]
    [InlineData("~ \u007f", "~ ")]
    public void Drop_bad_characters_keeps_u0020_to_u007e(string text, string expected)
    {
        Assert.Equal(expected, FrameText.DropBadCharacters(text));
    }

    [Theory]
    [InlineData("a *b, c &d", "a*b, c&d")]
    [InlineData("a  *", "a *")]
    [InlineData("abc", "abc")]
    public void Remove_space_before_pointer(string text, string expected)
    {
        Assert.Equal(expected, FrameText.RemoveSpaceBeforePointer(text));
    }

    [Theory]
    [InlineData("a,b, c,", "a, b, c, ")]
    [InlineData("a, b", "a, b")]
    public void Add_space_after_comma(string text, string expected)
    {
        Assert.Equal(expected, FrameText.AddSpaceAfterComma(text));
    }
}
