using System.Text.Json;

namespace Obs.Siggen.Tests;

/// <summary>Socorro's convert_to_crash_data: a processed crash with json_dump in, crash data out.</summary>
public sealed class ProcessedCrashTests
{
    private const string Processed = """
        {"uuid": "x", "signature": "old",
         "hang": "shutdown", "js_large_allocation_failure": "Recovered", "oom_allocation_size": "300000",
         "abort_message": "boom", "mdsw_status_string": "OK", "async_shutdown_timeout": null,
         "ipc_channel_error": null, "ipc_message_name": "PFoo::Msg",
         "additional_minidumps": ["upload_file_minidump_browser"],
         "os": "ignored", "reason": "ignored", "crashing_thread": 0,
         "json_dump": {
           "status": "OK",
           "crash_info": {"type": "EXCEPTION_ACCESS_VIOLATION_READ", "crashing_thread": 1, "address": "0x0"},
           "system_info": {"os": "Windows NT", "cpu_arch": "amd64"},
           "modules": [{"filename": "xul.dll"}],
           "threads": [{"frames": [{"function": "zero"}]}, {"last_error_value": "ERROR_SUCCESS", "frames": [{"module": "XUL.DLL"}, {"function": "one()"}]}]
         }}
        """;

    [Fact]
    public void Json_dump_supplies_thread_reason_os_and_threads()
    {
        var data = CrashData.ParseProcessedCrash(System.Text.Encoding.UTF8.GetBytes(Processed));

        Assert.Equal(1, data.CrashingThread);
        Assert.Equal("EXCEPTION_ACCESS_VIOLATION_READ", data.Reason);
        Assert.Equal("Windows NT", data.Os);
        Assert.Equal(2, data.Threads!.Count);
        Assert.Equal("ERROR_SUCCESS", data.Threads[1].LastErrorValue);
        Assert.Equal(300000, data.OomAllocationSize);
        Assert.Equal("shutdown", data.Hang);
        Assert.Equal(["upload_file_minidump_browser"], data.AdditionalMinidumps!);

        var result = Siggen.Default.Generate(data);
        Assert.Equal("hang: shutdown | Abort | boom | OOM | large | xul.dll | one | IPC_Message_Name=PFoo::Msg", result.Signature);
    }

    [Fact]
    public void From_a_json_element_as_well()
    {
        using var document = JsonDocument.Parse(Processed);
        Assert.Equal(1, CrashData.FromProcessedCrash(document.RootElement).CrashingThread);
    }

    [Fact]
    public void Without_json_dump_there_are_no_threads_and_defaults_apply()
    {
        var data = CrashData.ParseProcessedCrash("""{"reason": "ignored", "oom_allocation_size": "abc"}"""u8);

        Assert.Null(data.Threads);
        Assert.Null(data.Reason);
        Assert.Null(data.OomAllocationSize); // int_or_none
        Assert.Empty(data.AdditionalMinidumps!);
        Assert.Equal("EMPTY: no frame data available", Siggen.Default.Generate(data).Signature);
    }

    [Fact]
    public void Json_dump_without_crash_info_gives_none_values()
    {
        var data = CrashData.ParseProcessedCrash("""{"json_dump": {"threads": [{"frames": [{"function": "f"}]}]}}"""u8);

        Assert.Null(data.CrashingThread);
        Assert.Null(data.Reason);
        // reason is None, not absent; BadHardware returns early on a falsy reason
        var result = Siggen.Default.Generate(data);
        Assert.Equal("f", result.Signature);
        Assert.Empty(result.Notes);
    }

    [Fact]
    public void Java_fields_are_copied_only_when_present()
    {
        var data = CrashData.ParseProcessedCrash("""{"java_stack_trace": "E: d\n\tat a.b(C.java:1)"}"""u8);
        Assert.Equal("E: d at a.b(C.java)", Siggen.Default.Generate(data).Signature);
    }
}
