using System.Numerics;
using Obs.Siggen.Python;
using Obs.Siggen.Rules;

namespace Obs.Siggen.Tests;

/// <summary>CSignatureTool (sentinels, irrelevant/prefix walk, merging), thread selection, Java tools.</summary>
public sealed class SignatureGenerationRuleTests
{
    // Socorro's CSignatureTool tests use these lists: irrelevant a,b,c; prefix d,e,f;
    // sentinels "sentinel" and the tuple ("sentinel2", lambda x: "ff" in x).
    private static readonly SignatureGenerationRule Rule = new(SignatureLists.CreateWithConditionalSentinels(
        ["a", "b", "c"], ["d", "e", "f"], ["sentinel"], ["js_Interpret"],
        [new SentinelCondition("sentinel2", frames => frames.Contains("ff"))]));

    private static string C(params string[] frames) => Rule.CSignature([.. frames], BigInteger.Zero, null).Signature;

    [Fact]
    public void Walk_skips_irrelevant_frames_and_stops_after_the_first_non_prefix()
    {
        Assert.Equal("d | e | f | g", C("a", "b", "c", "d", "e", "f", "g", "h"));
        Assert.Equal("g", C("a", "g", "d"));
        Assert.Equal("d | x", C("", "d", "", "x", "e"));
    }

    [Fact]
    public void Irrelevant_and_prefix_patterns_match_at_the_start_only()
    {
        Assert.Equal("xa", C("xa"));          // "a" is irrelevant only at the start
        Assert.Equal("dx | y", C("dx", "y")); // "d" matches "dx" as a prefix
    }

    [Fact]
    public void Sentinels_cut_the_list_at_the_earliest_one_present()
    {
        Assert.Equal("sentinel", C("x", "y", "sentinel", "z"));
        Assert.Equal("x", C("x", "sentinelX")); // exact strings only
        Assert.Equal("x", C("x", "y", "sentinel2"));           // condition false: no "ff"
        Assert.Equal("sentinel2", C("x", "sentinel2", "ff"));  // condition true
        Assert.Equal("sentinel2", C("x", "sentinel2", "sentinel", "ff"));
    }

    [Fact]
    public void Sentinels_are_logged()
    {
        var state = new SignatureState(collectDebugLog: true) { RuleName = "SignatureGenerationRule" };
        Rule.CSignature(["x", "sentinel", "d", "g"], BigInteger.Zero, state);
        var result = state.ToResult();

        Assert.Contains("SignatureGenerationRule: sentinel; starting at \"sentinel\" index 1", result.DebugLog);
        Assert.Contains("SignatureGenerationRule: not a prefix; stop: \"sentinel\"", result.DebugLog);
    }

    [Fact]
    public void Consecutive_identical_module_frames_are_merged_exactly()
    {
        var lists = SignatureLists.Create(["never"], [@".*\.dll", "XUL", @"\<name omitted\>", "<unknown in", @".*\.so", @"\(unloaded", "FOO.DLL", "libc"], [], ["never"]);
        var rule = new SignatureGenerationRule(lists);
        string Walk(params string[] frames) => rule.CSignature([.. frames], BigInteger.Zero, null).Signature;

        Assert.Equal("foo.dll | bar", Walk("foo.dll", "foo.dll", "bar"));
        Assert.Equal("foo.dll | FOO.DLL | bar", Walk("foo.dll", "FOO.DLL", "bar"));
        Assert.Equal("libc.SO | x", Walk("libc.SO", "libc.SO", "x"));
        Assert.Equal("XUL | x", Walk("XUL", "XUL", "x"));
        Assert.Equal("<name omitted> | x", Walk("<name omitted>", "<name omitted>", "x"));
        Assert.Equal("<unknown in a> | x", Walk("<unknown in a>", "<unknown in a>", "x"));
        Assert.Equal("(unloaded a.dll) | (unloaded a.dll) | x", Walk("(unloaded a.dll)", "(unloaded a.dll)", "x"));
    }

