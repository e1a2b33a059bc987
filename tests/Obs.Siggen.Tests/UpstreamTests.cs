using System.Numerics;
using System.Text.Json;
using Obs.Siggen.Python;
using Obs.Siggen.Rules;

namespace Obs.Siggen.Tests;

/// <summary>
/// Socorro's own tests of its signature rules (<c>socorro/signature/tests/test_rules.py</c> at
/// 7e28d72b5ffb), ported with their inputs and expected values. Each test names the upstream test
/// it comes from. Rule tests start, as upstream does, from a given signature rather than a stack.
/// </summary>
public sealed class UpstreamRulesTests
{
    // TestCSignatureTool.setup_config_c_sig_tool: irrelevant "ignored1", prefixes "pre1", "pre2",
    // line-number function "fnNeedNumber", sentinels "sentinel" and ("sentinel2", "ff" in frames).
    private static readonly SignatureLists ToolLists = SignatureLists.CreateWithConditionalSentinels(
        ["ignored1"], ["pre1", "pre2"], ["sentinel"], ["fnNeedNumber"],
        [new SentinelCondition("sentinel2", frames => frames.Contains("ff"))]);

    private static readonly FrameNormalizer Normalizer = new(ToolLists);

    // test_generate_*: setup_config_c_sig_tool(ig=["a", "b", "c"], pr=["d", "e", "f"]).
    private static SignatureGenerationRule Walker(params string[] irrelevant) => new(SignatureLists.CreateWithConditionalSentinels(
        ["a", "b", "c", .. irrelevant], ["d", "e", "f"], ["sentinel"], ["fnNeedNumber"],
        [new SentinelCondition("sentinel2", frames => frames.Contains("ff"))]));

    private static string Walk(SignatureGenerationRule rule, IEnumerable<string> frames) => rule.CSignature([.. frames], BigInteger.Zero, null).Signature;

    private static List<string> Letters(string letters) => [.. letters.Select(c => c.ToString())];

    private static SignatureState StateWith(ISignatureRule rule, string signature)
    {
        var state = new SignatureState(collectDebugLog: false) { RuleName = rule.Name };
        state.SetSignature(signature);
        return state;
    }

    private static bool Predicate(ISignatureRule rule, string crashData, string signature = "") =>
        rule.Predicate(CrashData.Parse(crashData), StateWith(rule, signature));

    private static SignatureState Act(ISignatureRule rule, string crashData, string signature = "")
    {
        var state = StateWith(rule, signature);
        rule.Action(CrashData.Parse(crashData), state);
        return state;
    }

