using Obs.Siggen.Python;
using Obs.Siggen.Rules;

namespace Obs.Siggen.Tests;

/// <summary>normalize_frame precedence, C++ and Rust function normalization, fix_missing_module.</summary>
public sealed class FrameNormalizerTests
{
    private static readonly FrameNormalizer Normalizer = new(SignatureLists.Default);

    private static string Cpp(string function, PyValue? line = null) => Normalizer.NormalizeCppFunction(function, line ?? PyValue.None);

    [Theory]
    [InlineData("JS::Heap<JSObject*>::operator JSObject* const &()", "JS::Heap<T>::operator JSObject* const&")]
    [InlineData("mozilla::jni::GlobalRef<mozilla::jni::Object>::operator=(mozilla::jni::Ref<mozilla::jni::Object, _jobject*> const&)&", "mozilla::jni::GlobalRef<T>::operator=")]
    [InlineData("ShutdownWorkThreads::$_52::__invoke", "ShutdownWorkThreads::$::__invoke")]
    [InlineData("nsFoo::Bar(int) const", "nsFoo::Bar")]
    [InlineData("nsFoo::Bar(int) const&", "nsFoo::Bar")]
    [InlineData("nsFoo::Bar(int) const &", "nsFoo::Bar")]
    [InlineData("nsFoo::Bar(int) &&", "nsFoo::Bar")]
    [InlineData("Foo::isconst", "Foo::is")]                    // no word boundary
    [InlineData("nsFoo::operator&", "nsFoo::operator")]
    [InlineData("bool nsFoo::operator==(nsFoo const&)", "bool nsFoo::operator==")] // "::operator": the return type stays
    [InlineData("operator new(unsigned long)", "new")]
    [InlineData("void `anonymous namespace'::Run(int)", "(anonymous namespace)::Run")]
    [InlineData("mozilla::`anonymous namespace'::Foo<int>::Bar(char)", "mozilla::(anonymous namespace)::Foo<T>::Bar")]
    [InlineData("void foo(int) [clone .cold.1]", "foo ")]    // the cold label goes, its space stays
    [InlineData("foo<int, char>", "foo<T>")]
    [InlineData("foo<a as b>(x)", "foo<a as b>")]
    [InlineData("<unknown in libxul.so>", "<unknown in libxul.so>")]
    [InlineData("int* std::foo<int *>::bar", "std::foo<T>::bar")]
    [InlineData("bool mozilla::operator<(Foo const&, Foo const&)", "bool mozilla::operator<")]
    public void Normalize_cpp_function(string function, string expected)
    {
        Assert.Equal(expected, Cpp(function));
    }

    [Fact]
    public void Line_number_functions_append_python_str_of_the_line()
    {
        Assert.Equal("js_Interpret:42", Cpp("js_Interpret(JSContext*)", PyValue.FromInt(42)));
        Assert.Equal("js_Interpret:None", Cpp("js_Interpret", PyValue.None));
        Assert.Equal("js_Interpret:7.0", Cpp("js_Interpret", PyValue.FromFloat(7.0)));
        Assert.Equal("js_InterpretX:1", Cpp("js_InterpretX", PyValue.FromInt(1))); // re.match is a prefix match
        Assert.Equal("foo_js_Interpret", Cpp("foo_js_Interpret", PyValue.FromInt(1)));
    }

    [Theory]
    [InlineData("<core::option::Option<T> as core::fmt::Debug>::fmt", "<core::option::Option<T> as core::fmt::Debug>::fmt")]
    [InlineData("std::sync::mutex::Mutex<T>::lock::h1ba1621582283d15", "std::sync::mutex::Mutex<T>::lock")]
    [InlineData("alloc::vec::Vec<u8>::push(x, y)", "alloc::vec::Vec<T>::push")]
    [InlineData("core::ptr::drop_in_place<webrender::Renderer>", "core::ptr::drop_in_place<T>")]
    [InlineData("Foo::operator()(x)::hDEADbeef", "Foo::operator")]     // Rust drops every (...)
    [InlineData("foo::isconst", "foo::isconst")]                       // no const stripping
    public void Normalize_rust_function(string function, string expected)
    {
        Assert.Equal(expected, Normalizer.NormalizeRustFunction(function, PyValue.None));
    }

    [Theory]
    // 1. function wins; a Rust source file picks the Rust rules (hash stripped)
    [InlineData("""{"function": "foo::bar::h0123abcd", "file": "git:github.com/x/y:src/lib.rs:abc", "module": "m", "offset": "0x1"}""", "foo::bar")]
    [InlineData("""{"function": "foo::bar::h0123abcd", "file": "/builds/src/lib.rs"}""", "foo::bar")]
    // ... a bare relative path is not a parsable source file, so C++ rules apply and the hash stays
    [InlineData("""{"function": "foo::bar::h0123abcd", "file": "src/libcore/lib.rs"}""", "foo::bar::h0123abcd")]
    // 2. file and line: the base name, the VCS string is not parsed
    [InlineData("""{"file": "hg:hg.mozilla.org/m-c:dom/a/b.cpp:abc", "line": 12, "module": "xul.dll"}""", "b.cpp:abc#12")]
    [InlineData("""{"file": "c:\\builds\\dir\\x.cpp", "line": 3}""", "x.cpp#3")]
    [InlineData("""{"file": "/a/b/dir/", "line": 3}""", "dir#3")]
    [InlineData("""{"file": "x.cpp", "line": 7.0}""", "x.cpp#7.0")]
    // ... line 0 is falsy: fall through to the module
    [InlineData("""{"file": "x.cpp", "line": 0, "module": "libxul.so"}""", "libxul.so")]
    // 3. module, brackets stripped
    [InlineData("""{"module": "[vdso]", "offset": "0x10"}""", "vdso")]
    // 4. unloaded module
    [InlineData("""{"unloaded_modules": [{"module": "gone.dll"}, {"module": "other.dll"}], "offset": "0x10"}""", "(unloaded gone.dll)")]
    [InlineData("""{"unloaded_modules": [{"offsets": []}], "offset": "0x10"}""", "(unloaded None)")]
    [InlineData("""{"unloaded_modules": [], "offset": "0x10"}""", "@0x10")]
    // 5. offset without leading zeros; unparsable text kept
    [InlineData("""{"offset": "0x00007FF612345678"}""", "@0x7ff612345678")]
    [InlineData("""{"offset": "zz"}""", "@zz")]
    // 6. nothing
    [InlineData("""{"module_offset": "0x10"}""", "")]
    public void Normalize_frame_precedence(string frame, string expected)
    {
        var result = Siggen.Run(Siggen.Frames(frame));
        Assert.Equal([expected], result.NormalizedFrames!);
    }

