namespace Obs.Siggen.Tests;

/// <summary>The rules after signature generation, each through the full default pipeline.</summary>
public sealed class RuleTests
{
    // A stack whose signature is "nsFoo::Bar".
    private const string Stack = """ "crashing_thread": 0, "threads": [{"frames": [{"function": "nsFoo::Bar(int)"}]}] """;

    private static SignatureResult With(string fields) => Siggen.Run("{" + Stack + (fields.Length > 0 ? "," + fields : string.Empty) + "}");

    private static SignatureResult Alone(string fields) => Siggen.Run("{" + fields + "}");

    [Fact]
    public void Stackwalker_error_is_appended_to_empty_signatures_only()
    {
        Assert.Equal("EMPTY: no frame data available; ERROR_NO_THREAD_LIST", Alone("\"mdsw_status_string\": \"ERROR_NO_THREAD_LIST\"").Signature);
        Assert.Equal("nsFoo::Bar", With("\"mdsw_status_string\": \"ERROR_NO_THREAD_LIST\"").Signature);
        Assert.Equal("EMPTY: no frame data available", Alone("\"mdsw_status_string\": \"\"").Signature);
        Assert.Equal("EMPTY: no frame data available; 5", Alone("\"mdsw_status_string\": 5").Signature);
    }

    [Theory]
    [InlineData("\"reason\": \"EXCEPTION_IN_PAGE_ERROR_READ / STATUS_DEVICE_DATA_ERROR\"", "bad hardware | nsFoo::Bar")]
    [InlineData("\"reason\": \"STATUS_DEVICE_DATA_ERROR\"", "bad hardware | nsFoo::Bar")]
    [InlineData("\"reason\": \"EXCEPTION_ACCESS_VIOLATION_READ\"", "nsFoo::Bar")]
    [InlineData("\"reason\": [\"STATUS_DEVICE_DATA_ERROR\"]", "bad hardware | nsFoo::Bar")] // `in` on a list
    [InlineData("", "nsFoo::Bar")]
    public void Bad_hardware(string fields, string expected)
    {
        Assert.Equal(expected, With(fields).Signature);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("0")]
    [InlineData("\"\"")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("false")]
    public void Bad_hardware_skips_a_falsy_reason_without_a_note(string reason)
    {
        // BadHardware.predicate: `if not reason: return False` comes before the `in` test.
        var result = With("\"reason\": " + reason);
        Assert.Equal("nsFoo::Bar", result.Signature);
        Assert.Empty(result.Notes);
    }

    [Theory]
    [InlineData("\"oom_allocation_size\": 262144", "OOM | small")]
    [InlineData("\"oom_allocation_size\": 262145", "OOM | large | nsFoo::Bar")]
    [InlineData("\"oom_allocation_size\": \"4096\"", "OOM | small")]
    [InlineData("\"oom_allocation_size\": \" 1_000_000 \"", "OOM | large | nsFoo::Bar")]
    [InlineData("\"oom_allocation_size\": \"0\"", "OOM | small")]          // "0" is truthy
    [InlineData("\"oom_allocation_size\": 0", "nsFoo::Bar")]              // 0 is not
    [InlineData("\"oom_allocation_size\": 1e300", "OOM | large | nsFoo::Bar")]
    [InlineData("\"oom_allocation_size\": true", "OOM | small")]
    [InlineData("\"oom_allocation_size\": [1]", "OOM | unknown | nsFoo::Bar")] // int([1]) is a TypeError
    [InlineData("\"js_large_allocation_failure\": \"Reporting\"", "OOM | large | nsFoo::Bar")]
    [InlineData("\"js_large_allocation_failure\": \"Reporting\", \"oom_allocation_size\": 5", "OOM | large | nsFoo::Bar")]
    [InlineData("\"reason\": \"STATUS_NO_MEMORY\"", "OOM | unknown | nsFoo::Bar")]
    [InlineData("\"reason\": \"STATUS_FATAL_MEMORY_EXHAUSTION\"", "OOM | unknown | nsFoo::Bar")]
    [InlineData("\"reason\": \"STATUS_NO_MEMORY_NOT\"", "nsFoo::Bar")]
    [InlineData("\"js_large_allocation_failure\": \"Recovered\"", "nsFoo::Bar")]
    public void Oom(string fields, string expected)
    {
        Assert.Equal(expected, With(fields).Signature);
    }