    private static PyValue Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return PyValue.FromJson(document.RootElement);
    }

    private static string JsonString(string text) => JsonSerializer.Serialize(text);

    [Theory]
    [InlineData("{}", null)]
    [InlineData("{\"function\": \"panic\"}", "panic")]
    [InlineData("{\"file\": \"git:github.com/rust-lang/rust:src/libstd/panicking.rs:91856ed52c58aa5ba66a015354d1cc69e9779bdf\", \"function\": \"begin_panic_fmt\"}", "std::panicking::begin_panic_fmt")]
    public void Test_fix_missing_module(string frame, string? expectedFunction)
    {
        var value = Json(frame);
        var function = FrameNormalizer.FixMissingModule(value.Get("function"), value.Get("file"));
        Assert.Equal(expectedFunction, function.IsNone ? null : function.Str);
    }

    [Fact]
    public void TestCSignatureTool_test_create_frame_list_and_with_inlines()
    {
        var rule = new SignatureGenerationRule(ToolLists);
        var plain = CrashData.Parse("""{"threads": [{"frames": [{"function": "NtWaitForMultipleObjects", "module": "ntdll.dll", "offset": "0x77ad015d"}, {"function": "WaitForMultipleObjectsEx", "module": "KERNELBASE.dll", "offset": "0x775e15f6"}, {"function": "WaitForMultipleObjectsExImplementation", "module": "kernel32.dll", "offset": "0x766119f7"}, {"function": "RealMsgWaitForMultipleObjectsEx", "module": "user32.dll", "offset": "0x77370869"}, {"function": "MsgWaitForMultipleObjects", "module": "user32.dll", "offset": "0x77370b68"}, {"file": "F_766591945_____", "function": "F_1428703866_____", "line": 203, "module": "NPSWF32_14_0_0_125.dll"}]}]}""");
        Assert.Equal(
            ["NtWaitForMultipleObjects", "WaitForMultipleObjectsEx", "WaitForMultipleObjectsExImplementation", "RealMsgWaitForMultipleObjectsEx", "MsgWaitForMultipleObjects", "F_1428703866_____"],
            rule.CreateFrameList(plain.Threads![0], lowerCaseModules: false));

        var inlined = CrashData.Parse("""{"threads": [{"frames": [{"function": "NtWaitForMultipleObjects", "module": "ntdll.dll", "inlines": null}, {"function": "WaitForMultipleObjectsEx", "module": "KERNELBASE.dll", "inlines": [{"function": "inline_a", "file": "some_file.rs", "line": 59}, {"function": "inline_b", "file": "some_file.rs", "line": 299}]}, {"function": "WaitForMultipleObjectsExImplementation", "module": "kernel32.dll"}]}]}""");
        Assert.Equal(
            ["NtWaitForMultipleObjects", "inline_a", "inline_b", "WaitForMultipleObjectsEx", "WaitForMultipleObjectsExImplementation"],
            rule.CreateFrameList(inlined.Threads![0], lowerCaseModules: false));
    }

    [Theory]
    [InlineData("{\"module\": \"module\", \"function\": \"\", \"file\": \"source/\", \"line\": \"23\", \"module_offset\": \"0xfff\"}", "source#23")]
    [InlineData("{\"module\": \"module\", \"function\": \"\", \"file\": \"source\\\\\", \"line\": \"23\", \"module_offset\": \"0xfff\"}", "source#23")]
    [InlineData("{\"module\": \"module\", \"function\": \"\", \"file\": \"/a/b/c/source\", \"line\": \"23\", \"module_offset\": \"0xfff\"}", "source#23")]
    [InlineData("{\"module\": \"module\", \"function\": \"\", \"file\": \"\\\\a\\\\b\\\\c\\\\source\", \"line\": \"23\", \"module_offset\": \"0xfff\"}", "source#23")]
    [InlineData("{\"module\": \"module\", \"function\": \"\", \"file\": \"\\\\a\\\\b\\\\c\\\\source\", \"line\": \"\", \"module_offset\": \"0xfff\"}", "module")]
    [InlineData("{\"module\": \"module\", \"function\": \"\", \"file\": \"\", \"line\": \"\", \"module_offset\": \"0xfff\"}", "module")]
    [InlineData("{\"module\": \"module\", \"function\": \"expect_failed::h7f635057bfba806a\", \"file\": \"hg:hg.mozilla.org/a/b:servio/wrapper.rs:44444444444\", \"line\": \"23\", \"module_offset\": \"0xfff\"}", "expect_failed")]
    [InlineData("{\"module\": \"\", \"function\": \"\", \"file\": \"\", \"line\": \"\", \"module_offset\": \"\", \"offset\": \"\", \"unloaded_modules\": [{\"module\": \"unmod\"}]}", "(unloaded unmod)")]
    [InlineData("{\"module\": \"\", \"function\": \"\", \"file\": \"\", \"line\": \"\", \"module_offset\": \"\", \"offset\": \"\", \"unloaded_modules\": [{\"module\": \"unmod\", \"offsets\": [\"0x0000000000005387\"]}]}", "(unloaded unmod)")]
    [InlineData("{\"module\": \"module]\", \"function\": \"\", \"file\": \"\\\\a\\\\b\\\\c\\\\source\", \"line\": \"\", \"module_offset\": \"0xfff\"}", "module")]
    [InlineData("{\"module\": \"[module]\", \"function\": \"\", \"file\": \"\\\\a\\\\b\\\\c\\\\source\", \"line\": \"\", \"module_offset\": \"0xfff\"}", "module")]
    [InlineData("{\"module\": \"[module\", \"function\": \"\", \"file\": \"\\\\a\\\\b\\\\c\\\\source\", \"line\": \"\", \"module_offset\": \"0xfff\"}", "module")]
    [InlineData("{\"module\": \"[[[module]]\", \"function\": \"\", \"file\": \"\\\\a\\\\b\\\\c\\\\source\", \"line\": \"\", \"module_offset\": \"0xfff\"}", "module")]
    public void TestCSignatureTool_test_normalize_frame(string frame, string expected)
    {
        // The upstream arguments (module, function, file, line, module_offset, offset, unloaded_modules) as one frame.
        var data = CrashData.Parse("{\"threads\": [{\"frames\": [" + frame + "]}]}");
        Assert.Equal([expected], new SignatureGenerationRule(ToolLists).CreateFrameList(data.Threads![0], lowerCaseModules: false));
    }

    [Theory]
    [InlineData("fn", "23", "fn")]
    [InlineData("fnNeedNumber", "23", "fnNeedNumber:23")]
    [InlineData("f( *s)", "23", "f")]
    [InlineData("f( &s)", "23", "f")]
    [InlineData("f( *s , &n)", "23", "f")]
    [InlineData("f3(s,t,u)", "23", "f3")]
    [InlineData("operator()(s,t,u)", "23", "operator()")]
    [InlineData("::(anonymous namespace)::f3(s,t,u)", "23", "::(anonymous namespace)::f3")]
    [InlineData("mozilla::layers::D3D11YCbCrImage::GetAsSourceSurface()", "23", "mozilla::layers::D3D11YCbCrImage::GetAsSourceSurface")]
    [InlineData("mozilla::layers::BasicImageLayer::Paint(mozilla::gfx::DrawTarget*, mozilla::gfx::PointTyped<mozilla::gfx::UnknownUnits, float> const&, mozilla::layers::Layer*)", "23", "mozilla::layers::BasicImageLayer::Paint")]
    [InlineData("void nsDocumentViewer::DestroyPresShell()", "23", "nsDocumentViewer::DestroyPresShell")]
    [InlineData("bool CCGraphBuilder::BuildGraph(class js::SliceBudget& const)", "23", "CCGraphBuilder::BuildGraph")]
    [InlineData("f<3>(s,t,u)", "23", "f<T>")]
    [InlineData("Alpha<Bravo<Charlie>, Delta>::Echo<Foxtrot>", "23", "Alpha<T>::Echo<T>")]
    [InlineData("thread_start<unsigned int (__cdecl*)(void* __ptr64)>", "23", "thread_start<T>")]
    [InlineData("class JSObject* DoCallback<JSObject*>(class JS::CallbackTracer*, class JSObject**, const char*)", "23", "DoCallback<T>")]
    [InlineData("JS::Heap<JSObject*>::operator JSObject* const &()", "23", "JS::Heap<T>::operator JSObject* const&")]
    [InlineData("JSObject::allocKindForTenure const", "23", "JSObject::allocKindForTenure")]
    [InlineData("mozilla::jni::GlobalRef<mozilla::jni::Object>::operator=(mozilla::jni::Ref<mozilla::jni::Object, _jobject*> const&)&", "23", "mozilla::jni::GlobalRef<T>::operator=")]
    [InlineData("mozilla::Maybe<unsigned long>::value() const &", "23", "mozilla::Maybe<T>::value")]
    [InlineData("`anonymous namespace'::foo", "23", "(anonymous namespace)::foo")]
    [InlineData("(anonymous namespace)::foo", "23", "(anonymous namespace)::foo")]
    [InlineData("mozilla::SpinEventLoopUntil(nsTSubstring<T> const&, (anonymous namespace)::ParentImpl::ShutdownBackgroundThread::<T>&&, nsIThread*)", "23", "mozilla::SpinEventLoopUntil")]
    [InlineData("ShutdownWorkThreads::$_52::__invoke", "23", "ShutdownWorkThreads::$::__invoke")]
    [InlineData("js::jit::CodePosition::operator<(js::jit::CodePosition) const", "23", "js::jit::CodePosition::operator<")]
    [InlineData("js::jit::CodePosition::operator<=>(js::jit::CodePosition const&) const", "23", "js::jit::CodePosition::operator<=>")]
    public void TestCSignatureTool_test_normalize_cpp_function(string function, string line, string expected)
    {
        Assert.Equal(expected, Normalizer.NormalizeCppFunction(function, PyValue.FromString(line)));
    }

    [Theory]
    [InlineData("expect_failed::h7f635057bfba806a", "23", "expect_failed")]
    [InlineData("expect_failed::h7f6350::blah", "23", "expect_failed::h7f6350::blah")]
    [InlineData("static void servo_arc::Arc<style::gecko_properties::ComputedValues>::drop_slow<style::gecko_properties::ComputedValues>()", "23", "servo_arc::Arc<T>::drop_slow<T>")]
    [InlineData("static void core::ptr::drop_in_place<style::stylist::CascadeData>(struct style::stylist::CascadeData*)", "23", "core::ptr::drop_in_place<T>")]
    [InlineData("<rayon_core::job::HeapJob<BODY> as rayon_core::job::Job>::execute", "23", "<rayon_core::job::HeapJob<BODY> as rayon_core::job::Job>::execute")]
    public void TestCSignatureTool_test_normalize_rust_function(string function, string line, string expected)
    {
        Assert.Equal(expected, Normalizer.NormalizeRustFunction(function, PyValue.FromString(line)));
    }

    [Fact]
    public void TestCSignatureTool_test_generate_1()
    {
        Assert.Equal("d | e | f | g", Walk(Walker(), Letters("abcdefghijklmnopqrstuvwxyz")));
        Assert.Equal("d | e | f | g", Walk(Walker(), Letters("abcdaeafagahijklmnopqrstuvwxyz")));
    }

    [Fact]
    public void TestCSignatureTool_test_generate_2a()
    {
        var frames = Letters("abcdefghijklmnopqrstuvwxyz");
        for (var i = 3; i <= 7; i++)
        {
            frames[i] = new string(frames[i][0], 70);
        }

        Assert.Equal(string.Join(" | ", "defg".Select(c => new string(c, 70))), Walk(Walker(), frames));
    }

    [Fact]
    public void TestCSignatureTool_test_generate_3()
    {
        var frames = Letters("abcdefghabcfaeabdijklmnopqrstuvwxyz");
        frames[7] = "sentinel";
        Assert.Equal("sentinel", Walk(Walker(), frames));
        Assert.Equal("f | e | d | i", Walk(Walker("sentinel"), frames));
    }

    [Fact]
    public void TestCSignatureTool_test_generate_4()
    {
        var frames = Letters("abcdefghabcfaeabdijklmnopqrstuvwxyz");
        frames[7] = "sentinel2";
        Assert.Equal("d | e | f | g", Walk(Walker(), frames));

        frames[22] = "ff";
        Assert.Equal("sentinel2", Walk(Walker(), frames));
        Assert.Equal("f | e | d | i", Walk(Walker("sentinel2"), frames));
    }

    [Fact]
    public void TestCSignatureTool_test_generate_with_merged_dll()
    {
        Assert.Equal("d | foo32.dll | g", Walk(Walker(), ["a", "d", "foo32.dll", "foo32.dll", "foo32.dll", "g"]));
        Assert.Equal("foo32.dll | g", Walk(Walker(), ["foo32.dll", "foo32.dll", "g"]));
    }

    [Fact]
    public void TestJavaSignatureTool_test_bad_stack()
    {
        var (signature, notes) = SignatureGenerationRule.JavaStackTraceSignature(PyValue.FromInt(17));
        Assert.Equal("EMPTY: Java stack trace not in expected format", signature);
        Assert.Equal(["JavaSignatureTool: stack trace not in expected format"], notes);
    }

    [Theory]
    // test_basic_stack_frame_with_line_number, test_basic_stack_frame
    [InlineData("SomeJavaException: totally made up  \nat org.mozilla.lars.myInvention(larsFile.java:666)", "SomeJavaException: totally made up at org.mozilla.lars.myInvention(larsFile.java)", "")]
    [InlineData("SomeJavaException: totally made up  \nat org.mozilla.lars.myInvention(larsFile.java)", "SomeJavaException: totally made up at org.mozilla.lars.myInvention(larsFile.java)", "")]
    // test_no_description
    [InlineData("   SomeJavaException\nat org.mozilla.lars.myInvention(larsFile.java:1234)", "SomeJavaException: at org.mozilla.lars.myInvention(larsFile.java)", "JavaSignatureTool: stack trace line 1 is not in the expected format")]
    // test_frame_with_line_ending_but_missing_second_line, test_frame_missing_second_line
    [InlineData("SomeJavaException: totally made up  \n", "SomeJavaException: totally made up", "JavaSignatureTool: stack trace line 2 is missing")]
    [InlineData("SomeJavaException: totally made up  ", "SomeJavaException: totally made up", "JavaSignatureTool: stack trace line 2 is missing")]
    // test_frame_with_leading_whitespace
    [InlineData("   SomeJavaException: totally made up  \nat org.mozilla.lars.myInvention(foolarsFile.java:1234)", "SomeJavaException: totally made up at org.mozilla.lars.myInvention(foolarsFile.java)", "")]
    // test_replace_address, test_replace_address_with_trailing_text, test_replace_address_trailing_whitespace (first two lines of each trace)
    [InlineData("java.lang.IllegalArgumentException: Given view not a child of android.widget.AbsoluteLayout@4054b560\n\tat android.view.ViewGroup.updateViewLayout(ViewGroup.java:1968)\n\tat org.mozilla.gecko.GeckoApp.repositionPluginViews(GeckoApp.java:1492)", "java.lang.IllegalArgumentException: Given view not a child of android.widget.AbsoluteLayout@<addr>: at android.view.ViewGroup.updateViewLayout(ViewGroup.java)", "")]
    [InlineData("android.view.WindowManager$BadTokenException: Unable to add window -- token android.os.BinderProxy@406237c0 is not valid; is your activity running?\n\tat android.view.ViewRoot.setView(ViewRoot.java:533)\n", "android.view.WindowManager$BadTokenException: Unable to add window -- token android.os.BinderProxy@<addr> is not valid; is your activity running? at android.view.ViewRoot.setView(ViewRoot.java)", "")]
    [InlineData("java.lang.IllegalArgumentException: Receiver not registered: org.mozilla.gecko.GeckoNetworkManager@405afea8\n\tat android.app.LoadedApk.forgetReceiverDispatcher(LoadedApk.java:610)\n", "java.lang.IllegalArgumentException: Receiver not registered: org.mozilla.gecko.GeckoNetworkManager@<addr>: at android.app.LoadedApk.forgetReceiverDispatcher(LoadedApk.java)", "")]
    public void TestJavaSignatureTool_stack_traces(string trace, string expected, string expectedNote)
    {
        var (signature, notes) = SignatureGenerationRule.JavaStackTraceSignature(PyValue.FromString(trace));
        Assert.Equal(expected, signature);
        Assert.Equal(expectedNote.Length == 0 ? [] : [expectedNote], notes);
    }

    [Theory]
    [InlineData("   SomeJavaException: {0} \nat org.mozilla.lars.myInvention(larsFile.java)")]   // test_long_exception_description
    [InlineData("   SomeJavaException: {0}  \nat org.mozilla.lars.myInvention(larsFile.java:1234)")] // ..._with_line_number
    public void TestJavaSignatureTool_test_long_exception_description(string format)
    {
        var trace = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, new string('t', 1000));
        var (signature, notes) = SignatureGenerationRule.JavaStackTraceSignature(PyValue.FromString(trace));
        Assert.Equal("SomeJavaException: at org.mozilla.lars.myInvention(larsFile.java)", signature);
        Assert.Equal(["JavaSignatureTool: dropped Java exception description due to length"], notes);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"abcde\"")]
    [InlineData("[]")]
    [InlineData("{}")]
    public void TestJavaExceptionSignatureTool_test_bad_data(string value)
    {
        var (signature, notes) = SignatureGenerationRule.JavaExceptionSignature(Json(value));
        Assert.Equal("EMPTY: Java exception not in expected format", signature);
        Assert.Equal(["JavaExceptionSignatureTool: value not in expected format"], notes);
    }

    [Theory]
    [InlineData("{}", "unknown")]
    [InlineData("{\"module\": \"org.mozilla.fenix.ext.AddonManagerKt\", \"function\": \"getFenixAddons\", \"filename\": \"AddonManager.kt\"}", "org.mozilla.fenix.ext.AddonManagerKt.getFenixAddons(AddonManager.kt)")]
    [InlineData("{\"module\": \"\", \"function\": \"getFenixAddons\", \"filename\": \"AddonManager.kt\"}", "getFenixAddons(AddonManager.kt)")]
    [InlineData("{\"module\": null, \"function\": \"getFenixAddons\", \"filename\": \"AddonManager.kt\"}", "getFenixAddons(AddonManager.kt)")]
    [InlineData("{\"function\": \"getFenixAddons\", \"filename\": \"AddonManager.kt\"}", "getFenixAddons(AddonManager.kt)")]
    [InlineData("{\"module\": \"org.mozilla.fenix.ext.AddonManagerKt\", \"function\": \"\", \"filename\": \"AddonManager.kt\"}", "org.mozilla.fenix.ext.AddonManagerKt(AddonManager.kt)")]
    [InlineData("{\"module\": \"org.mozilla.fenix.ext.AddonManagerKt\", \"function\": null, \"filename\": \"AddonManager.kt\"}", "org.mozilla.fenix.ext.AddonManagerKt(AddonManager.kt)")]
    [InlineData("{\"module\": \"org.mozilla.fenix.ext.AddonManagerKt\", \"filename\": \"AddonManager.kt\"}", "org.mozilla.fenix.ext.AddonManagerKt(AddonManager.kt)")]
    [InlineData("{\"module\": \"org.mozilla.fenix.ext.AddonManagerKt\", \"function\": \"getFenixAddons\", \"filename\": \"\"}", "org.mozilla.fenix.ext.AddonManagerKt.getFenixAddons")]
    [InlineData("{\"module\": \"org.mozilla.fenix.ext.AddonManagerKt\", \"function\": \"getFenixAddons\", \"filename\": null}", "org.mozilla.fenix.ext.AddonManagerKt.getFenixAddons")]
    [InlineData("{\"module\": \"org.mozilla.fenix.ext.AddonManagerKt\", \"function\": \"getFenixAddons\"}", "org.mozilla.fenix.ext.AddonManagerKt.getFenixAddons")]
    public void TestJavaExceptionSignatureTool_test_normalize_frame(string frame, string expected)
    {
        Assert.Equal(expected, SignatureGenerationRule.NormalizeJavaFrame(Json(frame)).ToString());
    }

    [Theory]
    [InlineData("{\"stacktrace\": {\"frames\": [{\"module\": \"org.mozilla.fenix.ext.AddonManagerKt\", \"function\": \"getFenixAddons\", \"filename\": \"AddonManager.kt\"}], \"type\": \"IOException\", \"module\": \"java.io\"}}", "java.io.IOException: at org.mozilla.fenix.ext.AddonManagerKt.getFenixAddons(AddonManager.kt)")]
    [InlineData("{\"stacktrace\": {\"frames\": [], \"type\": \"RemoteException\", \"module\": \"android.os\"}}", "android.os.RemoteException")]
    public void TestJavaExceptionSignatureTool_test_generate(string value, string expected)
    {
        var (signature, notes) = SignatureGenerationRule.JavaExceptionSignature(Json("{\"exception\": {\"values\": [" + value + "]}}"));
        Assert.Equal(expected, signature);
        Assert.Empty(notes);
    }

    [Fact]
    public void TestSignatureGenerationRule_test_java_stack_trace()
    {
        var trace = "   SomeJavaException: " + new string('t', 1000) + "  \nat org.mozilla.lars.myInvention(larsFile.java)";
        var rule = new SignatureGenerationRule(SignatureLists.Default);
        var state = Act(rule, "{\"java_stack_trace\": " + JsonString(trace) + "}");
        Assert.Equal("SomeJavaException: at org.mozilla.lars.myInvention(larsFile.java)", state.Signature);
        Assert.Null(state.ProtoSignature);
        Assert.Null(state.NormalizedFrames);
        Assert.Equal(["SignatureGenerationRule: JavaSignatureTool: dropped Java exception description due to length"], state.Notes);
    }

    private const string FramesFromJsonDump = """{"frames": [{"frame": 0, "function": "NtWaitForMultipleObjects", "function_offset": "0x15", "module": "ntdll.dll", "module_offset": "0x2015d", "offset": "0x77ad015d", "registers": {"eax": "0x00000040", "ebp": "0x0025e968", "ebx": "0x0025e91c", "ecx": "0x00000000", "edi": "0x00000000", "edx": "0x00000000", "efl": "0x00200246", "eip": "0x77ad015d", "esi": "0x00000004", "esp": "0x0025e8cc"}, "trust": "context"}, {"frame": 1, "function": "WaitForMultipleObjectsEx", "function_offset": "0xff", "module": "KERNELBASE.dll", "module_offset": "0x115f6", "offset": "0x775e15f6", "trust": "cfi"}, {"frame": 2, "function": "WaitForMultipleObjectsExImplementation", "function_offset": "0x8d", "module": "kernel32.dll", "module_offset": "0x119f7", "offset": "0x766119f7", "trust": "cfi"}, {"frame": 3, "function": "RealMsgWaitForMultipleObjectsEx", "function_offset": "0xe1", "module": "user32.dll", "module_offset": "0x20869", "offset": "0x77370869", "trust": "cfi"}, {"frame": 4, "function": "MsgWaitForMultipleObjects", "function_offset": "0x1e", "module": "user32.dll", "module_offset": "0x20b68", "offset": "0x77370b68", "trust": "cfi"}, {"file": "F117835525_____", "frame": 5, "function": "F_1152915508_____", "function_offset": "0xbb", "line": 118, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x36a13b", "offset": "0x5e3aa13b", "trust": "cfi"}, {"file": "F_851861807_____", "frame": 6, "function": "F2166389_____", "function_offset": "0xe5", "line": 552, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x35faf5", "offset": "0x5e39faf5", "trust": "cfi"}, {"file": "F_851861807_____", "frame": 7, "function": "F_917831355_____", "function_offset": "0x29b", "line": 488, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x360a7b", "offset": "0x5e3a0a7b", "trust": "cfi"}, {"file": "F_851861807_____", "frame": 8, "function": "F1315696776_____", "function_offset": "0xd", "line": 439, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x35e2fd", "offset": "0x5e39e2fd", "trust": "cfi"}, {"file": "F_766591945_____", "frame": 9, "function": "F_1428703866_____", "function_offset": "0xc1", "line": 203, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x35bf21", "offset": "0x5e39bf21", "trust": "cfi"}], "threads_index": 0, "frame_count": 32}""";

    private const string FramesFromJsonDumpWithTemplates = """{"frames": [{"frame": 0, "function": "NtWaitForMultipleObjects", "function_offset": "0x15", "module": "ntdll.dll", "module_offset": "0x2015d", "offset": "0x77ad015d", "registers": {"eax": "0x00000040", "ebp": "0x0025e968", "ebx": "0x0025e91c", "ecx": "0x00000000", "edi": "0x00000000", "edx": "0x00000000", "efl": "0x00200246", "eip": "0x77ad015d", "esi": "0x00000004", "esp": "0x0025e8cc"}, "trust": "context"}, {"frame": 1, "function": "Alpha<Bravo<Charlie>, Delta>::Echo<Foxtrot>", "function_offset": "0xff", "module": "KERNELBASE.dll", "module_offset": "0x115f6", "offset": "0x775e15f6", "trust": "cfi"}, {"frame": 2, "function": "WaitForMultipleObjectsExImplementation", "function_offset": "0x8d", "module": "kernel32.dll", "module_offset": "0x119f7", "offset": "0x766119f7", "trust": "cfi"}, {"frame": 3, "function": "RealMsgWaitForMultipleObjectsEx(void **fakeargs)", "function_offset": "0xe1", "module": "user32.dll", "module_offset": "0x20869", "offset": "0x77370869", "trust": "cfi"}, {"frame": 4, "function": "MsgWaitForMultipleObjects", "function_offset": "0x1e", "module": "user32.dll", "module_offset": "0x20b68", "offset": "0x77370b68", "trust": "cfi"}, {"file": "F117835525_____", "frame": 5, "function": "F_1152915508_____", "function_offset": "0xbb", "line": 118, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x36a13b", "offset": "0x5e3aa13b", "trust": "cfi"}, {"file": "F_851861807_____", "frame": 6, "function": "F2166389_____", "function_offset": "0xe5", "line": 552, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x35faf5", "offset": "0x5e39faf5", "trust": "cfi"}, {"file": "F_851861807_____", "frame": 7, "function": "F_917831355_____", "function_offset": "0x29b", "line": 488, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x360a7b", "offset": "0x5e3a0a7b", "trust": "cfi"}, {"file": "F_851861807_____", "frame": 8, "function": "F1315696776_____", "function_offset": "0xd", "line": 439, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x35e2fd", "offset": "0x5e39e2fd", "trust": "cfi"}, {"file": "F_766591945_____", "frame": 9, "function": "F_1428703866_____", "function_offset": "0xc1", "line": 203, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x35bf21", "offset": "0x5e39bf21", "trust": "cfi"}], "threads_index": 0}""";

    private const string FramesFromJsonDumpWithTemplatesAndSpecialCase = """{"frames": [{"frame": 0, "function": "NtWaitForMultipleObjects", "function_offset": "0x15", "module": "ntdll.dll", "module_offset": "0x2015d", "offset": "0x77ad015d", "registers": {"eax": "0x00000040", "ebp": "0x0025e968", "ebx": "0x0025e91c", "ecx": "0x00000000", "edi": "0x00000000", "edx": "0x00000000", "efl": "0x00200246", "eip": "0x77ad015d", "esi": "0x00000004", "esp": "0x0025e8cc"}, "trust": "context"}, {"frame": 1, "function": "<name omitted>", "function_offset": "0xff", "module": "KERNELBASE.dll", "module_offset": "0x115f6", "offset": "0x775e15f6", "trust": "cfi"}, {"frame": 2, "function": "IPC::ParamTraits<mozilla::net::NetAddr>::Write", "function_offset": "0x8d", "module": "kernel32.dll", "module_offset": "0x119f7", "offset": "0x766119f7", "trust": "cfi"}, {"frame": 3, "function": "RealMsgWaitForMultipleObjectsEx(void **fakeargs)", "function_offset": "0xe1", "module": "user32.dll", "module_offset": "0x20869", "offset": "0x77370869", "trust": "cfi"}, {"frame": 4, "function": "MsgWaitForMultipleObjects", "function_offset": "0x1e", "module": "user32.dll", "module_offset": "0x20b68", "offset": "0x77370b68", "trust": "cfi"}, {"file": "F117835525_____", "frame": 5, "function": "F_1152915508_____", "function_offset": "0xbb", "line": 118, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x36a13b", "offset": "0x5e3aa13b", "trust": "cfi"}, {"file": "F_851861807_____", "frame": 6, "function": "F2166389_____", "function_offset": "0xe5", "line": 552, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x35faf5", "offset": "0x5e39faf5", "trust": "cfi"}, {"file": "F_851861807_____", "frame": 7, "function": "F_917831355_____", "function_offset": "0x29b", "line": 488, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x360a7b", "offset": "0x5e3a0a7b", "trust": "cfi"}, {"file": "F_851861807_____", "frame": 8, "function": "F1315696776_____", "function_offset": "0xd", "line": 439, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x35e2fd", "offset": "0x5e39e2fd", "trust": "cfi"}, {"file": "F_766591945_____", "frame": 9, "function": "F_1428703866_____", "function_offset": "0xc1", "line": 203, "module": "NPSWF32_14_0_0_125.dll", "module_offset": "0x35bf21", "offset": "0x5e39bf21", "trust": "cfi"}], "threads_index": 0}""";

    [Theory]
    // test_c_stack_trace
    [InlineData(FramesFromJsonDump, false, "MsgWaitForMultipleObjects | F_1152915508_____", "NtWaitForMultipleObjects|WaitForMultipleObjectsEx|WaitForMultipleObjectsExImplementation|RealMsgWaitForMultipleObjectsEx|MsgWaitForMultipleObjects|F_1152915508_____|F2166389_____|F_917831355_____|F1315696776_____|F_1428703866_____")]
    // test_action_2_with_templates
    [InlineData(FramesFromJsonDumpWithTemplates, true, "Alpha<T>::Echo<T>", "NtWaitForMultipleObjects|Alpha<T>::Echo<T>|WaitForMultipleObjectsExImplementation|RealMsgWaitForMultipleObjectsEx|MsgWaitForMultipleObjects|F_1152915508_____|F2166389_____|F_917831355_____|F1315696776_____|F_1428703866_____")]
    // test_action_2_with_templates_and_special_case
    [InlineData(FramesFromJsonDumpWithTemplatesAndSpecialCase, true, "<name omitted> | IPC::ParamTraits<mozilla::net::NetAddr>::Write | MsgWaitForMultipleObjects | F_1152915508_____", "NtWaitForMultipleObjects|<name omitted>|IPC::ParamTraits<mozilla::net::NetAddr>::Write|RealMsgWaitForMultipleObjectsEx|MsgWaitForMultipleObjects|F_1152915508_____|F2166389_____|F_917831355_____|F1315696776_____|F_1428703866_____")]
    public void TestSignatureGenerationRule_c_stacks(string thread, bool withCrashingThread, string expected, string normalizedFrames)
    {
        var rule = new SignatureGenerationRule(SignatureLists.Default);
        var state = Act(rule, "{\"os\": \"Windows NT\", " + (withCrashingThread ? "\"crashing_thread\": 0, " : "") + "\"threads\": [" + thread + "]}");
        Assert.Equal(expected, state.Signature);
        Assert.Equal(normalizedFrames.Split('|'), state.NormalizedFrames!);
        Assert.Equal(string.Join(" | ", normalizedFrames.Split('|')), state.ProtoSignature);
        Assert.Empty(state.Notes);
    }

    [Fact]
    public void TestSignatureGenerationRule_test_action_3()
    {
        var state = Act(new SignatureGenerationRule(SignatureLists.Default), "{\"thread\": [[]]}");
        Assert.Equal("EMPTY: no frame data available", state.Signature);
        Assert.Null(state.ProtoSignature);
        Assert.Equal(["SignatureGenerationRule: CSignatureTool: no frame data for crashing thread (0)"], state.Notes);
    }

    [Theory]
    [InlineData("{}", "hello", false)]                                        // TestStackOverflowSignature.test_predicate_no_match
    [InlineData("{\"reason\": \"FOO\"}", "Text", false)]
    [InlineData("{\"reason\": \"EXCEPTION_STACK_OVERFLOW\"}", "Text", true)]
    public void TestStackOverflowSignature_predicate(string crashData, string signature, bool expected)
    {
        Assert.Equal(expected, Predicate(new StackOverflowSignatureRule(), crashData, signature));
    }

    [Fact]
    public void TestStackOverflowSignature_test_action_success()
    {
        Assert.Equal("stackoverflow | hello", Act(new StackOverflowSignatureRule(), "{\"reason\": \"EXCEPTION_STACK_OVERFLOW\"}", "hello").Signature);
    }

    [Theory]
    [InlineData("{}", "hello", false)]                                        // TestOOMSignature.test_predicate_no_match
    [InlineData("{\"oom_allocation_size\": 17}", "hello", true)]             // test_predicate
    [InlineData("{}", "this | is | a | NS_ABORT_OOM | signature", true)]     // test_predicate_signature_fragment_1
    [InlineData("{}", "mozalloc_handle_oom | this | is | bad", true)]        // test_predicate_signature_fragment_2
    [InlineData("{}", "CrashAtUnhandlableOOM", true)]                        // test_predicate_signature_fragment_3
    // test_predicate_error_commitment_limit
    [InlineData("{}", "Text", false)]
    [InlineData("{\"crashing_thread\": 5}", "Text", false)]
    [InlineData("{\"crashing_thread\": 5, \"threads\": []}", "Text", false)]
    [InlineData("{\"crashing_thread\": 0, \"threads\": [{\"last_error_value\": \"FOO\"}]}", "Text", false)]
    [InlineData("{\"crashing_thread\": 0, \"threads\": [{\"last_error_value\": \"ERROR_COMMITMENT_LIMIT\"}]}", "Text", true)]
    [InlineData("{\"crashing_thread\": 0, \"threads\": [{\"last_error_value\": \"ERROR_NOT_ENOUGH_MEMORY\"}]}", "Text", true)]
    // test_predicate_reason
    [InlineData("{\"reason\": \"FOO\"}", "Text", false)]
    [InlineData("{\"reason\": \"STATUS_NO_MEMORY\"}", "Text", true)]
    [InlineData("{\"reason\": \"STATUS_FATAL_MEMORY_EXHAUSTION\"}", "Text", true)]
    // test_predicate_js_large_allocation_failure
    [InlineData("{\"js_large_allocation_failure\": null}", "Text", false)]
    [InlineData("{\"js_large_allocation_failure\": \"Reporting\"}", "Text", true)]
    [InlineData("{\"js_large_allocation_failure\": \"Reported\"}", "Text", false)]
    public void TestOOMSignature_predicate(string crashData, string signature, bool expected)
    {
        Assert.Equal(expected, Predicate(new OomSignatureRule(), crashData, signature));
    }

    [Theory]
    [InlineData("{}", "OOM | unknown | hello")]                                        // test_action_success
    [InlineData("{\"oom_allocation_size\": 17}", "OOM | small")]                     // test_action_small
    [InlineData("{\"oom_allocation_size\": 17000000}", "OOM | large | hello")]       // test_action_large
    [InlineData("{\"js_large_allocation_failure\": \"Reporting\"}", "OOM | large | hello")] // test_action_js_large_allocation_failure
    public void TestOOMSignature_action(string crashData, string expected)
    {
        Assert.Equal(expected, Act(new OomSignatureRule(), crashData, "hello").Signature);
    }

    [Theory]
    [InlineData("{\"reason\": \"FOO\"}", false)]
    [InlineData("{\"reason\": \"EXCEPTION_IN_PAGE_ERROR_READ / STATUS_DEVICE_DATA_ERROR\"}", true)]
    [InlineData("{\"reason\": \"EXCEPTION_IN_PAGE_ERROR_EXEC / STATUS_DEVICE_DATA_ERROR\"}", true)]
    [InlineData("{\"reason\": \"EXCEPTION_IN_PAGE_ERROR_WRITE / STATUS_DEVICE_DATA_ERROR\"}", true)]
    public void TestBadHardware_test_predicate_reason(string crashData, bool expected)
    {
        Assert.Equal(expected, Predicate(new BadHardwareRule(), crashData, "Text"));
    }

    [Fact]
    public void TestBadHardware_test_action()
    {
        var state = Act(new BadHardwareRule(), "{\"reason\": \"EXCEPTION_IN_PAGE_ERROR_READ / STATUS_DEVICE_DATA_ERROR\"}", "hello");
        Assert.Equal("bad hardware | hello", state.Signature);
    }

    [Theory]
    [InlineData("{\"abort_message\": \"something\"}", true)] // TestAbortSignature.test_predicate
    [InlineData("{}", false)]                                    // test_predicate_no_match
    [InlineData("{\"abort_message\": \"\"}", false)]         // test_predicate_empty_message
    public void TestAbortSignature_predicate(string crashData, bool expected)
    {
        Assert.Equal(expected, Predicate(new AbortSignatureRule(), crashData, "hello"));
    }

    [Theory]
    [InlineData("unknown", "Abort | unknown | hello")]                                                           // test_action_success
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Abort | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... | hello")] // test_action_success_long_message
    [InlineData("\u018a unknown", "Abort | unknown | hello")]                                                  // test_action_non_ascii_abort_message
    // test_action_success_remove_unwanted_parts
    [InlineData("[5392] ###!!! ABORT: foo bar line 42", "Abort | foo bar line 42 | hello")]
    [InlineData("[7616] ###!!! ABORT: unsafe destruction: file c:/builds/moz2_slave/m-rel-w32-00000000000000000000/build/src/dom/plugins/ipc/PluginModuleParent.cpp, line 777", "Abort | unsafe destruction | hello")]
    [InlineData("[204] ###!!! ABORT: file ?, ", "Abort | hello")]
    [InlineData("[4648] ###!!! ABORT: file resource:///modules/sessionstore/SessionStore.jsm, line 1459", "Abort | hello")]
    [InlineData("unable to find a usable font (\u5fae\u8f6f\u96c5\u9ed1)", "Abort | unable to find a usable font | hello")]
    public void TestAbortSignature_action(string message, string expected)
    {
        Assert.Equal(expected, Act(new AbortSignatureRule(), "{\"abort_message\": " + JsonString(message) + "}", "hello").Signature);
    }

    [Theory]
    [InlineData("everything | fine", "everything | fine")]
    [InlineData("libxul.so\u0000 | frame2", "libxul.so | frame2")]
    [InlineData("libxul.so\ud83d\ude00 | frame2", "libxul.so | frame2")]
    public void TestSigPrintableCharsOnly_test_whitespace_fixing(string signature, string expected)
    {
        Assert.Equal(expected, Act(new SigPrintableCharsOnlyRule(), "{}", signature).Signature);
    }

    [Theory]
    [InlineData("all   good", "all good")]
    [InlineData("all   good     ", "all good")]
    [InlineData("    all   good  ", "all good")]
    [InlineData("all\tgood", "all good")]
    [InlineData("all\n\ngood", "all good")]
    [InlineData("all  |  good", "all | good")]
    public void TestSigFixWhitespace_test_whitespace_fixing(string signature, string expected)
    {
        Assert.Equal(expected, Act(new SigFixWhitespaceRule(), "{}", signature).Signature);
    }

    [Fact]
    public void TestSigTruncate()
    {
        Assert.False(Predicate(new SigTruncateRule(), "{}", new string('0', 100)));     // test_predicate_no_match
        Assert.True(Predicate(new SigTruncateRule(), "{}", new string('9', 256)));      // test_predicate
        var state = Act(new SigTruncateRule(), "{}", new string('9', 256));              // test_action_success
        Assert.Equal(255, state.Signature.Length);
        Assert.EndsWith("9...", state.Signature, StringComparison.Ordinal);
    }

    [Fact]
    public void TestStackwalkerErrorSignatureRule()
    {
        var rule = new StackwalkerErrorSignatureRule();
        Assert.False(Predicate(rule, "{}", new string('0', 100)));                     // test_predicate_no_match_signature
        Assert.False(Predicate(rule, "{}", "EMPTY: like my soul"));                    // test_predicate_no_match_missing_mdsw_status_string
        const string Failure = "{\"mdsw_status_string\": \"catastrophic stackwalker failure\"}";
        Assert.True(Predicate(rule, Failure, "EMPTY: like my soul"));                    // test_predicate
        Assert.Equal("EMPTY: like my soul; catastrophic stackwalker failure", Act(rule, Failure, "EMPTY: like my soul").Signature); // test_action_success
    }

    [Fact]
    public void TestSignatureWatchDogRule()
    {
        var rule = new SignatureRunWatchDogRule();
        Assert.False(Predicate(rule, "{}", "I'm not real"));                                       // test_predicate
        Assert.True(Predicate(rule, "{}", "mozilla::`anonymous namespace''::RunWatchdog(void*)"));
        Assert.True(Predicate(rule, "{}", "mozilla::(anonymous namespace)::RunWatchdog"));

        var state = Act(rule, "{\"os\": \"Windows NT\", \"crashing_thread\": 0, \"threads\": [" + FramesFromJsonDump + "]}", "foo::bar"); // test_action
        Assert.Equal("shutdownhang | MsgWaitForMultipleObjects | F_1152915508_____", state.Signature);
        Assert.Empty(state.Notes);
    }

    [Fact]
    public void TestSignatureIPCChannelError()
    {
        var rule = new SignatureIpcChannelErrorRule();
        Assert.False(Predicate(rule, "{}"));                                           // test_predicate_no_match
        Assert.False(Predicate(rule, "{\"ipc_channel_error\": \"\"}"));
        Assert.True(Predicate(rule, "{\"ipc_channel_error\": \"foo, bar\"}"));    // test_predicate

        var error = string.Concat(Enumerable.Repeat("ipc", 50));                        // test_regular_ipcchannelerror
        var content = Act(rule, "{\"ipc_channel_error\": \"" + error + "\"}", "foo::bar");
        Assert.Equal("IPCError-content | " + error[..100], content.Signature);
        Assert.Equal(["SignatureIPCChannelError: IPC Channel Error stomped on signature"], content.Notes);
        var browser = Act(rule, "{\"ipc_channel_error\": \"" + error + "\", \"additional_minidumps\": [\"upload_file_minidump_browser\"]}", "foo::bar");
        Assert.Equal("IPCError-browser | " + error[..100], browser.Signature);
        Assert.Equal(["SignatureIPCChannelError: IPC Channel Error stomped on signature"], browser.Notes);
    }

    [Fact]
    public void TestSignatureShutdownTimeout_predicate()
    {
        Assert.False(Predicate(new SignatureShutdownTimeoutRule(), "{}"));                                                   // test_predicate_no_match
        Assert.True(Predicate(new SignatureShutdownTimeoutRule(), "{\"async_shutdown_timeout\": \"{\\\"foo\\\": \\\"bar\\\"}\"}")); // test_predicate
    }

    [Theory]
    [InlineData("{{{{", "AsyncShutdownTimeout | UNKNOWN")]                                                              // test_action_missing_valueerror
    [InlineData("{\"no\": \"phase or condition\"}", "AsyncShutdownTimeout | (unknown) | (none)")]                // test_action_missing_keyerror
    [InlineData("{\"phase\": \"beginning\", \"conditions\": [{\"name\": \"A\"}, {\"name\": \"B\"}]}", "AsyncShutdownTimeout | beginning | A,B")] // test_action_success
    [InlineData("{\"phase\": \"beginning\", \"conditions\": [\"A\", \"B\", \"C\"]}", "AsyncShutdownTimeout | beginning | A,B,C")] // test_action_success_string_conditions
    [InlineData("{\"phase\": \"beginning\", \"conditions\": []}", "AsyncShutdownTimeout | beginning | (none)")]    // test_action_success_empty_conditions_key
    [InlineData("{}", "AsyncShutdownTimeout | (unknown) | (none)")]                                                        // test_action_unsupported_structure
    public void TestSignatureShutdownTimeout_action(string annotation, string expected)
    {
        var state = Act(new SignatureShutdownTimeoutRule(), "{\"async_shutdown_timeout\": " + JsonString(annotation) + "}", "foo");
        Assert.Equal(expected, state.Signature);
        Assert.Equal("SignatureShutdownTimeout: Signature replaced with a Shutdown Timeout signature, was: \"foo\"", state.Notes[^1]);
        if (expected.EndsWith("UNKNOWN", StringComparison.Ordinal))
        {
            Assert.StartsWith("SignatureShutdownTimeout: Error parsing AsyncShutdownTimeout: Expecting property name", state.Notes[0], StringComparison.Ordinal);
        }
        else
        {
            Assert.Single(state.Notes);
        }
    }

    [Fact]
    public void TestSignatureIPCMessageName()
    {
        var rule = new SignatureIpcMessageNameRule();
        Assert.False(Predicate(rule, "{}"));                                            // test_predicate_no_ipc_message_name
        Assert.False(Predicate(rule, "{\"ipc_message_name\": \"\"}"));              // test_predicate_empty_string
        Assert.True(Predicate(rule, "{\"ipc_message_name\": \"foo, bar\"}"));       // test_predicate
        Assert.Equal("fooo | IPC_Message_Name=foo, bar", Act(rule, "{\"ipc_message_name\": \"foo, bar\"}", "fooo").Signature); // test_action_success
    }

    [Fact]
    public void TestHungProcess()
    {
        var rule = new HungProcessRule();
        Assert.False(Predicate(rule, "{}"));                                            // test_predicate_no_match
        Assert.True(Predicate(rule, "{\"hang\": \"ui\"}"));                         // test_predicate_match
        Assert.Equal("hang: ui | fooo", Act(rule, "{\"hang\": \"ui\"}", "fooo").Signature); // test_action_success
    }
}