    [Fact]
    public void Fix_missing_module_restores_rust_paths_for_vcs_files_only()
    {
        var vcs = Siggen.Run(Siggen.Frames("""{"function": "panic", "file": "git:github.com/rust-lang/rust:src/libcore/panicking.rs:abc"}"""));
        Assert.Equal(["core::panicking::panic"], vcs.NormalizedFrames!);

        var relative = Siggen.Run(Siggen.Frames("""{"function": "panic", "file": "src/libcore/panicking.rs"}"""));
        Assert.Equal(["panic"], relative.NormalizedFrames!);

        Assert.Equal(
            PyValue.FromString("core::panicking::panic").ToString(),
            FrameNormalizer.FixMissingModule(PyValue.FromString("panic"), PyValue.FromString("hg:x:src/libcore/panicking.rs:1")).ToString());
        Assert.Equal(9, FrameNormalizer.FileFunctionToFunction.Count);
    }

    [Fact]
    public void Windows_modules_are_lowercased_with_python_lower()
    {
        var result = Siggen.Run("""
            {"os": "Windows NT", "threads": [{"frames": [
              {"offset": "0x5e39bf21"}, {"offset": "0x5e39bf21"}, {"offset": "0x5e39bf21"},
              {"module": "USER2.dll", "module_offset": "0x20869", "offset": "0x77370869"},
              {"module": "\u0130NPUT.DLL"}]}]}
            """);

        // ".dll" frames are prefixes, so the walk goes on; the combining dot is not printable ASCII.
        Assert.Equal("user2.dll | input.dll", result.Signature);
        Assert.Equal(["SigPrintableCharsOnly: unprintable characters removed"], result.Notes);
        Assert.Equal(["@0x5e39bf21", "@0x5e39bf21", "@0x5e39bf21", "user2.dll", "i\u0307nput.dll"], result.NormalizedFrames!);
    }

    [Fact]
    public void Socorro_lower_case_modules_example()
    {
        var result = Siggen.Run("""
            {"os": "Windows NT", "threads": [{"frames": [
              {"offset": "0x5e39bf21"}, {"offset": "0x5e39bf21"}, {"offset": "0x5e39bf21"},
              {"module": "USER2.dll", "module_offset": "0x20869", "offset": "0x77370869"}]}]}
            """);

        Assert.Equal("user2.dll", result.Signature);
        Assert.Empty(result.Notes);
        Assert.Equal(["@0x5e39bf21", "@0x5e39bf21", "@0x5e39bf21", "user2.dll"], result.NormalizedFrames!);
    }

    [Fact]
    public void Other_systems_keep_module_case()
    {
        var result = Siggen.Run("""{"os": "Linux", "threads": [{"frames": [{"module": "USER2.dll"}]}]}""");
        Assert.Equal(["USER2.dll"], result.NormalizedFrames!);
    }

    [Fact]
    public void Inlines_come_first_and_borrow_module_and_offset_from_their_frame()
    {
        var result = Siggen.Run(Siggen.Frames(
            """{"function": "outer()", "module": "xul.dll", "offset": "0x1", "inlines": [{"function": "inner1()"}, {"file": "a/b.cpp", "line": 5}, {}]}""",
            """{"function": "next()"}"""));

        Assert.Equal(["inner1", "b.cpp#5", "xul.dll", "outer", "next"], result.NormalizedFrames!);
    }

    [Fact]
    public void At_most_40_entries_are_considered_inlines_included()
    {
        var frames = Enumerable.Range(0, 30).Select(i => $$"""{"function": "f{{i}}", "inlines": [{"function": "i{{i}}"}]}""").ToArray();
        var result = Siggen.Run(Siggen.Frames(frames));

        Assert.Equal(40, result.NormalizedFrames!.Count);
        Assert.Equal("i0", result.NormalizedFrames[0]);
        Assert.Equal("f19", result.NormalizedFrames[39]);
        Assert.Equal(string.Join(" | ", result.NormalizedFrames), result.ProtoSignature);
    }

    [Fact]
    public void Frames_past_the_40th_are_never_looked_at()
    {
        var frames = Enumerable.Range(0, 40).Select(i => $$"""{"function": "f{{i}}"}""").Append("null").ToArray();
        var result = Siggen.Run(Siggen.Frames(frames));

        Assert.DoesNotContain(result.Notes, note => note.Contains("Rule failed", StringComparison.Ordinal));
        Assert.Equal(40, result.NormalizedFrames!.Count);
    }
}
