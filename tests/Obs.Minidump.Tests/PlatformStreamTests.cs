using System.Globalization;
using System.Text.RegularExpressions;
using Obs.Testing;

namespace Obs.Minidump.Tests;

/// <summary>CrashpadInfo, AssertionInfo, ThreadNames and the Linux streams of the fixtures against the peers' outputs.</summary>
public sealed partial class PlatformStreamTests
{
    [Fact]
    public void Crashpad_info_of_simple_crashpad_matches_rust_minidump_tests()
    {
        using var dump = FixtureDumps.Open("rust-minidump/dumps/simple-crashpad.dmp");
        var info = dump.GetCrashpadInfo()!;
        Assert.Equal(1u, info.Version);
        Assert.Equal(Guid.Parse("42F9DE72-518A-43DD-97D7-8DDC328D3662"), info.ReportId);
        Assert.Equal(Guid.Parse("6FD2B3B9-9833-4B2F-BBF7-0BCF501BAD7E"), info.ClientId);
        Assert.Equal([new KeyValuePair<string, string>("hello", "world")], info.SimpleAnnotations);
        Assert.Equal(2, info.Modules.Length);
        Assert.Equal(16u, info.Modules[0].ModuleIndex);
        Assert.Equal(["abort() called"], info.Modules[0].ListAnnotations);
        Assert.Equal(39u, info.Modules[1].ModuleIndex);
        Assert.Equal(["dyld2 mode"], info.Modules[1].ListAnnotations);
        Assert.Null(info.AddressMask);
    }