/// <summary>
/// Socorro's tests of its helpers (<c>socorro/signature/tests/test_utils.py</c> at 7e28d72b5ffb),
/// ported with their inputs and expected values; each test names its upstream test.
/// </summary>
public sealed class UpstreamUtilsTests
{
    [Theory]
    [InlineData("{}", 0)]
    [InlineData("{\"crashing_thread\": \"\"}", 0)]
    [InlineData("{\"crashing_thread\": \"5\"}", 5)]
    public void Test_get_crashing_thread(string crashData, int expected)
    {
        Assert.Equal(new BigInteger(expected), SignatureGenerationRule.GetCrashingThread(CrashData.Parse(crashData)));
    }

    [Theory]
    [InlineData("{\"oom_allocation_size\": null}", null)]
    [InlineData("{\"oom_allocation_size\": \"\"}", null)]
    [InlineData("{\"oom_allocation_size\": \"5\"}", 5)]
    public void Test_int_or_none(string processedCrash, int? expected)
    {
        // int_or_none is what convert_to_crash_data applies to oom_allocation_size.
        Assert.Equal(expected, CrashData.ParseProcessedCrash(System.Text.Encoding.UTF8.GetBytes(processedCrash)).OomAllocationSize);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("123", "123")]
    [InlineData("1\u00c6\u008a23", "123")]
    [InlineData("1\u018a23", "123")]
    [InlineData("\r\n\t1 23", "1 23")]
    [InlineData("\u0000\b1 23", "1 23")]
    public void Test_drop_bad_characters(string text, string expected)
    {
        Assert.Equal(expected, FrameText.DropBadCharacters(text));
    }

