using Obs.Minidump.Synth;

namespace Obs.Minidump.Tests;

/// <summary>Crash-reason and crash-address rules (minidump-layouts.md §7), through synthetic exception streams.</summary>
public sealed class CrashReasonTests
{
    private static MinidumpFile Dump(ushort architecture, uint platform, uint code, uint flags, ulong address, params ulong[] information)
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(architecture, platform);
        var block = dump.NewBlock().U32(1).U32(0).U32(code).U32(flags).U64(0).U64(address).U32((uint)information.Length).U32(0);
        for (var i = 0; i < 15; i++)
        {
            block.U64(i < information.Length ? information[i] : 0);
        }

        dump.AddStream(MinidumpStreamType.Exception, block.U32(0).U32(0));
        return dump.Read();
    }

    [Theory]
    [InlineData(0xc0000005u, new ulong[] { 0, 0x10 }, "EXCEPTION_ACCESS_VIOLATION_READ")]
    [InlineData(0xc0000005u, new ulong[] { 1, 0x10 }, "EXCEPTION_ACCESS_VIOLATION_WRITE")]
    [InlineData(0xc0000005u, new ulong[] { 8, 0x10 }, "EXCEPTION_ACCESS_VIOLATION_EXEC")]
    [InlineData(0xc0000005u, new ulong[] { 3, 0x10 }, "EXCEPTION_ACCESS_VIOLATION")]
    [InlineData(0xc0000005u, new ulong[0], "EXCEPTION_ACCESS_VIOLATION")]
    [InlineData(0xc0000006u, new ulong[] { 1, 0x10, 0xc000009c }, "EXCEPTION_IN_PAGE_ERROR_WRITE / STATUS_DEVICE_DATA_ERROR")]
    [InlineData(0xc0000006u, new ulong[] { 0, 0x10, 0x12345678 }, "EXCEPTION_IN_PAGE_ERROR_READ / 0x12345678")]
    [InlineData(0xc0000006u, new ulong[] { 0, 0x10 }, "EXCEPTION_IN_PAGE_ERROR")]
    [InlineData(0xe0000008u, new ulong[0], "Out of Memory")]
    [InlineData(0xe06d7363u, new ulong[0], "Unhandled C++ Exception")]
    [InlineData(0x0517a7edu, new ulong[0], "Simulated Exception")]
    [InlineData(0xe0434352u, new ulong[0], "MANAGED_EXCEPTION_CODE_V4")]
    [InlineData(0x80000003u, new ulong[0], "EXCEPTION_BREAKPOINT")]
    [InlineData(5u, new ulong[0], "ERROR_ACCESS_DENIED")]
    [InlineData(0xc0000374u, new ulong[0], "STATUS_HEAP_CORRUPTION")]
    [InlineData(0xc0000409u, new ulong[0], "STATUS_STACK_BUFFER_OVERRUN")]
    [InlineData(0xc0000409u, new ulong[] { 7 }, "EXCEPTION_STACK_BUFFER_OVERRUN / FAST_FAIL_FATAL_APP_EXIT")]
    [InlineData(0xc0000409u, new ulong[] { 15 }, "EXCEPTION_STACK_BUFFER_OVERRUN / 0x0000000f")]
    [InlineData(0xc06d007eu, new ulong[0], "FACILITY_VISUALCPP / ERROR_MOD_NOT_FOUND")]
    [InlineData(0xdeadbeefu, new ulong[0], "unknown 0xdeadbeef")]
    public void Windows_reasons(uint code, ulong[] information, string reason)
    {
        using var dump = Dump(9, 2, code, 0, 0x1234, information);
        Assert.Equal(reason, dump.GetCrashReason());
    }

    [Fact]
    public void Windows_access_violations_report_the_accessed_address_truncated_on_32_bit()
    {
        using var av64 = Dump(9, 2, 0xc0000005, 0, 0x401000, 1, 0xffffffff_00000045);
        Assert.Equal(0xffffffff_00000045UL, av64.GetCrashAddress());
        using var av32 = Dump(0, 2, 0xc0000005, 0, 0x401000, 1, 0xffffffff_00000045);
        Assert.Equal(0x45UL, av32.GetCrashAddress());
        using var oneParameter = Dump(9, 2, 0xc0000005, 0, 0x401000, 1);
        Assert.Equal(0x401000UL, oneParameter.GetCrashAddress());
        using var breakpoint = Dump(9, 2, 0x80000003, 0, 0x401000, 1, 0x45);
        Assert.Equal(0x401000UL, breakpoint.GetCrashAddress());
        using var linux = Dump(9, 0x8201, 0xc0000005, 0, 0x401000, 1, 0x45);
        Assert.Equal(0x401000UL, linux.GetCrashAddress());
    }

    [Theory]
    [InlineData(11u, 1u, "SIGSEGV / SEGV_MAPERR")]
    [InlineData(11u, 0u, "SIGSEGV")]
    [InlineData(11u, 0x80u, "SIGSEGV / SI_KERNEL")]
    [InlineData(11u, 8u, "SIGSEGV / 0x00000008")]
    [InlineData(6u, 0xfffffffau, "SIGABRT / SI_TKILL")]
    [InlineData(4u, 2u, "SIGILL / ILL_ILLOPN")]
    [InlineData(8u, 1u, "SIGFPE / FPE_INTDIV")]
    [InlineData(7u, 2u, "SIGBUS / BUS_ADRERR")]
    [InlineData(5u, 1u, "SIGTRAP / TRAP_BRKPT")]
    [InlineData(31u, 1u, "SIGSYS / SYS_SECCOMP")]
    [InlineData(0xffffffffu, 0u, "DUMP_REQUESTED")]
    [InlineData(77u, 0u, "unknown 0x0000004d / 0x00000000")]
    public void Linux_reasons(uint signal, uint code, string reason)
    {
        using var dump = Dump(9, 0x8201, signal, code, 0x45);
        Assert.Equal(reason, dump.GetCrashReason());
        using var android = Dump(12, 0x8203, signal, code, 0x45);
        Assert.Equal(reason, android.GetCrashReason());
    }

    [Theory]
    [InlineData(9, 1u, 1u, "EXC_BAD_ACCESS / KERN_INVALID_ADDRESS")]
    [InlineData(9, 1u, 13u, "EXC_BAD_ACCESS / EXC_I386_GPFLT")]
    [InlineData(12, 1u, 0x105u, "EXC_BAD_ACCESS / EXC_ARM_PAC_FAIL")]
    [InlineData(5, 1u, 0x101u, "EXC_BAD_ACCESS / 0x00000101")]
    [InlineData(12, 2u, 1u, "EXC_BAD_INSTRUCTION / EXC_ARM_UNDEFINED")]
    [InlineData(9, 2u, 17u, "EXC_BAD_INSTRUCTION / EXC_I386_ALIGNFLT")]
    [InlineData(12, 3u, 2u, "EXC_ARITHMETIC / EXC_ARM_FP_DZ")]
    [InlineData(9, 3u, 1u, "EXC_ARITHMETIC / EXC_I386_DIV")]
    [InlineData(9, 5u, 0x00010002u, "EXC_SOFTWARE / SIGABRT")]
    [InlineData(9, 5u, 0xdeadc0deu, "EXC_SOFTWARE / UNCAUGHT_NS_EXCEPTION")]
    [InlineData(12, 6u, 1u, "EXC_BREAKPOINT / EXC_ARM_BREAKPOINT")]
    [InlineData(9, 6u, 2u, "EXC_BREAKPOINT / EXC_I386_BPT")]
    [InlineData(9, 7u, 5u, "EXC_SYSCALL / 0x00000005")]
    [InlineData(9, 0x43507378u, 0u, "Simulated Exception")]
    [InlineData(9, 0x43506e78u, 0u, "unknown 0x43506e78 / 0x00000000")]
    public void Mac_reasons(ushort architecture, uint code, uint flags, string reason)
    {
        using var dump = Dump(architecture, 0x8101, code, flags, 0x45);
        Assert.Equal(reason, dump.GetCrashReason());
        using var ios = Dump(architecture, 0x8102, code, flags, 0x45);
        Assert.Equal(reason, ios.GetCrashReason());
    }

    [Fact]
    public void Mac_resource_and_guard_exceptions_decode_their_codes()
    {
        // CPU monitor: flavor 1 in bits 58-60, interval in bits 7-31, limit in bits 0-2.
        ulong cpuCode = (1UL << 58) | (180UL << 7) | 5;
        using var cpu = Dump(9, 0x8101, 11, 1u << 29, 0, 0, cpuCode, 3);
        Assert.Equal("EXC_RESOURCE / RESOURCE_TYPE_CPU / FLAVOR_CPU_MONITOR interval: 180s CPU limit: 5% CPU consumed: 3%", cpu.GetCrashReason());
        using var memory = Dump(9, 0x8101, 11, 3u << 29, 0, 0, (1UL << 58) | 2048, 0);
        Assert.Equal("EXC_RESOURCE / RESOURCE_TYPE_MEMORY / FLAVOR_HIGH_WATERMARK high watermark limit: 2048MiB", memory.GetCrashReason());
        using var unknownResource = Dump(9, 0x8101, 11, 7u << 29, 0, 0, 0, 0);
        Assert.Equal("EXC_RESOURCE / 0xe0000000", unknownResource.GetCrashReason());

        using var fd = Dump(9, 0x8101, 12, 2u << 29, 0, 0, (1UL << 32) | 7, 0xabc);
        Assert.Equal("EXC_GUARD / GUARD_TYPE_FD / GUARD_EXC_CLOSE file descriptor: 7 guard identifier: 2748", fd.GetCrashReason());
        using var port = Dump(9, 0x8101, 12, 1u << 29, 0, 0, (1UL << 32) | 0x103, 0);
        Assert.Equal("EXC_GUARD / GUARD_TYPE_MACH_PORT / GUARD_EXC_DESTROY port name: 259", port.GetCrashReason());
        using var user = Dump(9, 0x8101, 12, 3u << 29, 0, 0, 42, 7);
        Assert.Equal("EXC_GUARD / GUARD_TYPE_USER/ namespace: 42 guard identifier: 7", user.GetCrashReason());
        using var unknownFlavor = Dump(9, 0x8101, 12, 2u << 29, 0, 0, 3UL << 32, 1);
        Assert.Equal("EXC_GUARD / GUARD_TYPE_FD / 0x0000000300000000 / 0x0000000000000001", unknownFlavor.GetCrashReason());
    }

    [Fact]
    public void Unknown_platforms_and_missing_streams()
    {
        using var solaris = Dump(9, 0x8202, 11, 1, 0x45);
        Assert.Equal("unknown 0x0000000b / 0x00000001", solaris.GetCrashReason());
        using var none = new SyntheticDump().Read();
        Assert.Null(none.GetCrashReason());
        Assert.Null(none.GetCrashAddress());
    }
}