    [Theory]
    [InlineData("ERROR_NOT_ENOUGH_MEMORY", "OOM | unknown | nsFoo::Bar")]
    [InlineData("ERROR_COMMITMENT_LIMIT", "OOM | unknown | nsFoo::Bar")]
    [InlineData("ERROR_SUCCESS", "nsFoo::Bar")]
    public void Oom_from_the_crashing_threads_last_error(string lastError, string expected)
    {
        var result = Siggen.Run($$"""{"crashing_thread": 1, "threads": [{"frames": []}, {"last_error_value": "{{lastError}}", "frames": [{"function": "nsFoo::Bar(int)"}]}]}""");
        Assert.Equal(expected, result.Signature);
    }

    [Theory]
    [InlineData("NS_ABORT_OOM")]
    [InlineData("mozalloc_handle_oom")]
    [InlineData("CrashAtUnhandlableOOM")]
    [InlineData("AutoEnterOOMUnsafeRegion::crash")]
    [InlineData("alloc::oom::oom")]
    public void Oom_from_signature_patterns(string function)
    {
        var result = Siggen.Run(Siggen.Frames(Siggen.Fn(function)));
        Assert.StartsWith("OOM | unknown | ", result.Signature, StringComparison.Ordinal);
    }

    [Fact]
    public void Oom_never_fires_on_an_empty_signature_without_a_size()
    {
        var result = Siggen.Run("""{"reason": "STATUS_NO_MEMORY", "threads": [{"frames": [{"function": "  "}]}]}""");
        Assert.Equal(string.Empty, result.Signature);
    }

    [Fact]
    public void Oom_with_a_non_numeric_size_fails_and_keeps_the_signature()
    {
        var result = With("\"oom_allocation_size\": \"abc\"");
        Assert.Equal("nsFoo::Bar", result.Signature);
        Assert.Equal(["OOMSignature: Rule failed: invalid literal for int() with base 10: 'abc'"], result.Notes);
    }

    [Theory]
    [InlineData("[7616] ###!!! ABORT: unsafe destruction: file c:/builds/PluginModuleParent.cpp, line 777", "Abort | unsafe destruction | nsFoo::Bar")]
    [InlineData("[204] ###!!! ABORT: file ?, ", "Abort | nsFoo::Bar")]
    [InlineData("unable to find a usable font (\u5fae\u8f6f\u96c5\u9ed1)", "Abort | unable to find a usable font | nsFoo::Bar")]
    [InlineData("unable to find a usable font (a) and (b) end", "Abort | unable to find a usable font end | nsFoo::Bar")] // SigFixWhitespace collapses the double space
    [InlineData("IPC message discarded\n\tat line two", "Abort | IPC message discardedat line two | nsFoo::Bar")]
    [InlineData("  \u00e9\u00e8 non-ascii abort  ", "Abort | non-ascii abort | nsFoo::Bar")]
    [InlineData("MOZ_RELEASE_ASSERT(aIndex < Length()) (invalid index)", "Abort | MOZ_RELEASE_ASSERT(aIndex < Length()) (invalid index) | nsFoo::Bar")]
    public void Abort_messages(string message, string expected)
    {
        Assert.Equal(expected, With("\"abort_message\": " + System.Text.Json.JsonSerializer.Serialize(message)).Signature);
    }

    [Fact]
    public void Abort_messages_longer_than_80_characters_are_cut_to_77_plus_ellipsis()
    {
        var signature = With("\"abort_message\": \"" + new string('x', 81) + "\"").Signature;
        Assert.Equal("Abort | " + new string('x', 77) + "... | nsFoo::Bar", signature);
        Assert.Equal("Abort | " + new string('x', 80) + " | nsFoo::Bar", With("\"abort_message\": \"" + new string('x', 80) + "\"").Signature);
        Assert.Equal("nsFoo::Bar", With("\"abort_message\": \"\"").Signature);
    }