    [Theory]
    [InlineData("hg:hg.mozilla.org/releases/mozilla-release:js/src/vm/JSFunction.cpp:7d280b7e277b82ef282325fefb601c10698e075b", "js/src/vm/JSFunction.cpp")]
    [InlineData("git:github.com/rust-lang/rust:src/libcore/cmp.rs:4d90ac38c0b61bb69470b61ea2cccea0df48d9e5", "src/libcore/cmp.rs")]
    [InlineData("f:\\dd\\vctools\\crt\\crtw32\\mbstring\\mbsnbico.c", "\\dd\\vctools\\crt\\crtw32\\mbstring\\mbsnbico.c")]
    [InlineData("d:\\w7rtm\\com\\rpc\\ndrole\\udt.cxx", "\\w7rtm\\com\\rpc\\ndrole\\udt.cxx")]
    [InlineData("/build/firefox-Kq_6Wg/firefox-54.0+build3/memory/mozjemalloc/jemalloc.c", "/build/firefox-Kq_6Wg/firefox-54.0+build3/memory/mozjemalloc/jemalloc.c")]
    [InlineData(null, null)]
    public void Test_parse_source_file(string? sourceFile, string? expected)
    {
        Assert.Equal(expected, FrameText.ParseSourceFile(sourceFile));
    }