    [Fact]
    public void Crashpad_info_of_the_annotation_dump_matches_breakpad_minidump_dump()
    {
        using var dump = FixtureDumps.Open("breakpad/dumps/minidump_crashpad_annotation.dmp");
        var info = dump.GetCrashpadInfo()!;
        var lines = File.ReadAllLines(TestFixtures.Path("breakpad/expected/minidump_crashpad_annotation.dump.txt"));
        var start = Array.IndexOf(lines, "MDRawCrashpadInfo");
        var block = lines.Skip(start + 1).TakeWhile(l => l.Length > 0).Select(l => l.Trim()).ToList();

        Assert.Equal("version = " + info.Version, block[0]);
        Assert.Equal("report_id = " + info.ReportId.ToString("D"), block[1]);
        Assert.Equal("client_id = " + info.ClientId.ToString("D"), block[2]);

        var simple = block.Select(l => SimpleAnnotation().Match(l)).Where(m => m.Success)
            .Select(m => new KeyValuePair<string, string>(m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.Equal(4, simple.Count);
        Assert.Equal(simple, info.SimpleAnnotations);

        var moduleIndexes = block.Select(l => ModuleIndex().Match(l)).Where(m => m.Success)
            .Select(m => uint.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(moduleIndexes, info.Modules.Select(m => m.ModuleIndex));

        var objects = block.Select(l => AnnotationObject().Match(l)).Where(m => m.Success).ToList();
        var actual = info.Modules.SelectMany(m => m.AnnotationObjects).ToList();
        Assert.Equal(5, objects.Count);
        Assert.Equal(objects.Count, actual.Count);
        for (var i = 0; i < objects.Count; i++)
        {
            Assert.Equal(objects[i].Groups[2].Value, actual[i].Name);
            Assert.Equal(ushort.Parse(objects[i].Groups[3].Value, CultureInfo.InvariantCulture), actual[i].Type);
            var value = objects[i].Groups[4].Value;
            if (actual[i].Kind == MinidumpAnnotationKind.Text)
            {
                Assert.Equal(value, actual[i].StringValue);
            }
            else
            {
                Assert.Equal(MinidumpAnnotationKind.UserDefined, actual[i].Kind);
                Assert.Equal(value, Convert.ToHexStringLower(actual[i].Value.Span));
            }
        }

        var listed = block.Select(l => ListAnnotation().Match(l)).Where(m => m.Success).Select(m => m.Groups[3].Value).ToList();
        Assert.Single(listed);
        Assert.Equal(listed, info.Modules.SelectMany(m => m.ListAnnotations));
    }

    [Fact]
    public void Assertion_info_of_invalid_parameter_matches_rust_minidump_tests()
    {
        using var dump = FixtureDumps.Open("rust-minidump/dumps/invalid-parameter.dmp");
        var assertion = dump.GetAssertionInfo()!;
        Assert.Equal("format != nullptr", assertion.Expression);
        Assert.Equal("common_vfprintf", assertion.Function);
        Assert.Equal(@"minkernel\crts\ucrt\src\appcrt\stdio\output.cpp", assertion.File);
        Assert.Equal(32u, assertion.Line);
        Assert.Equal("InvalidParameter", assertion.TypeName);
        // Breakpad's human output words the same stream.
        var text = File.ReadAllText(TestFixtures.Path("breakpad/expected/rust-minidump-dumps/invalid-parameter.txt"));
        Assert.Contains($"{assertion.Expression} in function {assertion.Function}, in file {assertion.File} at line {assertion.Line}", text, StringComparison.Ordinal);
        Assert.Equal("STATUS_INVALID_PARAMETER", dump.GetCrashReason());
    }

    [Fact]
    public void Thread_names_match_breakpad_minidump_dump()
    {
        using var dump = FixtureDumps.Open("breakpad/dumps/thread_name_list.dmp");
        var names = dump.GetThreadNames()!;
        var blocks = Oracles.DumpBlocks(File.ReadAllText(TestFixtures.Path("breakpad/expected/thread_name_list.dump.txt")))
            .Where(b => b.Header == "MDRawThreadName").Select(b => b.Fields).ToList();
        Assert.Equal(3, blocks.Count);
        Assert.Equal(blocks.Count, names.Names.Length);
        for (var i = 0; i < blocks.Count; i++)
        {
            Assert.Equal(Oracles.Hex(blocks[i]["thread_id"]), names.Names[i].ThreadId);
            Assert.Equal(blocks[i]["thread_name"], $"\"{names.Names[i].Name}\"");
            Assert.Equal(names.Names[i].Name, names.GetName(names.Names[i].ThreadId));
        }

        Assert.Equal(["main thread", "sleep thread", "overflow thread"], names.Names.Select(n => n.Name));
        Assert.Empty(names.Warnings);
    }

    [Fact]
    public void Macos_dump_has_thread_names_and_mach_identity()
    {
        using var dump = FixtureDumps.Open("rust-minidump/dumps/pipeline-inlines-macos-segv.dmp");
        Assert.Equal(11, dump.GetThreadList()!.Threads.Length);
        Assert.Equal(11, dump.GetThreadNames()!.Names.Length);
        Assert.Equal("main", dump.GetThreadNames()!.GetName(dump.GetThreadList()!.Threads[0].ThreadId));
        var main = dump.GetModuleList()!.MainModule!;
        Assert.Equal("509c0610949836f7b70bd88bcf03e540", main.CodeId);
        Assert.Equal("509C0610949836F7B70BD88BCF03E5400", main.DebugId);
        Assert.Equal("EXC_BAD_ACCESS / KERN_INVALID_ADDRESS", dump.GetCrashReason());
        Assert.Equal(0xffffffff80000042UL, dump.GetCrashAddress());
        var misc = dump.GetMiscInfo()!;
        Assert.Equal(2, misc.Version);
        Assert.Equal(7u, misc.Flags1);
        var breakpad = dump.GetBreakpadInfo()!;
        Assert.Equal(0xf03u, breakpad.DumpThreadId);
        Assert.Equal(0x1203u, breakpad.RequestingThreadId);
    }

    [Fact]
    public void Linux_dump_has_elf_identity_and_every_linux_stream()
    {
        using var dump = FixtureDumps.Open("rust-minidump/dumps/linux-mini.dmp");
        var modules = dump.GetModuleList()!;
        var main = modules.MainModule!;
        Assert.Equal("f1c3bcc0279865fe3058404b2831d9e64135386c", main.CodeId);
        Assert.Equal("C0BCC3F19827FE653058404B2831D9E60", main.DebugId);
        Assert.Equal(main.CodeFile, main.DebugFile);
        var libm = modules.Modules.Single(m => Oracles.BaseName(m.CodeFile) == "libm-2.23.so");
        Assert.Equal("dfb85de42daffd09640c8fe377d572de3e168920", libm.CodeId);
        Assert.Equal("E45DB8DFAF2D09FD640C8FE377D572DE0", libm.DebugId);

        Assert.Equal("SIGSEGV", dump.GetCrashReason());
        Assert.Equal(0x45UL, dump.GetCrashAddress());
        Assert.Equal("4.9.60-linuxkit-aufs #1 SMP Mon Nov 6 16:00:12 UTC 2017", dump.GetSystemInfo()!.OsVersion);

        var soft = dump.GetTextStream(MinidumpStreamType.MozSoftErrors)!;
        Assert.StartsWith("[", soft.Text.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("\"StopProcessFailed\"", soft.Text, StringComparison.Ordinal);
        using (System.Text.Json.JsonDocument.Parse(soft.Text))
        {
        }

        var status = dump.GetTextStream(MinidumpStreamType.LinuxProcStatus)!.GetKeyValuePairs();
        Assert.Contains(status, p => p.Key == "Pid");
        var auxv = dump.GetLinuxAuxv()!;
        Assert.Equal(8, auxv.WordSize);
        Assert.Equal(new MinidumpAuxvEntry(0x21, 0x7fff5aef1000), auxv.Entries[0]);
        Assert.Equal("./crash", dump.GetLinuxCommandLine()!.Arguments[0]);
        var maps = dump.GetLinuxMaps()!;
        Assert.NotEmpty(maps.Mappings);
        Assert.Empty(maps.Warnings);
        var stack = maps.Mappings.Single(m => m.Path == "[stack]");
        Assert.True(stack.IsReadable && stack.IsWritable && !stack.IsExecutable);
        Assert.Same(stack, maps.FindMapping(stack.StartAddress));
        Assert.Null(maps.FindMapping(stack.EndAddress) is { Path: "[stack]" } ? stack : null);

        var dso = dump.GetLinuxDsoDebug()!;
        Assert.True(dso.Is64Bit);
        Assert.Equal(dso.DsoCount, (uint)dso.LinkMaps.Length);
        Assert.Equal(472 - 40, dso.DynamicSection.Length);
        Assert.Contains(dso.LinkMaps, l => l.Name is not null && l.Name.Contains("libc", StringComparison.Ordinal));
    }

    [Fact]
    public void Windows_crashpad_dump_has_handles_unloaded_modules_and_memory_info()
    {
        using var dump = FixtureDumps.Open("breakpad/dumps/tiny-exe-with-cet-xsave.dmp");
        Assert.Null(dump.GetException());
        Assert.Null(dump.GetCrashReason());
        var handles = dump.GetHandleData()!;
        Assert.NotEmpty(handles.Handles);
        Assert.Contains(handles.Handles, h => h.TypeName is not null);
        var infos = dump.GetMemoryInfoList()!;
        Assert.NotEmpty(infos.Regions);
        Assert.NotNull(dump.GetUnloadedModuleList());
        var context = dump.GetThreadList()!.Threads[0].GetContext();
        Assert.Equal(MinidumpContextFormat.Amd64, context.Format);
        Assert.True(context.HasXState);
        var misc = dump.GetMiscInfo()!;
        Assert.True(misc.Version >= 4);
    }

    [Theory]
    [InlineData("breakpad/dumps/tiny-exe-fastfail.dmp", "EXCEPTION_STACK_BUFFER_OVERRUN / FAST_FAIL_FATAL_APP_EXIT")]
    [InlineData("breakpad/dumps/linux_raise_sigabrt.dmp", "SIGABRT")]
    [InlineData("breakpad/dumps/linux_inline.dmp", "SIGILL / ILL_ILLOPN")]
    [InlineData("breakpad/dumps/exec_av_on_stack.dmp", "EXCEPTION_ACCESS_VIOLATION_EXEC")]
    [InlineData("breakpad/dumps/stack_exhaustion.dmp", "EXCEPTION_STACK_OVERFLOW")]
    [InlineData("rust-minidump/dumps/simple-crashpad.dmp", "unknown 0x00000000 / 0x00000000")]
    [InlineData("breakpad/dumps/minidump_crashpad_annotation.dmp", "unknown 0x43506e78 / 0x00000000")]
    public void Crash_reasons_follow_rust_minidump_wording(string relative, string reason)
    {
        using var dump = FixtureDumps.Open(relative);
        Assert.Equal(reason, dump.GetCrashReason());
    }

    [Fact]
    public void Crash_address_of_every_breakpad_output_agrees()
    {
        foreach (var output in TestFixtures.Find("breakpad/expected", "*.m.txt"))
        {
            var name = Path.GetFileName(output).Split('.')[0];
            var dumpPath = output.Contains("/rust-minidump-dumps/", StringComparison.Ordinal)
                ? $"rust-minidump/dumps/{name}.dmp"
                : $"breakpad/dumps/{name}.dmp";
            using var dump = FixtureDumps.Open(dumpPath);
            var crash = File.ReadAllLines(TestFixtures.Path(output)).SingleOrDefault(l => l.StartsWith("Crash|", StringComparison.Ordinal))?.Split('|');
            if (crash is null || dump.GetException() is null)
            {
                Assert.Null(dump.GetException());
                continue;
            }

            // Breakpad corrects non-canonical addresses only with objdump (README §5.9): skip that one.
            if (name != "write_av_non_canonical")
            {
                Assert.Equal(Oracles.Hex(crash[2]), dump.GetCrashAddress());
            }
        }
    }

    [GeneratedRegex("""^simple_annotations\["(.*)"\] = (.*)$""")]
    private static partial Regex SimpleAnnotation();

    [GeneratedRegex("""^module_list\[(\d+)\]\.minidump_module_list_index = (\d+)$""")]
    private static partial Regex ModuleIndex();

    [GeneratedRegex("""^module_list\[(\d+)\]\.crashpad_annotations\["(.*)"\] \(type = (\d+)\) = (.*)$""")]
    private static partial Regex AnnotationObject();

    [GeneratedRegex("""^module_list\[(\d+)\]\.list_annotations\[(\d+)\] = (.*)$""")]
    private static partial Regex ListAnnotation();
}