    [Theory]
    [InlineData("""{"phase": "profile-before-change", "conditions": [{"name": "Places"}, {"name": "Bookmarks"}]}""", "AsyncShutdownTimeout | profile-before-change | Bookmarks,Places")]
    [InlineData("""{"phase": "xpcom-will-shutdown", "conditions": ["b", "a", 2.5, null, true]}""", "AsyncShutdownTimeout | xpcom-will-shutdown | 2.5,None,True,a,b")]
    [InlineData("""{"phase": "quit-application"}""", "AsyncShutdownTimeout | quit-application | (none)")]
    [InlineData("""{"conditions": []}""", "AsyncShutdownTimeout | (unknown) | (none)")]
    [InlineData("""{"phase": "p", "conditions": "ba"}""", "AsyncShutdownTimeout | p | a,b")]
    [InlineData("""{"phase": "p", "conditions": [{"name": 1}, [1, "x"]]}""", "AsyncShutdownTimeout | p | 1,[1, 'x']")]
    public void Shutdown_timeout_replaces_the_signature(string annotation, string expected)
    {
        var result = With("\"async_shutdown_timeout\": " + System.Text.Json.JsonSerializer.Serialize(annotation));
        Assert.Equal(expected, result.Signature);
        Assert.Equal(["SignatureShutdownTimeout: Signature replaced with a Shutdown Timeout signature, was: \"nsFoo::Bar\""], result.Notes);
    }