    [Theory]
    [InlineData("", "(", ")", "")]
    [InlineData("(anonymous namespace)::foo", "(", ")", "0-21")]
    [InlineData("operator()(s,t,u)", "(", ")", "8-10 10-17")]
    [InlineData("testVal", "(", ")", "")]
    [InlineData("f( *s)", "(", ")", "1-6")]
    [InlineData("Foo<bar", "<", ">", "3-7")]
    [InlineData("Foo<bar <baz> >", "<", ">", "3-15")]
    [InlineData("Foo<bar<baz>", "<", ">", "3-12")]
    [InlineData("mozilla::SpinEventLoopUntil(nsTSubstring<T> const&, (anonymous namespace)::ParentImpl::ShutdownBackgroundThread::<T>&&, nsIThread*)", "(", ")", "27-131")]
    [InlineData("<rayon_core::job::HeapJob<BODY> as rayon_core::job::Job>::execute", "<", ">", "0-56")]
    [InlineData("IPC::ParamTraits<nsTSubstring<char> >::Write(IPC::Message *,nsTSubstring<char> const &)", "<", ">", "16-37 72-78")]
    public void Test_find_enclosed_slices(string text, string opening, string closing, string expected)
    {
        var slices = FrameText.FindEnclosedSlices(text, opening[0], closing[0]);
        Assert.Equal(expected, string.Join(" ", slices.Select(slice => $"{slice.Start}-{slice.End}")));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("HeapFree", "HeapFree")]
    [InlineData("Foo<bar>", "Foo<T>")]
    [InlineData("<bar>Foo", "<T>Foo")]
    [InlineData("<bar>", "<T>")]
    [InlineData("Foo<bar", "Foo<T>")]
    [InlineData("Foo<bar <baz> >", "Foo<T>")]
    [InlineData("Foo<bar<baz>", "Foo<T>")]
    [InlineData("CLayeredObjectWithCLS<CCryptoSession>::Release()", "CLayeredObjectWithCLS<T>::Release()")]
    [InlineData("core::ptr::drop_in_place<style::stylist::CascadeData>", "core::ptr::drop_in_place<T>")]
    [InlineData("<rayon_core::job::HeapJob<BODY> as rayon_core::job::Job>::execute", "<rayon_core::job::HeapJob<BODY> as rayon_core::job::Job>::execute")]
    [InlineData("<name omitted>", "<name omitted>")]
    [InlineData("IPC::ParamTraits<nsTSubstring<char> >::Write(IPC::Message *,nsTSubstring<char> const &)", "IPC::ParamTraits<nsTSubstring<T> >::Write(IPC::Message *,nsTSubstring<T> const &)")]
    [InlineData("<unknown in ntdll.pdb>", "<unknown in ntdll.pdb>")]
    public void Test_collapse_types(string function, string expected)
    {
        Assert.Equal(expected, FrameText.CollapseTypes(function));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("testVal", "testVal")]
    [InlineData("f( *s)", "f")]
    [InlineData("f( &s)", "f")]
    [InlineData("f( *s , &n)", "f")]
    [InlineData("f3(s,t,u)", "f3")]
    [InlineData("(anonymous namespace)::foo", "(anonymous namespace)::foo")]
    [InlineData("CCGraphBuilder::BuildGraph(class js::SliceBudget& const)", "CCGraphBuilder::BuildGraph")]
    [InlineData("operator()(s,t,u)", "operator()")]
    [InlineData("mozilla::SpinEventLoopUntil(nsTSubstring<T> const&, (anonymous namespace)::ParentImpl::ShutdownBackgroundThread::<T>&&, nsIThread*)", "mozilla::SpinEventLoopUntil")]
    public void Test_collapse_arguments(string function, string expected)
    {
        Assert.Equal(expected, FrameText.CollapseArguments(function));
    }

