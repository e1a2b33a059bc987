using System.Text;
using System.Text.Json;

namespace Obs.Siggen.Tests;

public sealed class GeneratorTests
{
    private sealed class AppendRule(string text) : ISignatureRule
    {
        public string Name => "AppendRule";

        public bool Predicate(CrashData data, SignatureState state) => data.Reason == "append";

        public void Action(CrashData data, SignatureState state)
        {
            state.SetSignature(state.Signature + text);
            state.AddNote("appended");
            state.AddDebug("debug line");
        }
    }

    private sealed class ThrowingRule : ISignatureRule
    {
        public string Name => "ThrowingRule";

        public bool Predicate(CrashData data, SignatureState state) => throw new InvalidOperationException("broken predicate");

        public void Action(CrashData data, SignatureState state) { }
    }

    [Fact]
    public void Default_pipeline_is_socorros_in_order()
    {
        Assert.Equal(
            [
                "SignatureGenerationRule", "StackwalkerErrorSignatureRule", "BadHardware", "OOMSignature", "AbortSignature",
                "SignatureShutdownTimeout", "SignatureRunWatchDog", "SignatureIPCChannelError", "SignatureIPCMessageName",
                "StackOverflowSignature", "HungProcess", "SigPrintableCharsOnly", "SigFixWhitespace", "SigTruncate",
            ],
            new SignatureGenerator().Rules.Select(rule => rule.Name));
    }

    [Fact]
    public void Custom_rules_run_in_order_and_a_failing_rule_becomes_a_note()
    {
        var rules = SignatureGenerator.CreateDefaultRules(SignatureLists.Default).Take(1).Append(new ThrowingRule()).Append(new AppendRule("!"));
        var generator = new SignatureGenerator(rules);

        var result = generator.Generate(new CrashData { Reason = "append", Threads = [new CrashThread { Frames = [new CrashFrame { Function = "f()" }] }] }, includeDebugLog: true);

        Assert.Equal("f!", result.Signature);
        Assert.Equal(["ThrowingRule: Rule failed: broken predicate", "AppendRule: appended"], result.Notes);
        Assert.Contains("AppendRule: debug line", result.DebugLog);
        Assert.Contains("AppendRule: change signature: \"f\" -> \"f!\"", result.DebugLog);
    }