    [Fact]
    public void Empty_walk_falls_back_to_the_first_frame_with_a_note()
    {
        var (signature, notes) = Rule.CSignature(["a", "b"], new BigInteger(3), null);
        Assert.Equal("a", signature);
        Assert.Equal(["CSignatureTool: no frame data for crashing thread (3)"], notes!);

        var (empty, _) = Rule.CSignature([], BigInteger.Zero, null);
        Assert.Equal("EMPTY: no frame data available", empty);

        var (blank, _) = Rule.CSignature(["", "a"], BigInteger.Zero, null);
        Assert.Equal(string.Empty, blank);
    }

    [Theory]
    [InlineData("null", "second")]      // null means thread 0
    [InlineData("\" 1 \"", "third")]    // int(" 1 ")
    [InlineData("1.9", "third")]        // int(1.9)
    [InlineData("true", "third")]       // int(True)
    [InlineData("-1", "third")]         // negative indexes count from the end
    [InlineData("\"x\"", "second")]     // ValueError: thread 0
    [InlineData("[1]", "second")]       // TypeError: thread 0
    public void Crashing_thread_uses_python_int_and_indexing(string crashingThread, string expected)
    {
        var result = Siggen.Run($$"""{"crashing_thread": {{crashingThread}}, "threads": [{"frames": [{"function": "second"}]}, {"frames": [{"function": "third"}]}]}""");
        Assert.Equal(expected, result.Signature);
    }

    [Theory]
    [InlineData("""{"crashing_thread": 5, "threads": [{"frames": [{"function": "f"}]}]}""", "(5)")]
    [InlineData("""{"crashing_thread": -3, "threads": [{"frames": []}, {}]}""", "(-3)")]
    [InlineData("""{"crashing_thread": 0, "threads": [{"frames": []}]}""", "(0)")]
    [InlineData("""{"crashing_thread": 0, "threads": "nope"}""", "(0)")]
    [InlineData("""{}""", "(0)")]
    public void No_frames_gives_empty_signature_and_note(string json, string thread)
    {
        var result = Siggen.Run(json);

        Assert.Equal("EMPTY: no frame data available", result.Signature);
        Assert.Equal([$"SignatureGenerationRule: CSignatureTool: no frame data for crashing thread {thread}"], result.Notes);
        Assert.Null(result.ProtoSignature);
        Assert.Null(result.NormalizedFrames);
    }

