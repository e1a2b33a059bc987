using System.Globalization;
using System.Text.Json;

namespace Obs.Minidump.Tests;

/// <summary>test.dmp against rust-minidump's snapshots: the JSON report and the <c>--dump</c> output.</summary>
public sealed class RustMinidumpSnapshotTests
{
    private const string TestDmp = "rust-minidump/dumps/test.dmp";
    private static readonly JsonElement JsonSnapshot = Oracles.JsonSnapshot("rust-minidump/expected/test_minidump_stackwalk__json-pretty-symbols.snap");
    private static readonly List<(string Header, Dictionary<string, string> Fields)> DumpSnapshot =
        Oracles.DumpBlocks(Oracles.Snapshot("rust-minidump/expected/test_minidump_stackwalk__dump.snap"));

    private static string? Str(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();

    [Fact]
    public void Module_table_agrees_with_the_json_snapshot()
    {
        using var dump = FixtureDumps.Open(TestDmp);
        var modules = dump.GetModuleList()!;
        var expected = JsonSnapshot.GetProperty("modules").EnumerateArray().ToList();

        Assert.Equal(13, modules.Modules.Length);
        Assert.Equal(expected.Count, modules.Modules.Length);
        Assert.Equal(JsonSnapshot.GetProperty("main_module").GetInt32(), modules.Modules.IndexOf(modules.MainModule!));
        for (var i = 0; i < expected.Count; i++)
        {
            var want = expected[i];
            var got = modules.Modules[i];
            Assert.Equal(Str(want, "filename"), Oracles.BaseName(got.CodeFile));
            Assert.Equal(Str(want, "code_id"), got.CodeId);
            Assert.Equal(Str(want, "debug_file"), Oracles.BaseName(got.DebugFile));
            Assert.Equal(Str(want, "debug_id"), got.DebugId);
            Assert.Equal(Str(want, "version"), got.Version);
            Assert.Equal(Oracles.Hex(Str(want, "base_addr")!), got.BaseAddress);
            Assert.Equal(Oracles.Hex(Str(want, "end_addr")!), got.EndAddress);
        }

        Assert.Equal("45d35f6c2d000", modules.Modules[0].CodeId);
        Assert.Equal("411096cab000", modules.Modules[12].CodeId);
    }

    [Fact]
    public void Module_raw_fields_and_codeview_agree_with_the_dump_snapshot()
    {
        using var dump = FixtureDumps.Open(TestDmp);
        var modules = dump.GetModuleList()!.Modules;
        var blocks = DumpSnapshot.Where(b => b.Header == "MINIDUMP_MODULE").Select(b => b.Fields).ToList();
        Assert.Equal(modules.Length, blocks.Count);
        for (var i = 0; i < blocks.Count; i++)
        {
            var want = blocks[i];
            var got = modules[i];
            Assert.Equal(Oracles.Hex(want["checksum"]), got.Checksum);
            Assert.Equal(Oracles.Hex(want["time_date_stamp"]), got.TimeDateStamp);
            Assert.Equal(Oracles.Hex(want["module_name_rva"]), got.ModuleNameRva);
            Assert.Equal(Oracles.Hex(want["version_info.signature"]), got.VersionInfo.Signature);
            Assert.Equal(Oracles.Hex(want["version_info.file_os"]), got.VersionInfo.FileOs);
            Assert.Equal(Oracles.Hex(want["version_info.file_version"].Split(':')[0]), got.VersionInfo.FileVersionHigh);
            Assert.Equal(Oracles.Hex(want["version_info.file_version"].Split(':')[1]), got.VersionInfo.FileVersionLow);
            Assert.Equal(uint.Parse(want["cv_record.data_size"], CultureInfo.InvariantCulture), got.CvRecordLocation.DataSize);
            Assert.Equal(Oracles.Hex(want["cv_record.rva"]), got.CvRecordLocation.Rva);
            Assert.Equal(want["(code_file)"], $"\"{got.CodeFile}\"");
            Assert.Equal(want["(debug_file)"], $"\"{got.DebugFile}\"");
            Assert.Equal(want["(cv_record).signature"], got.CodeView!.PdbGuid!.Value.ToString("D"));
            Assert.Equal(want["(cv_record).age"], got.CodeView.Age!.Value.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(want["(cv_record).pdb_file_name"], $"\"{got.CodeView.PdbFileName}\"");
            Assert.Equal(MinidumpCodeViewFormat.Pdb70, got.CodeView.Format);
        }
    }

    [Fact]
    public void Threads_and_their_contexts_agree_with_the_dump_snapshot()
    {
        using var dump = FixtureDumps.Open(TestDmp);
        var threads = dump.GetThreadList()!.Threads;
        var raw = DumpSnapshot.Where(b => b.Header == "MINIDUMP_THREAD").Select(b => b.Fields).ToList();
        // The --dump output prints each thread's context right after it; the exception context comes last.
        var contexts = DumpSnapshot.Where(b => b.Header == "CONTEXT_X86").Select(b => b.Fields).ToList();
        Assert.Equal(2, threads.Length);
        Assert.Equal(raw.Count, threads.Length);
        Assert.Equal(JsonSnapshot.GetProperty("thread_count").GetInt32(), threads.Length);
        for (var i = 0; i < threads.Length; i++)
        {
            var thread = threads[i];
            Assert.Equal(Oracles.Hex(raw[i]["thread_id"]), thread.ThreadId);
            Assert.Equal(JsonSnapshot.GetProperty("threads")[i].GetProperty("thread_id").GetUInt32(), thread.ThreadId);
            Assert.Equal(Oracles.Hex(raw[i]["teb"]), thread.Teb);
            Assert.Equal(Oracles.Hex(raw[i]["stack.start_of_memory_range"]), thread.Stack.StartOfMemoryRange);
            Assert.Equal(Oracles.Hex(raw[i]["stack.memory.data_size"]), thread.Stack.Memory.DataSize);
            Assert.Equal(Oracles.Hex(raw[i]["stack.memory.rva"]), thread.Stack.Memory.Rva);
            Assert.Equal(Oracles.Hex(raw[i]["thread_context.rva"]), thread.ContextLocation.Rva);

            var context = thread.GetContext();
            Assert.Equal(MinidumpContextFormat.X86, context.Format);
            Assert.Equal(Oracles.Hex(contexts[i]["context_flags"]), context.ContextFlags);
            foreach (var name in context.RegisterNames)
            {
                Assert.Equal(Oracles.Hex(contexts[i][name]), context.GetRegister(name));
            }

            var stack = thread.GetStackMemory()!;
            Assert.Equal(thread.Stack.StartOfMemoryRange, stack.BaseAddress);
            Assert.Equal(thread.Stack.Memory.DataSize, stack.Size);
        }
    }

    [Fact]
    public void Exception_and_its_context_agree_with_both_snapshots()
    {
        using var dump = FixtureDumps.Open(TestDmp);
        var exception = dump.GetException()!;
        var raw = DumpSnapshot.Single(b => b.Header == "MINIDUMP_EXCEPTION").Fields;
        Assert.Equal(Oracles.Hex(raw["thread_id"]), exception.ThreadId);
        Assert.Equal(Oracles.Hex(raw["exception_record.exception_code"]), exception.ExceptionCode);
        Assert.Equal(Oracles.Hex(raw["exception_record.exception_address"]), exception.ExceptionAddress);
        Assert.Equal(uint.Parse(raw["exception_record.number_parameters"], CultureInfo.InvariantCulture), exception.NumberParameters);
        Assert.Equal(Oracles.Hex(raw["exception_record.exception_information[ 1]"]), exception.ExceptionInformation[1]);

        var context = exception.GetContext();
        Assert.Equal(0x40429eUL, context.InstructionPointer);
        Assert.Equal(0x12fe84UL, context.StackPointer);
        var registers = JsonSnapshot.GetProperty("crashing_thread").GetProperty("frames")[0].GetProperty("registers");
        foreach (var register in registers.EnumerateObject())
        {
            Assert.Equal(Oracles.Hex(register.Value.GetString()!), context.GetRegister(register.Name));
        }

        Assert.Equal(registers.EnumerateObject().Count(), context.RegisterNames.Length);
        var crash = JsonSnapshot.GetProperty("crash_info");
        Assert.Equal(crash.GetProperty("type").GetString(), dump.GetCrashReason());
        Assert.Equal(Oracles.Hex(crash.GetProperty("address").GetString()!), dump.GetCrashAddress());
        Assert.Equal(crash.GetProperty("crashing_thread").GetInt32(), dump.GetThreadList()!.IndexOf(exception.ThreadId));
    }

    [Fact]
    public void System_info_misc_info_and_breakpad_info_agree_with_the_snapshots()
    {
        using var dump = FixtureDumps.Open(TestDmp);
        var system = dump.GetSystemInfo()!;
        var json = JsonSnapshot.GetProperty("system_info");
        Assert.Equal(json.GetProperty("cpu_arch").GetString(), system.CpuName);
        Assert.Equal(json.GetProperty("cpu_count").GetInt32(), system.NumberOfProcessors);
        Assert.Equal(json.GetProperty("cpu_info").GetString(), system.CpuInfo);
        Assert.Equal(json.GetProperty("os").GetString(), system.OsName);
        Assert.Equal(json.GetProperty("os_ver").GetString(), system.OsVersion);
        var raw = DumpSnapshot.Single(b => b.Header == "MINIDUMP_SYSTEM_INFO").Fields;
        Assert.Equal(Oracles.Hex(raw["processor_revision"]), system.ProcessorRevision);
        Assert.Equal(Oracles.Hex(raw["csd_version_rva"]), system.CsdVersionRva);
        Assert.Equal(Oracles.Hex(raw["suite_mask"]), system.SuiteMask);
        Assert.Equal("Service Pack 2", system.CsdVersion);
        Assert.Equal("GenuineIntel", system.CpuVendor);

        var misc = dump.GetMiscInfo()!;
        Assert.Equal(3932u, misc.ProcessId);
        Assert.Equal(JsonSnapshot.GetProperty("pid").GetUInt32(), misc.ProcessId);
        Assert.Equal(1, misc.Version);
        Assert.Equal(0x45d35f73u, misc.ProcessCreateTime);
        Assert.Null(misc.ProcessorMaxMhz);

        var breakpad = dump.GetBreakpadInfo()!;
        var rawBreakpad = DumpSnapshot.Single(b => b.Header == "MINIDUMP_BREAKPAD_INFO").Fields;
        Assert.Equal(Oracles.Hex(rawBreakpad["validity"]), breakpad.Validity);
        Assert.Equal((uint)Oracles.Hex(rawBreakpad["dump_thread_id"]), breakpad.DumpThreadId);
        Assert.Equal((uint)Oracles.Hex(rawBreakpad["requesting_thread_id"]), breakpad.RequestingThreadId);
    }

    [Fact]
    public void Header_directory_and_memory_list_agree_with_the_dump_snapshot()
    {
        using var dump = FixtureDumps.Open(TestDmp);
        var header = DumpSnapshot.Single(b => b.Header == "MDRawHeader").Fields;
        Assert.Equal(Oracles.Hex(header["version"]), dump.Header.Version);
        Assert.Equal(Oracles.Hex(header["stream_count"]), dump.Header.StreamCount);
        Assert.Equal(Oracles.Hex(header["time_date_stamp"]), dump.Header.TimeDateStamp);

        // Two UnusedStream entries: the later one wins, with the warning rust-minidump logs.
        Assert.Equal("the dump has several streams of type 0x0 (UnusedStream), at indices 7 and 8; using 8", Assert.Single(dump.Warnings));
        Assert.True(dump.TryGetEntry(MinidumpStreamType.Unused, out var unused));
        Assert.Equal(8, unused.Index);
        Assert.Single(dump.Directory, e => e.StreamType == MinidumpStreamType.Unused && e.Index == 7);
        var directory = DumpSnapshot.Where(b => b.Header == "MDRawDirectory").Select(b => b.Fields).ToList();
        foreach (var entry in directory)
        {
            var type = (MinidumpStreamType)Oracles.Hex(entry["stream_type"]);
            Assert.True(dump.TryGetEntry(type, out var found));
            Assert.Equal(Oracles.Hex(entry["location.rva"]), found.Location.Rva);
            Assert.Contains($"({MinidumpStreamTypes.GetName(type)})", entry["stream_type"], StringComparison.Ordinal);
        }

        var regions = dump.GetMemoryList()!.Regions;
        var raw = DumpSnapshot.Where(b => b.Header == "MINIDUMP_MEMORY_DESCRIPTOR").Select(b => b.Fields).ToList();
        Assert.Equal(raw.Count, regions.Length);
        for (var i = 0; i < raw.Count; i++)
        {
            Assert.Equal(Oracles.Hex(raw[i]["start_of_memory_range"]), regions[i].BaseAddress);
            Assert.Equal(Oracles.Hex(raw[i]["memory.data_size"]), regions[i].Size);
            Assert.Equal((long)Oracles.Hex(raw[i]["memory.rva"]), regions[i].FileOffset);
        }

        // A read through the unified memory lookup lands in the right region.
        Span<byte> word = stackalloc byte[4];
        Assert.True(dump.TryReadMemory(0x12f31c + 4, word));
        Assert.Equal(0x7c90e9c0u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(word));
    }
}
