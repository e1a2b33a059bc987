namespace Obs.Minidump.Tests;

/// <summary>The synthetic dump with every decoded stream, read back value by value, for every CPU and byte order.</summary>
public sealed class RichDumpTests
{
    [Theory]
    [MemberData(nameof(SyntheticDumpTests.Cpus), MemberType = typeof(SyntheticDumpTests))]
    public void Every_stream_reads_back_what_was_written(MinidumpContextFormat format, bool bigEndian)
    {
        using var dump = MinidumpFile.Read(RichDump.Build(format, bigEndian));
        var is64 = format is not (MinidumpContextFormat.X86 or MinidumpContextFormat.Arm);
        Assert.Empty(dump.Warnings);

        var threads = dump.GetThreadList()!;
        Assert.Equal([0x10u, 0x11u], threads.Threads.Select(t => t.ThreadId));
        Assert.Equal("worker", dump.GetThreadNames()!.GetName(0x11));
        // Thread 0x11 has no stack RVA: its stack comes from the Memory64List region at 0x9ff000.
        Assert.Equal(64UL, threads.Threads[1].GetStackMemory()!.Size);
        Assert.Equal(0x401000UL, dump.GetThreadInfoList()!.Threads.Single().StartAddress);

        var modules = dump.GetModuleList()!;
        Assert.Equal("0102030405060708090a0b0c0d0e0f1011121314", modules.MainModule!.CodeId);
        // The build id's first 16 bytes are read as a GUID in the dump's byte order: swapped on little-endian only.
        Assert.Equal(bigEndian ? "0102030405060708090A0B0C0D0E0F100" : "0403020106050807090A0B0C0D0E0F100", modules.MainModule.DebugId);
        Assert.Equal("65538.196612.65538.196612", modules.MainModule.Version);
        Assert.Equal("5A9832E5287241C1838ED98914E9B7FF1", modules.Modules[1].DebugId);
        Assert.Same(modules.MainModule, modules.FindModule(0x40ffff));
        Assert.Equal("gone.so", dump.GetUnloadedModuleList()!.FindModules(0x500800).Single().CodeFile);

        Assert.Equal(2, dump.GetMemoryList()!.Regions.Length);
        Assert.Same(dump.GetMemory64List(), dump.GetMemory());
        Assert.Equal(0x20u, dump.GetMemoryInfoList()!.FindRegion(0x40ffff)!.Value.Protection);
        Assert.True(dump.GetMemoryInfoList()!.FindRegion(0x400000)!.Value.IsExecutable);
        Assert.Null(dump.GetMemoryInfoList()!.FindRegion(0x410000));

        Assert.Equal("SIGSEGV / SEGV_MAPERR", dump.GetCrashReason());
        Assert.Equal(0x45UL, dump.GetCrashAddress());
        Assert.Equal(threads.Threads[0].GetContext().InstructionPointer, dump.GetException()!.GetContext().InstructionPointer);
        Assert.Equal(1234u, dump.GetMiscInfo()!.ProcessId);
        Assert.Equal(3000u, dump.GetMiscInfo()!.ProcessorMaxMhz);
        Assert.Equal(0x10u, dump.GetBreakpadInfo()!.RequestingThreadId);
        Assert.Equal(("x != 0", "main", "app.c", 12u), (dump.GetAssertionInfo()!.Expression, dump.GetAssertionInfo()!.Function,
            dump.GetAssertionInfo()!.File, dump.GetAssertionInfo()!.Line));

        var crashpad = dump.GetCrashpadInfo()!;
        Assert.Equal(Guid.Parse("42F9DE72-518A-43DD-97D7-8DDC328D3662"), crashpad.ReportId);
        Assert.Equal("nightly", crashpad.SimpleAnnotations.Single().Value);
        Assert.Equal("abort() called", crashpad.Modules.Single().ListAnnotations.Single());
        Assert.Equal("oops", crashpad.Modules.Single().AnnotationObjects.Single().StringValue);

        var handle = dump.GetHandleData()!.Handles.Single();
        Assert.Equal("File", handle.TypeName);
        Assert.Equal(8, handle.ObjectInfos.Single().Data.Length);

        Assert.Contains(new KeyValuePair<string, string>("vendor_id", "GenuineIntel"), dump.GetTextStream(MinidumpStreamType.LinuxCpuInfo)!.GetKeyValuePairs());
        Assert.Contains(new KeyValuePair<string, string>("Pid", "1234"), dump.GetTextStream(MinidumpStreamType.LinuxProcStatus)!.GetKeyValuePairs());
        Assert.Contains(new KeyValuePair<string, string>("DISTRIB_DESCRIPTION", "Debian 12"), dump.GetTextStream(MinidumpStreamType.LinuxLsbRelease)!.GetKeyValuePairs());
        Assert.Equal(["HOME", "LANG"], dump.GetTextStream(MinidumpStreamType.LinuxEnviron)!.GetKeyValuePairs().Select(p => p.Key));
        Assert.Equal(["./app", "--flag"], dump.GetLinuxCommandLine()!.Arguments);
        var auxv = dump.GetLinuxAuxv()!;
        Assert.Equal(is64 ? 8 : 4, auxv.WordSize);
        Assert.Equal(new MinidumpAuxvEntry(6, 4096), auxv.Entries[1]);
        var maps = dump.GetLinuxMaps()!;
        Assert.Equal("[stack]", maps.FindMapping(0x7ff000)!.Path);
        Assert.Null(maps.FindMapping(0x800000));
        Assert.Equal("/opt/app/bin/app", maps.FindMapping(0x40ffff)!.Path);
        var dso = dump.GetLinuxDsoDebug()!;
        Assert.Equal(is64, dso.Is64Bit);
        Assert.Equal("/usr/lib/libc.so.6", dso.LinkMaps.Single().Name);
        Assert.Equal(0x3000UL, dso.Dynamic);
        Assert.Equal(32, dso.DynamicSection.Length);

        var crashInfo = dump.GetMacCrashInfo()!.Records.Single();
        Assert.Equal(("message", "sig", "bt", "m2", 9UL), (crashInfo.Message, crashInfo.SignatureString, crashInfo.Backtrace, crashInfo.Message2, crashInfo.AbortCause!.Value));
        Assert.Equal("-v", dump.GetMacBootargs()!.Bootargs);
        Assert.Contains("Max stack size", dump.GetTextStream(MinidumpStreamType.MozLinuxLimits)!.Text, StringComparison.Ordinal);
        Assert.Equal("[{\"InitErrors\":[]}]", dump.GetTextStream(MinidumpStreamType.MozSoftErrors)!.Text);
        Assert.True(dump.TryGetEntry((MinidumpStreamType)0x4b6b0002, out var stability));
        Assert.IsType<MinidumpRawStream>(dump.GetStream(stability));
    }
}