    [Theory]
    [InlineData("{not json", "AsyncShutdownTimeout | UNKNOWN")]
    [InlineData("""{"phase": "p", "conditions": [{"nom": "x"}]}""", "AsyncShutdownTimeout | p | UNKNOWN")]
    public void Shutdown_timeout_parse_errors_give_unknown_and_a_note(string annotation, string expected)
    {
        var result = With("\"async_shutdown_timeout\": " + System.Text.Json.JsonSerializer.Serialize(annotation));
        Assert.Equal(expected, result.Signature);
        Assert.Equal(2, result.Notes.Count);
        Assert.StartsWith("SignatureShutdownTimeout: Error parsing AsyncShutdownTimeout: ", result.Notes[0], StringComparison.Ordinal);
        Assert.Equal("SignatureShutdownTimeout: Signature replaced with a Shutdown Timeout signature, was: \"nsFoo::Bar\"", result.Notes[1]);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    public void Shutdown_timeout_type_errors_fail_the_rule(string annotation)
    {
        var result = With("\"async_shutdown_timeout\": " + System.Text.Json.JsonSerializer.Serialize(annotation));
        Assert.Equal("nsFoo::Bar", result.Signature);
        Assert.StartsWith("SignatureShutdownTimeout: Rule failed: ", Assert.Single(result.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_watchdog_regenerates_from_thread_0_and_drops_earlier_prefixes()
    {
        var result = Siggen.Run("""
            {"crashing_thread": 1, "oom_allocation_size": 1000000, "abort_message": "boom",
             "threads": [{"frames": [{"function": "mozilla::SpinEventLoopUntil()"}, {"function": "nsThread::Shutdown()"}]},
                         {"frames": [{"function": "mozilla::(anonymous namespace)::RunWatchdog(void*)"}]}]}
            """);

        Assert.Equal("shutdownhang | mozilla::SpinEventLoopUntil | nsThread::Shutdown", result.Signature);
        Assert.Equal("mozilla::SpinEventLoopUntil | nsThread::Shutdown", result.ProtoSignature);
    }

    [Fact]
    public void Run_watchdog_uses_the_bundled_lists_even_with_custom_ones()
    {
        var custom = new SignatureGenerator(SignatureLists.Create(["never"], ["custom_prefix_fn"], [], ["never"]));
        const string crash = """
            {"crashing_thread": 1,
             "threads": [{"frames": [{"function": "custom_prefix_fn()"}, {"function": "second()"}]},
                         {"frames": [{"function": "custom_prefix_fn()"}, {"function": "RunWatchdog"}]}]}
            """;

        var result = custom.GenerateFromJson(System.Text.Encoding.UTF8.GetBytes(crash), includeDebugLog: true);

        // The custom lists made "custom_prefix_fn | RunWatchdog"; the bundled ones stop at the first frame.
        Assert.Contains("SignatureGenerationRule: change signature: \"\" -> \"custom_prefix_fn | RunWatchdog\"", result.DebugLog);
        Assert.Equal("shutdownhang | custom_prefix_fn", result.Signature);
        Assert.Contains("SignatureGenerationRule: using CSignatureTool", result.DebugLog);
    }

    [Theory]
    [InlineData("\"additional_minidumps\": [\"upload_file_minidump_browser\"]", "IPCError-browser | ShutDownKill")]
    [InlineData("\"additional_minidumps\": \"upload_file_minidump_browser,content\"", "IPCError-browser | ShutDownKill")]
    [InlineData("\"additional_minidumps\": [\"upload_file_minidump_content\"]", "IPCError-content | ShutDownKill")]
    [InlineData("", "IPCError-content | ShutDownKill")]
    public void Ipc_channel_error_replaces_the_signature(string fields, string expected)
    {
        var result = With("\"ipc_channel_error\": \"ShutDownKill\"" + (fields.Length > 0 ? "," + fields : string.Empty));
        Assert.Equal(expected, result.Signature);
        Assert.Equal(["SignatureIPCChannelError: IPC Channel Error stomped on signature"], result.Notes);
    }

    [Fact]
    public void Ipc_channel_error_keeps_100_code_points()
    {
        var error = string.Concat(Enumerable.Repeat("\ud83d\ude00", 120));
        var result = Siggen.Default.Generate(new CrashData { IpcChannelError = error });
        // the emoji are then removed as non-ASCII, leaving the prefix
        Assert.Equal("IPCError-content |", result.Signature);

        var ascii = Siggen.Default.Generate(new CrashData { IpcChannelError = new string('X', 150) });
        Assert.Equal("IPCError-content | " + new string('X', 100), ascii.Signature);
    }

    [Fact]
    public void Ipc_message_name_is_appended()
    {
        Assert.Equal("nsFoo::Bar | IPC_Message_Name=PContent::Msg_AsyncMessage", With("\"ipc_message_name\": \"PContent::Msg_AsyncMessage\"").Signature);
        Assert.Equal("nsFoo::Bar", With("\"ipc_message_name\": \"\"").Signature);
    }

    [Theory]
    [InlineData("EXCEPTION_STACK_OVERFLOW", "stackoverflow | nsFoo::Bar")]
    [InlineData("EXCEPTION_STACK_OVERFLOW ", "nsFoo::Bar")]
    public void Stack_overflow(string reason, string expected)
    {
        Assert.Equal(expected, With($"\"reason\": \"{reason}\"").Signature);
    }

    [Theory]
    [InlineData("\"hang\": \"ui\"", "hang: ui | nsFoo::Bar")]
    [InlineData("\"hang\": 0", "hang: 0 | nsFoo::Bar")]
    [InlineData("\"hang\": \"\"", "hang: | nsFoo::Bar")]
    [InlineData("\"hang\": false", "hang: False | nsFoo::Bar")]
    [InlineData("\"hang\": 1.0", "hang: 1.0 | nsFoo::Bar")]
    [InlineData("\"hang\": null", "nsFoo::Bar")]
    public void Hung_process_counts_every_non_null_hang(string fields, string expected)
    {
        Assert.Equal(expected, With(fields).Signature);
    }

    [Fact]
    public void Printable_chars_only_strips_and_notes_any_change()
    {
        var cold = Siggen.Run(Siggen.Frames(Siggen.Fn("void foo(int) [clone .cold.1]")));
        Assert.Equal("foo", cold.Signature);
        Assert.Equal(["SigPrintableCharsOnly: unprintable characters removed"], cold.Notes);

        var accents = Siggen.Run(Siggen.Frames(Siggen.Fn("f\u00e9\u00e9")));
        Assert.Equal("f", accents.Signature);
        Assert.Equal(["SigPrintableCharsOnly: unprintable characters removed"], accents.Notes);

        Assert.Empty(Siggen.Run(Siggen.Frames(Siggen.Fn("plain"))).Notes);
    }

    [Fact]
    public void Fix_whitespace_collapses_runs_without_a_note()
    {
        var result = Siggen.Default.Generate(new CrashData { IpcChannelError = "a  b   c" });
        Assert.Equal("IPCError-content | a b c", result.Signature);
        Assert.Equal("SignatureIPCChannelError: IPC Channel Error stomped on signature", result.Notes[^1]);
        Assert.Equal("a b c", Rules.SigFixWhitespaceRule.Collapse("a\t\u001c b\u2028c"));
    }

    [Fact]
    public void Truncate_cuts_at_255_code_points()
    {
        var exact = Siggen.Default.Generate(new CrashData { IpcChannelError = "x", IpcMessageName = new string('n', 255 - "IPCError-content | x | IPC_Message_Name=".Length) });
        Assert.Equal(255, exact.Signature.Length);
        Assert.DoesNotContain(exact.Notes, note => note.StartsWith("SigTruncate", StringComparison.Ordinal));

        var longer = Siggen.Default.Generate(new CrashData { IpcChannelError = "x", IpcMessageName = new string('n', 300) });
        Assert.Equal(255, longer.Signature.Length);
        Assert.EndsWith("nnn...", longer.Signature, StringComparison.Ordinal);
        Assert.Contains("SigTruncate: SigTrunc: signature truncated due to length", longer.Notes);
    }
}