    [Theory]
    [InlineData("""{"threads": [null]}""")]
    [InlineData("""{"threads": [{"frames": null}]}""")]
    [InlineData("""{"threads": [{"frames": 5}]}""")]
    [InlineData("""{"threads": [{"frames": [null]}]}""")]
    [InlineData("""{"threads": [{"frames": ["abc"]}]}""")]
    [InlineData("""{"threads": [{"frames": [{"function": 5}]}]}""")]
    [InlineData("""{"threads": [{"frames": [{"file": ["x"], "line": 1}]}]}""")]
    [InlineData("""{"os": "Windows NT", "threads": [{"frames": [{"module": 7}]}]}""")]
    [InlineData("""{"threads": [{"frames": [{"inlines": [null]}]}]}""")]
    [InlineData("""{"threads": [{"frames": [{"unloaded_modules": "x"}]}]}""")]
    public void Malformed_threads_fail_the_rule_and_leave_an_empty_signature(string json)
    {
        var result = Siggen.Run(json);

        Assert.Equal(string.Empty, result.Signature);
        Assert.StartsWith("SignatureGenerationRule: Rule failed: ", Assert.Single(result.Notes), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"threads": [{"frames": ""}]}""")]
    [InlineData("""{"threads": [{"frames": {}}]}""")]
    [InlineData("""{"threads": [{}]}""")]
    [InlineData("""{"threads": [{"frames": [{"inlines": null, "unloaded_modules": 0}]}]}""")]
    public void Empty_or_falsy_containers_are_simply_empty(string json)
    {
        var result = Siggen.Run(json);
        Assert.DoesNotContain(result.Notes, note => note.Contains("Rule failed", StringComparison.Ordinal));
    }

    [Fact]
    public void Debug_log_names_the_tool_and_each_decision()
    {
        var result = Siggen.Run(Siggen.Frames("""{"offset": "0x1234"}""", Siggen.Fn("mozalloc_abort"), Siggen.Fn("nsFoo::Bar()")), debug: true);

        Assert.Equal("nsFoo::Bar", result.Signature);
        Assert.Equal(
            [
                "SignatureGenerationRule: using CSignatureTool",
                "SignatureGenerationRule: using included signature lists",
                "SignatureGenerationRule: irrelevant; ignoring: \"@0x1234\"",
                "SignatureGenerationRule: irrelevant; ignoring: \"mozalloc_abort\"",
                "SignatureGenerationRule: not a prefix; stop: \"nsFoo::Bar\"",
                "SignatureGenerationRule: change signature: \"\" -> \"nsFoo::Bar\"",
            ],
            result.DebugLog);
        Assert.Empty(Siggen.Run(Siggen.Frames(Siggen.Fn("x"))).DebugLog);
    }

    [Theory]
    [InlineData("java.lang.IllegalStateException: Not allowed @a1b2c3d4 here\n\tat android.os.Handler.dispatchMessage(Handler.java:3147)\n\tat x.y(Z.java:1)",
        "java.lang.IllegalStateException: Not allowed @<addr> here at android.os.Handler.dispatchMessage(Handler.java)")]
    [InlineData("java.lang.OutOfMemoryError: obj@0badf00d\n\tat org.mozilla.geckoview.GeckoSession.open(GeckoSession.java:2017)",
        "java.lang.OutOfMemoryError: obj@<addr>: at org.mozilla.geckoview.GeckoSession.open(GeckoSession.java)")]
    [InlineData("java.lang.RuntimeException: boom\n\tat a.b.c(Foo.kt:12)", "java.lang.RuntimeException: boom at a.b.c(Foo.kt:12)")]
    [InlineData("x: \u001cat a.b(C.java:5)", "x: at a.b(C.java)")] // \x1c is a Python line break
    public void Java_stack_trace_signature(string trace, string expected)
    {
        var (signature, _) = SignatureGenerationRule.JavaStackTraceSignature(PyValue.FromString(trace));
        Assert.Equal(expected, signature);
    }

    [Fact]
    public void Java_stack_trace_notes()
    {
        var (noColon, notes1) = SignatureGenerationRule.JavaStackTraceSignature(PyValue.FromString("java.lang.NullPointerException\n\tat a.b(C.java:1)"));
        Assert.Equal("java.lang.NullPointerException: at a.b(C.java)", noColon);
        Assert.Equal(["JavaSignatureTool: stack trace line 1 is not in the expected format"], notes1);

        var (alone, notes2) = SignatureGenerationRule.JavaStackTraceSignature(PyValue.FromString("java.lang.IllegalStateException"));
        Assert.Equal("java.lang.IllegalStateException", alone);
        Assert.Equal(["JavaSignatureTool: stack trace line 1 is not in the expected format", "JavaSignatureTool: stack trace line 2 is missing"], notes2);

        var (emptyLine2, notes3) = SignatureGenerationRule.JavaStackTraceSignature(PyValue.FromString("a: b\n   \nc"));
        Assert.Equal("a: b", emptyLine2);
        Assert.Equal(["JavaSignatureTool: stack trace line 2 is empty"], notes3);
    }

    [Fact]
    public void Java_description_is_dropped_beyond_255_code_points()
    {
        var description = string.Concat(Enumerable.Repeat("\ud83d\ude00", 230)); // 230 code points, 460 UTF-16 units
        var (kept, keptNotes) = SignatureGenerationRule.JavaStackTraceSignature(PyValue.FromString("E: " + description + "\nat m(F.java:1)"));
        Assert.Equal("E: " + description + " at m(F.java)", kept);
        Assert.Empty(keptNotes);

        var (dropped, notes) = SignatureGenerationRule.JavaStackTraceSignature(PyValue.FromString("E: " + new string('y', 260) + "\nat m(F.java:1)"));
        Assert.Equal("E: at m(F.java)", dropped);
        Assert.Equal(["JavaSignatureTool: dropped Java exception description due to length"], notes);
    }

    [Fact]
    public void Java_stack_trace_that_is_not_a_string()
    {
        var result = Siggen.Run("""{"java_stack_trace": 5, "threads": [{"frames": [{"function": "f"}]}]}""");
        Assert.Equal("EMPTY: Java stack trace not in expected format", result.Signature);
        Assert.Equal(["SignatureGenerationRule: JavaSignatureTool: stack trace not in expected format"], result.Notes);
        Assert.Null(result.NormalizedFrames);
    }

    [Fact]
    public void Java_takes_precedence_and_logs_its_tool()
    {
        var result = Siggen.Run("""{"java_stack_trace": "E: d\nat m(F.java:1)", "java_exception": {"x": 1}, "threads": [{"frames": [{"function": "f"}]}]}""", debug: true);
        Assert.Equal("E: d at m(F.java)", result.Signature);
        Assert.Equal("SignatureGenerationRule: using JavaSignatureTool", result.DebugLog[0]);

        var exception = Siggen.Run("""{"java_exception": {"x": 1}, "threads": [{"frames": [{"function": "f"}]}]}""", debug: true);
        Assert.Equal("SignatureGenerationRule: using JavaExceptionSignatureTool", exception.DebugLog[0]);
    }

    [Theory]
    [InlineData("""{"exception": {"values": [{"stacktrace": {"frames": [], "module": "java.lang", "type": "NullPointerException"}}]}}""", "java.lang.NullPointerException")]
    [InlineData("""{"exception": {"values": [{"stacktrace": {"frames": [{"module": "android.os.Looper", "function": "<init>", "filename": "GeckoThread.java"}]}}]}}""", "Unknown: at android.os.Looper.<init>(GeckoThread.java)")]
    [InlineData("""{"exception": {"values": [{"stacktrace": {"module": "java.lang", "frames": [{"function": "run", "lineno": 3}]}}]}}""", "java.lang.Unknown: at run")]
    [InlineData("""{"exception": {"values": [{"stacktrace": {"type": "E", "frames": [{"module": "a.B"}]}}]}}""", "E: at a.B")]
    [InlineData("""{"exception": {"values": [{"stacktrace": {"type": "E", "frames": [{"filename": "X.java"}]}}]}}""", "E: at unknown")]
    [InlineData("""{"exception": {"values": [{"stacktrace": {"type": "E", "frames": [{}]}}]}}""", "E: at unknown")]
    [InlineData("""{"exception": {"values": [{"stacktrace": {"type": 5, "module": null}}]}}""", "5")]
    public void Java_exception_signature(string exception, string expected)
    {
        var result = Siggen.Run("""{"java_exception": """ + exception + "}");
        Assert.Equal(expected, result.Signature);
        Assert.Empty(result.Notes);
    }

    [Theory]
    [InlineData("""{"nope": 1}""")]
    [InlineData("""{"exception": {"values": []}}""")]
    [InlineData("""{"exception": {"values": [{}]}}""")]
    [InlineData("""{"exception": {"values": "x"}}""")]
    [InlineData("""["exception"]""")]
    [InlineData("\"text\"")]
    public void Java_exception_not_in_expected_format(string exception)
    {
        var result = Siggen.Run("""{"java_exception": """ + exception + "}");
        Assert.Equal("EMPTY: Java exception not in expected format", result.Signature);
        Assert.Equal(["SignatureGenerationRule: JavaExceptionSignatureTool: value not in expected format"], result.Notes);
    }
}