    [Fact]
    public void Generator_is_thread_safe_and_reusable()
    {
        var generator = new SignatureGenerator();
        var cases = Corpus.Cases.Take(600).ToArray();
        var sequential = cases.Select(c => generator.GenerateFromJson(c.InputUtf8).Signature).ToArray();
        var parallel = new string[cases.Length];

        Parallel.For(0, cases.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            parallel[i] = generator.GenerateFromJson(cases[i].InputUtf8).Signature);

        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void Typed_model_and_json_give_the_same_result()
    {
        var typed = new CrashData
        {
            Os = "Windows NT",
            Reason = "EXCEPTION_STACK_OVERFLOW",
            CrashingThread = 1,
            Hang = "ui",
            AbortMessage = "###!!! ABORT: oops: file x.cpp, line 2",
            IpcMessageName = "PContent::Msg_X",
            Threads =
            [
                new CrashThread { Frames = [new CrashFrame { Function = "wrong" }] },
                new CrashThread
                {
                    LastErrorValue = "ERROR_NOT_ENOUGH_MEMORY",
                    Frames =
                    [
                        new CrashFrame { Offset = "0x0000ff", Module = "NTDLL.DLL", UnloadedModules = [new CrashUnloadedModule { Module = "x.dll" }] },
                        new CrashFrame { Module = "XUL", Inlines = [new CrashInlineFrame { Function = "inl()", File = "a.cpp", Line = 3 }] },
                        new CrashFrame { File = "hg:h:dir/file.cpp:rev", Line = 12 },
                    ],
                },
            ],
        };
        const string json = """
            {"os": "Windows NT", "reason": "EXCEPTION_STACK_OVERFLOW", "crashing_thread": 1, "hang": "ui",
             "abort_message": "###!!! ABORT: oops: file x.cpp, line 2", "ipc_message_name": "PContent::Msg_X",
             "threads": [{"frames": [{"function": "wrong"}]},
                         {"last_error_value": "ERROR_NOT_ENOUGH_MEMORY", "frames": [
                            {"offset": "0x0000ff", "module": "NTDLL.DLL", "unloaded_modules": [{"module": "x.dll"}]},
                            {"module": "XUL", "inlines": [{"function": "inl()", "file": "a.cpp", "line": 3}]},
                            {"file": "hg:h:dir/file.cpp:rev", "line": 12}]}]}
            """;

        var fromTyped = Corpus.ToJson(Siggen.Default.Generate(typed));
        var fromJson = Corpus.ToJson(Siggen.Run(json));

        Assert.Equal("hang: ui | stackoverflow | Abort | oops | OOM | unknown | ntdll.dll | inl | IPC_Message_Name=PContent::Msg_X", fromJson.GetProperty("signature").GetString());
        Assert.Equal("ntdll.dll | inl | xul | file.cpp:rev#12", fromJson.GetProperty("extra").GetProperty("proto_signature").GetString());
        Assert.Empty(Corpus.Compare(fromJson, fromTyped));
    }

    [Fact]
    public void Json_parsing_keeps_values_and_types_visible_through_the_typed_view()
    {
        var data = CrashData.Parse("""
            {"hang": 0, "oom_allocation_size": "4096", "crashing_thread": null, "additional_minidumps": "a,b",
             "java_exception": {"k": [1, 2.5, null]}, "unknown_field": {"deep": [1]},
             "threads": [{"frames": [{"function": "f", "line": "12", "module_offset": "0x1"}, 5]}]}
            """);

        Assert.Equal("0", data.Hang);
        Assert.Equal(4096, data.OomAllocationSize);
        Assert.Null(data.CrashingThread);
        Assert.Equal(["a", "b"], data.AdditionalMinidumps!);
        Assert.Equal("""{"k":[1,2.5,null]}""", JsonSerializer.Serialize(data.JavaException));
        Assert.Equal("f", data.Threads![0].Frames![0].Function);
        Assert.Null(data.Threads[0].Frames![0].Line); // "12" is a string, not a number
        Assert.Equal(2, data.Threads[0].Frames!.Count);
    }

    [Fact]
    public void Threads_decoded_lazily_read_the_same_as_threads_decoded_at_once()
    {
        // "crashing_thread" after "threads": the index is unknown while the threads are read,
        // so threads 4 and 5 are kept as JSON text and decoded on first use.
        var threads = string.Join(",", Enumerable.Range(0, 6).Select(i => $$"""{"last_error_value": "E{{i}}", "frames": [{"function": "f{{i}}()"}, {"module": "m{{i}}"}]}"""));
        var late = CrashData.Parse("{\"threads\": [" + threads + "], \"crashing_thread\": 5}");
        var early = CrashData.Parse("{\"crashing_thread\": 5, \"threads\": [" + threads + "]}");

        Assert.Equal("f5", Siggen.Default.Generate(late).Signature);
        Assert.Equal("f5", Siggen.Default.Generate(early).Signature);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal($"E{i}", late.Threads![i].LastErrorValue);
            Assert.Equal($"m{i}", late.Threads[i].Frames![1].Module);
            Assert.Equal($"f{i}()", early.Threads![i].Frames![0].Function);
        }

        var concurrent = CrashData.Parse("{\"threads\": [" + threads + "], \"crashing_thread\": 4}");
        var signatures = new string[8];
        Parallel.For(0, signatures.Length, i => signatures[i] = Siggen.Default.Generate(concurrent).Signature);
        Assert.All(signatures, signature => Assert.Equal("f4", signature));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("5")]
    [InlineData("{")]
    [InlineData("{} {}")]
    [InlineData("")]
    public void Input_that_is_not_one_json_object_is_rejected(string json)
    {
        Assert.ThrowsAny<JsonException>(() => CrashData.Parse(json));
    }

    [Fact]
    public void Lone_surrogates_in_json_strings_survive_to_the_output()
    {
        var result = Siggen.Run("""{"threads": [{"frames": [{"function": "a\ud800b"}]}]}""");

        Assert.Equal("ab", result.Signature);
        Assert.Equal(["a\ud800b"], result.NormalizedFrames!);
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            result.WriteTo(writer);
        }

        Assert.Contains("a\\ud800b", Encoding.UTF8.GetString(buffer.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void Result_json_has_signature_notes_extra_and_optionally_debug_log()
    {
        var result = Siggen.Run(Siggen.Frames(Siggen.Fn("f()")), debug: true);
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            result.WriteTo(writer, includeDebugLog: true);
        }

        var json = JsonDocument.Parse(buffer.ToArray()).RootElement;
        Assert.Equal(["signature", "notes", "extra", "debug_log"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["normalized_frames", "proto_signature"], json.GetProperty("extra").EnumerateObject().Select(p => p.Name));
        Assert.Equal("f", result.ToString());
    }

    [Fact]
    public void Function_names_longer_than_a_write_segment_are_written_whole()
    {
        // A surrogate pair across the first 64 Ki-character segment boundary, and characters to escape.
        var name = new string('a', (64 * 1024) - 1) + "\U0001F600" + new string('"', 70_000) + "<\u00e9>" + new string('b', 100_000);
        var frame = new CrashFrame { Function = name };
        var result = new SignatureGenerator().Generate(new CrashData { CrashingThread = 0, Threads = [new CrashThread { Frames = [frame] }] });
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            result.WriteTo(writer);
        }

        var json = JsonDocument.Parse(buffer.ToArray()).RootElement;
        Assert.Equal(result.NormalizedFrames![0], json.GetProperty("extra").GetProperty("normalized_frames")[0].GetString());
        Assert.Equal(result.ProtoSignature, json.GetProperty("extra").GetProperty("proto_signature").GetString());
        Assert.Contains("\U0001F600", result.ProtoSignature!, StringComparison.Ordinal);
    }
}