    [Theory]
    [InlineData("`anonymous namespace'::xClose", "`anonymous namespace'::xClose")]
    [InlineData("bool CCGraphBuilder::BuildGraph(class js::SliceBudget & const)", "CCGraphBuilder::BuildGraph(class js::SliceBudget & const)")]
    [InlineData("int nsHtml5Tokenizer::stateLoop<nsHtml5SilentPolicy>(int, char16_t, int, char16_t*, bool, int, int)", "nsHtml5Tokenizer::stateLoop<nsHtml5SilentPolicy>(int, char16_t, int, char16_t*, bool, int, int)")]
    [InlineData("js::ObjectGroup* DoCallback<js::ObjectGroup*>(JS::CallbackTracer*, js::ObjectGroup**, char const*)", "DoCallback<js::ObjectGroup*>(JS::CallbackTracer*, js::ObjectGroup**, char const*)")]
    [InlineData("js::Shape* js::Allocate<js::Shape, (js::AllowGC)1>(JSContext*)", "js::Allocate<js::Shape, (js::AllowGC)1>(JSContext*)")]
    [InlineData("long sandbox::TargetNtCreateFile( *, void * *, unsigned long, struct _OBJECT_ATTRIBUTES *, struct _IO_STATUS_BLOCK *, union _LARGE_INTEGER *, unsigned long, unsigned long, unsigned long, unsigned long, void *, unsigned long)", "sandbox::TargetNtCreateFile( *, void * *, unsigned long, struct _OBJECT_ATTRIBUTES *, struct _IO_STATUS_BLOCK *, union _LARGE_INTEGER *, unsigned long, unsigned long, unsigned long, unsigned long, void *, unsigned long)")]
    [InlineData("static `anonymous-namespace'::reflectStatus `anonymous namespace'::internal_ReflectHistogramAndSamples(struct JSContext *, class JS::Handle<JSObject *>, class base::Histogram *, const class base::Histogram::SampleSet & const)", "`anonymous namespace'::internal_ReflectHistogramAndSamples(struct JSContext *, class JS::Handle<JSObject *>, class base::Histogram *, const class base::Histogram::SampleSet & const)")]
    [InlineData("static bool `anonymous namespace'::TypeAnalyzer::specializePhis()", "`anonymous namespace'::TypeAnalyzer::specializePhis()")]
    [InlineData("static char * dtoa(struct DtoaState *, union U, int, int, int *, int *, char * *)", "dtoa(struct DtoaState *, union U, int, int, int *, int *, char * *)")]
    [InlineData("static class js::HashSet<js::Shape *,js::ShapeHasher,js::SystemAllocPolicy> * HashChildren(class js::Shape *, class js::Shape *)", "HashChildren(class js::Shape *, class js::Shape *)")]
    [InlineData("static class mozilla::dom::Element * GetPropagatedScrollbarStylesForViewport(class nsPresContext *, struct mozilla::ScrollbarStyles *)", "GetPropagatedScrollbarStylesForViewport(class nsPresContext *, struct mozilla::ScrollbarStyles *)")]
    [InlineData("static const class SkTMaskGamma<3,3,3> & const cached_mask_gamma(float, float, float)", "cached_mask_gamma(float, float, float)")]
    [InlineData("static short ssl_Poll(struct PRFileDesc *, short, short *)", "ssl_Poll(struct PRFileDesc *, short, short *)")]
    [InlineData("static struct already_AddRefed<nsIAsyncShutdownClient> `anonymous namespace'::GetShutdownPhase()", "`anonymous namespace'::GetShutdownPhase()")]
    [InlineData("static struct Index * sqlite3FindIndex(struct sqlite3 *, const char *, const char *)", "sqlite3FindIndex(struct sqlite3 *, const char *, const char *)")]
    [InlineData("static unsigned int pr_root(void *)", "pr_root(void *)")]
    [InlineData("static void * Allocator<MozJemallocBase>::malloc(unsigned __int64)", "Allocator<MozJemallocBase>::malloc(unsigned __int64)")]
    [InlineData("static void * * NewUNumberFormat(struct JSContext *, class JS::Handle<js::NumberFormatObject *>)", "NewUNumberFormat(struct JSContext *, class JS::Handle<js::NumberFormatObject *>)")]
    [InlineData("void mozilla::layers::MLGDeviceD3D11::~MLGDeviceD3D11()", "mozilla::layers::MLGDeviceD3D11::~MLGDeviceD3D11()")]
    [InlineData("void * arena_t::MallocSmall(unsigned int, bool)", "arena_t::MallocSmall(unsigned int, bool)")]
    [InlineData("bool prefs_parser::prefs_parser_parse(char *, prefs_parser::PrefValueKind, char *, unsigned __int64,  *,  *)", "prefs_parser::prefs_parser_parse(char *, prefs_parser::PrefValueKind, char *, unsigned __int64,  *,  *)")]
    [InlineData("float geckoservo::glue::Servo_AnimationValue_GetOpacity(struct style::gecko_bindings::structs::root::RawServoAnimationValue *)", "geckoservo::glue::Servo_AnimationValue_GetOpacity(struct style::gecko_bindings::structs::root::RawServoAnimationValue *)")]
    [InlineData("static <NoType> std::panicking::begin_panic<str*>(struct str*, struct (str*, u32, u32) *)", "std::panicking::begin_panic<str*>(struct str*, struct (str*, u32, u32) *)")]
    [InlineData("static core::result::Result style::properties::PropertyDeclaration::to_css(struct nsstring::nsAString *)", "style::properties::PropertyDeclaration::to_css(struct nsstring::nsAString *)")]
    [InlineData("static struct atomic_refcell::AtomicRefMut<style::data::ElementData> style::gecko::wrapper::{{impl}}::ensure_data(struct style::gecko::wrapper::GeckoElement *)", "style::gecko::wrapper::{{impl}}::ensure_data(struct style::gecko::wrapper::GeckoElement *)")]
    [InlineData("static union core::option::Option<usize> encoding_rs::Encoder::max_buffer_length_from_utf16_without_replacement(unsigned __int64)", "encoding_rs::Encoder::max_buffer_length_from_utf16_without_replacement(unsigned __int64)")]
    [InlineData("static unsigned __int64 style::gecko::pseudo_element::PseudoElement::index()", "style::gecko::pseudo_element::PseudoElement::index()")]
    [InlineData("static void alloc::boxed::{{impl}}::call_box<(),closure>(struct closure *, <NoType>)", "alloc::boxed::{{impl}}::call_box<(),closure>(struct closure *, <NoType>)")]
    [InlineData("static void core::option::expect_failed()", "core::option::expect_failed()")]
    [InlineData("struct style::gecko_bindings::sugar::ownership::Strong<style::gecko_bindings::structs::root::RawServoStyleSheetContents> geckoservo::glue::Servo_StyleSheet_Empty(style::gecko_bindings::structs::root::mozilla::css::SheetParsingMode)", "geckoservo::glue::Servo_StyleSheet_Empty(style::gecko_bindings::structs::root::mozilla::css::SheetParsingMode)")]
    [InlineData("unsigned int encoding_glue::mozilla_encoding_encode_from_utf16(struct encoding_rs::Encoding * *, unsigned short *, unsigned int, struct nsstring::nsACString *)", "encoding_glue::mozilla_encoding_encode_from_utf16(struct encoding_rs::Encoding * *, unsigned short *, unsigned int, struct nsstring::nsACString *)")]
    [InlineData("void geckoservo::glue::Servo_MaybeGCRuleTree(struct style::gecko_bindings::bindings::RawServoStyleSet *)", "geckoservo::glue::Servo_MaybeGCRuleTree(struct style::gecko_bindings::bindings::RawServoStyleSet *)")]
    [InlineData("[thunk]:CShellItem::QueryInterface`adjustor{12}' (_GUID const&, void**)", "[thunk]:CShellItem::QueryInterface`adjustor{12}' (_GUID const&, void**)")]
    [InlineData("nsXPConnect::InitStatics() [clone .cold.638]", "nsXPConnect::InitStatics() [clone .cold.638]")]
    [InlineData("js::AssertObjectIsSavedFrameOrWrapper(JSContext*, JS::Handle<JSObject*>) [clone .isra.234] [clone .cold.687]", "js::AssertObjectIsSavedFrameOrWrapper(JSContext*, JS::Handle<JSObject*>) [clone .isra.234] [clone .cold.687]")]
    [InlineData("(anonymous namespace)::EnqueueTask(already_AddRefed<nsIRunnable>, int)", "(anonymous namespace)::EnqueueTask(already_AddRefed<nsIRunnable>, int)")]
    public void Test_drop_prefix_and_return_type(string function, string expected)
    {
        Assert.Equal(expected, FrameText.DropPrefixAndReturnType(function));
    }

    [Theory]
    // The string cases of test_strip_leading_zeros; (None, None) and (16, 16) are the non-string
    // cases, which normalize_frame shows as "@" + str(offset) (see the edge-case tests).
    [InlineData("0x32ec0", "0x32ec0")]
    [InlineData("0x0000000000032ec0", "0x32ec0")]
    [InlineData("40", "0x40")]
    public void Test_strip_leading_zeros(string text, string expected)
    {
        Assert.Equal(expected, PyText.HexOfInt16(text) ?? text);
    }
}

