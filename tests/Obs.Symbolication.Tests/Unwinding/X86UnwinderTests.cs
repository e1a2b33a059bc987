using static Obs.Symbolication.Tests.Unwinding.FrameAssert;
using Label = Obs.Minidump.Synth.SyntheticDump.Label;
using Stack = Obs.Minidump.Synth.SyntheticDump.StackSection;

namespace Obs.Symbolication.Tests.Unwinding;

/// <summary>rust-minidump's <c>x86_unittest.rs</c>, one test per upstream test (named after it).</summary>
public sealed class X86UnwinderTests
{
    // upstream: test_simple
    [Fact]
    public async Task Simple()
    {
        var f = UnwindFixture.X86();
        var stack = new Stack(0x80000000).D32(0).D32(0);
        f["eip"] = 0x40000200;
        f["ebp"] = 0x80000000;

        var frames = await f.WalkAsync(stack);

        Assert.Single(frames);
        Assert.Equal("module1", frames[0].Module?.CodeFile);
    }

    // upstream: test_traditional — a frame that saves the caller's %ebp below the return address.
    [Fact]
    public async Task Traditional()
    {
        var f = UnwindFixture.X86();
        Label frame0Ebp = new(), frame1Ebp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 12)
            .Mark(frame0Ebp).D32(frame1Ebp).D32(0x40008679)
            .Repeat(0, 8)
            .Mark(frame1Ebp).D32(0).D32(0);
        f["eip"] = 0x4000c7a5;
        f["esp"] = stack.BaseAddress;
        f["ebp"] = frame0Ebp.Value;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(0x4000c7a5UL, frames[0].Instruction);
        Assert.Equal(0x4000c7a5UL, frames[0].ResumeAddress);
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Assert.Equal(0x40008678UL, frames[1].Instruction);
        Assert.Equal(0x40008679UL, frames[1].ResumeAddress);
        Registers(frames[1], ("eip", 0x40008679), ("esp", frame0Ebp.Value + 8), ("ebp", frame1Ebp.Value));
    }

    // upstream: test_traditional_scan — a bogus %ebp forces a scan for the return address.
    [Fact]
    public async Task Traditional_scan()
    {
        var f = UnwindFixture.X86();
        Label frame1Esp = new(), frame1Ebp = new();
        var stack = new Stack(0x80000000)
            .D32(0xf065dc76).D32(0x46ee2167).D32(0xbab023ec)
            .D32(frame1Ebp).D32(0x4000129d)
            .Mark(frame1Esp).Repeat(0, 8)
            .Mark(frame1Ebp).D32(0).D32(0);
        f["eip"] = 0x4000f49d;
        f["esp"] = stack.BaseAddress;
        f["ebp"] = 0xd43eed6e;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(0x4000f49dUL, frames[0].Instruction);
        Has(frames[0], ("eip", 0x4000f49d), ("esp", 0x80000000), ("ebp", 0xd43eed6e));
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Assert.Equal(0x4000129dUL, frames[1].Instruction + 1);
        Assert.Equal(0x4000129dUL, frames[1].ResumeAddress);
        Registers(frames[1], ("eip", 0x4000129d), ("esp", frame1Esp.Value), ("ebp", frame1Ebp.Value));
    }

    // upstream: test_traditional_scan_long_way — the return address is far down the stack.
    [Fact]
    public async Task Traditional_scan_long_way()
    {
        var f = UnwindFixture.X86();
        Label frame1Esp = new(), frame1Ebp = new();
        var stack = new Stack(0x80000000)
            .D32(0xf065dc76).D32(0x46ee2167).D32(0xbab023ec)
            .Repeat(0, 20 * 4)
            .D32(frame1Ebp).D32(0x4000129d)
            .Mark(frame1Esp).Repeat(0, 8)
            .Mark(frame1Ebp).D32(0).D32(0);
        f["eip"] = 0x4000f49d;
        f["esp"] = stack.BaseAddress;
        f["ebp"] = 0xd43eed6e;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Has(frames[0], ("eip", 0x4000f49d), ("esp", 0x80000000), ("ebp", 0xd43eed6e));
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Assert.Equal(0x4000129dUL, frames[1].Instruction + 1);
        Registers(frames[1], ("eip", 0x4000129d), ("esp", frame1Esp.Value), ("ebp", frame1Ebp.Value));
    }

    /// <summary>upstream: <c>init_cfi_state</c>. The youngest frame's function and its CFI at each step of its prologue.</summary>
    private static (UnwindFixture Fixture, Stack Stack) CfiState()
    {
        var f = UnwindFixture.X86();
        f.Symbols["module1"] = string.Concat(
            "FUNC 4000 1000 10 enchiridion\n",
            "STACK CFI INIT 4000 100 .cfa: $esp 4 + .ra: .cfa 4 - ^\n",
            "STACK CFI 4001 .cfa: $esp 8 + $ebx: .cfa 8 - ^\n",
            "STACK CFI 4002 $esi: $ebx\n",
            "STACK CFI 4003 .cfa: $esp 20 + $edi: .cfa 16 - ^\n",
            "STACK CFI 4005 .ra: $edi\n",
            "STACK CFI 4006 .cfa: $ebp 8 + $ebp: .cfa 12 - ^\n",
            "FUNC 5000 1000 10 epictetus\n",
            "STACK CFI INIT 5000 1000 .cfa: $esp .ra 0\n");
        f["esp"] = 0x80000000;
        f["eip"] = 0x40005510;
        f["ebp"] = 0xc0d4aab9;
        f["ebx"] = 0x60f20ce6;
        f["esi"] = 0x53d1379d;
        f["edi"] = 0xafbae234;
        return (f, new Stack(0x80000000));
    }

    /// <summary>upstream: <c>check_cfi</c>. Frame 1 has exactly the callee-saved registers of the initial state, and the given %esp.</summary>
    private static async Task CheckCfi(UnwindFixture f, Stack stack, ulong callerEsp)
    {
        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.CallFrameInfo, frames[1].Trust);
        Registers(frames[1], ("eip", 0x40005510), ("esp", callerEsp), ("ebp", 0xc0d4aab9), ("ebx", 0x60f20ce6),
            ("esi", 0x53d1379d), ("edi", 0xafbae234));
    }

    // upstream: test_cfi_at_4000
    [Fact]
    public async Task Cfi_at_4000()
    {
        var (f, stack) = CfiState();
        Label frame1Esp = new();
        stack.D32(0x40005510).Mark(frame1Esp).Repeat(0, 1000);
        f["eip"] = 0x40004000;

        await CheckCfi(f, stack, frame1Esp.Value);
    }

    // upstream: test_cfi_at_4001
    [Fact]
    public async Task Cfi_at_4001()
    {
        var (f, stack) = CfiState();
        Label frame1Esp = new();
        stack.D32(0x60f20ce6).D32(0x40005510).Mark(frame1Esp).Repeat(0, 1000);
        f["eip"] = 0x40004001;
        f["ebx"] = 0x91aa9a8b;

        await CheckCfi(f, stack, frame1Esp.Value);
    }

    // upstream: test_cfi_at_4002
    [Fact]
    public async Task Cfi_at_4002()
    {
        var (f, stack) = CfiState();
        Label frame1Esp = new();
        stack.D32(0x60f20ce6).D32(0x40005510).Mark(frame1Esp).Repeat(0, 1000);
        f["eip"] = 0x40004002;
        f["ebx"] = 0x53d1379d;
        f["esi"] = 0xa5c790ed;

        await CheckCfi(f, stack, frame1Esp.Value);
    }

    // upstream: test_cfi_at_4003
    [Fact]
    public async Task Cfi_at_4003()
    {
        var (f, stack) = CfiState();
        Label frame1Esp = new();
        stack.D32(0x56ec3db7).D32(0xafbae234).D32(0x53d67131).D32(0x60f20ce6).D32(0x40005510).Mark(frame1Esp).Repeat(0, 1000);
        f["eip"] = 0x40004003;
        f["ebx"] = 0x53d1379d;
        f["esi"] = 0xa97f229d;
        f["edi"] = 0xb05cc997;

        await CheckCfi(f, stack, frame1Esp.Value);
    }

    // upstream: test_cfi_at_4004 (the rules of 4003 still apply)
    [Fact]
    public async Task Cfi_at_4004()
    {
        var (f, stack) = CfiState();
        Label frame1Esp = new();
        stack.D32(0x56ec3db7).D32(0xafbae234).D32(0x53d67131).D32(0x60f20ce6).D32(0x40005510).Mark(frame1Esp).Repeat(0, 1000);
        f["eip"] = 0x40004004;
        f["ebx"] = 0x53d1379d;
        f["esi"] = 0xa97f229d;
        f["edi"] = 0xb05cc997;

        await CheckCfi(f, stack, frame1Esp.Value);
    }

    // upstream: test_cfi_at_4005
    [Fact]
    public async Task Cfi_at_4005()
    {
        var (f, stack) = CfiState();
        Label frame1Esp = new();
        stack.D32(0xe29782c2).D32(0xafbae234).D32(0x5ba29ce9).D32(0x60f20ce6).D32(0x8036cc02).Mark(frame1Esp).Repeat(0, 1000);
        f["eip"] = 0x40004005;
        f["ebx"] = 0x53d1379d;
        f["esi"] = 0x0fb7dc4e;
        f["edi"] = 0x40005510;

        await CheckCfi(f, stack, frame1Esp.Value);
    }

    // upstream: test_cfi_at_4006
    [Fact]
    public async Task Cfi_at_4006()
    {
        var (f, stack) = CfiState();
        Label frame0Ebp = new(), frame1Esp = new();
        stack.D32(0xdcdd25cd).D32(0xafbae234).D32(0xc0d4aab9).Mark(frame0Ebp).D32(0x60f20ce6).D32(0x8036cc02)
            .Mark(frame1Esp).Repeat(0, 1000);
        f["ebp"] = frame0Ebp.Value;
        f["eip"] = 0x40004006;
        f["ebx"] = 0x53d1379d;
        f["esi"] = 0x743833c9;
        f["edi"] = 0x40005510;

        await CheckCfi(f, stack, frame1Esp.Value);
    }

    private const string FrameDataProgram =
        " $T2 $esp .cbSavedRegs + = $T0 .raSearchStart = $eip $T0 ^ = $esp $T0 4 + = $ebx $T2 4  - ^ = $edi $T2 8  - ^ = $esi $T2 12 - ^ = $ebp $T2 16 - ^ =\n";

    /// <summary>The stack and context shared by the basic and overlapping STACK WIN tests.</summary>
    private static async Task CheckFrameData(UnwindFixture f)
    {
        Label frame1Esp = new(), frame1Ebp = new();
        var stack = new Stack(0x80000000)
            .D32(frame1Ebp).D32(0xa7120d1a).D32(0x630891be).D32(0x9068a878).D32(0xa08ea45f).D32(0x40001350)
            .Mark(frame1Esp).Repeat(0, 12)
            .Mark(frame1Ebp).D32(0).D32(0);
        f["eip"] = 0x4000aa85;
        f["esp"] = stack.BaseAddress;
        f["ebp"] = 0xf052c1de;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(0x4000aa85UL, frames[0].Instruction);
        Has(frames[0], ("eip", 0x4000aa85), ("esp", 0x80000000), ("ebp", 0xf052c1de));
        Assert.Equal(FrameTrust.CallFrameInfo, frames[1].Trust);
        Assert.Equal(0x40001350UL, frames[1].Instruction + 1);
        Has(frames[1], ("eip", 0x40001350), ("esp", frame1Esp.Value), ("ebp", frame1Ebp.Value), ("ebx", 0x9068a878),
            ("esi", 0xa7120d1a), ("edi", 0x630891be));
    }

    // upstream: test_stack_win_frame_data_basic
    [Fact]
    public async Task Stack_win_frame_data_basic()
    {
        var f = UnwindFixture.X86();
        f.Symbols["module1"] = "STACK WIN 4 aa85 176 0 0 4 10 4 0 1" + FrameDataProgram;

        await CheckFrameData(f);
    }

    // upstream: test_stack_win_frame_data_overlapping — overlapping records: the one starting
    // nearest below the address wins.
    [Fact]
    public async Task Stack_win_frame_data_overlapping()
    {
        var f = UnwindFixture.X86();
        f.Symbols["module1"] = string.Concat(
            "STACK WIN 4 aa80 181 0 0 4 10 4 0 1 $eip .raSearchStart =\n",
            "STACK WIN 4 aa84 177 0 0 4 10 4 0 1 $eip .raSearchStart =\n",
            "STACK WIN 4 aa85 176 0 0 4 10 4 0 1" + FrameDataProgram,
            "STACK WIN 4 aa86 175 0 0 4 10 4 0 1 $eip .raSearchStart =\n");

        await CheckFrameData(f);
    }

    // upstream: test_stack_win_frame_data_parameter_size — the parameter size of the frame below
    // (from its STACK WIN record, not its FUNC) feeds .raSearchStart.
    [Fact]
    public async Task Stack_win_frame_data_parameter_size()
    {
        var f = UnwindFixture.X86();
        f.Symbols["module1"] = "FUNC 1000 100 c module1::wheedle\n";
        f.Symbols["module2"] = string.Concat(
            "FUNC aa85 176 beef module2::whine\n",
            "STACK WIN 4 aa85 176 0 0 4 10 4 0 1",
            " $T2 $esp .cbLocals + .cbSavedRegs + = $T0 .raSearchStart = $eip $T0 ^ = $esp $T0 4 + = $ebp $T0 20 - ^ = $ebx $T0 8 - ^ =\n");
        Label frame0Esp = new(), frame0Ebp = new(), frame1Esp = new(), frame2Esp = new(), frame2Ebp = new();
        var stack = new Stack(0x80000000)
            .Mark(frame0Esp).Repeat(0, 16)
            .Mark(frame0Ebp).D32(0x6fa902e0).D32(0x5000aa95)
            .Mark(frame1Esp).D32(0xbaa0cb7a).D32(0xbdc92f9f).D32(0x0b1d8442).D32(frame2Ebp).D32(0xb1b90a15).D32(0xf18e072d)
            .D32(0x2558c7f3).D32(0x0365e25e).D32(0x2a179e38)
            .Mark(frame2Esp).Repeat(0, 12)
            .Mark(frame2Ebp).D32(0).D32(0);
        f["eip"] = 0x40001004;
        f["esp"] = stack.BaseAddress;
        f["ebp"] = frame0Ebp.Value;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(3, frames.Count);
        IsContextFrame(frames[0]);
        Has(frames[0], ("eip", 0x40001004), ("esp", frame0Esp.Value), ("ebp", frame0Ebp.Value));
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Assert.Equal(0x5000aa95UL, frames[1].Instruction + 1);
        Registers(frames[1], ("eip", 0x5000aa95), ("esp", frame1Esp.Value), ("ebp", 0x6fa902e0));
        Assert.Equal(4u, frames[1].ParameterSize);
        Assert.Equal(FrameTrust.CallFrameInfo, frames[2].Trust);
        Assert.Equal(0x2a179e38UL, frames[2].Instruction + 1);
        Has(frames[2], ("eip", 0x2a179e38), ("esp", frame2Esp.Value), ("ebp", frame2Ebp.Value), ("ebx", 0x2558c7f3));
    }

    // upstream: test_frame_pointer_overflow — an %ebp at the top of the address space.
    [Fact]
    public async Task Frame_pointer_overflow()
    {
        var f = UnwindFixture.X86();
        var stack = new Stack(uint.MaxValue - 1000).Repeat(0, 1000);
        f["eip"] = 0x7a100000;
        f["ebp"] = uint.MaxValue;
        f["esp"] = stack.BaseAddress;

        Assert.Single(await f.WalkAsync(stack));
    }

    // upstream: test_frame_pointer_overflow_nonsense_32bit_stack — stack memory that straddles
    // 4 GiB: reads succeed, but 32-bit pointer arithmetic would overflow.
    [Fact]
    public async Task Frame_pointer_overflow_nonsense_32bit_stack()
    {
        var f = UnwindFixture.X86();
        var stack = new Stack(uint.MaxValue + 8UL - 1000).Repeat(0, 1000);
        f["eip"] = 0x7a100000;
        f["ebp"] = uint.MaxValue - 4UL;
        f["esp"] = (uint)stack.BaseAddress;

        Assert.Single(await f.WalkAsync(stack));
    }

    // upstream: test_frame_pointer_barely_no_overflow — a frame record just below 4 GiB unwinds.
    [Fact]
    public async Task Frame_pointer_barely_no_overflow()
    {
        var f = UnwindFixture.X86();
        Label frame0Fp = new(), frame1Sp = new(), frame1Fp = new();
        const ulong returnAddress = 0x7b302000;
        var stack = new Stack(uint.MaxValue - 12)
            .Mark(frame0Fp).D32(frame1Fp).D32(returnAddress)
            .Mark(frame1Sp).Mark(frame1Fp).D32(0);
        f["eip"] = 0x7a100000;
        f["ebp"] = frame0Fp.Value;
        f["esp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Has(frames[0], ("ebp", frame0Fp.Value));
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("eip", returnAddress), ("esp", frame1Sp.Value), ("ebp", frame1Fp.Value));
    }

    // Not upstream (rust-minidump's tests have no FPO record): STACK WIN 0 without a saved
    // %ebp. The return address lies above the locals and saved registers; %ebp and %ebx carry
    // through, and the other callee-saved registers are forwarded as for any CFI frame.
    [Fact]
    public async Task Stack_win_fpo_keeps_the_callers_ebp_and_ebx()
    {
        var f = UnwindFixture.X86();
        f.Symbols["module1"] = "STACK WIN 0 aa85 176 0 0 4 8 4 0 0 0\n";
        Label frame1Esp = new();
        var stack = new Stack(0x80000000)
            .D32(0x11111111).D32(0x22222222).D32(0x33333333).D32(0x40001350)
            .Mark(frame1Esp).Repeat(0, 16);
        f["eip"] = 0x4000aa90;
        f["esp"] = stack.BaseAddress;
        f["ebp"] = 0x8badf00d;
        f["ebx"] = 0x0badc0de;
        f["esi"] = 0x5e5e5e5e;
        f["edi"] = 0xd1d1d1d1;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        Assert.Equal(FrameTrust.CallFrameInfo, frames[1].Trust);
        Registers(frames[1], ("eip", 0x40001350), ("esp", frame1Esp.Value), ("ebp", 0x8badf00d), ("ebx", 0x0badc0de),
            ("esi", 0x5e5e5e5e), ("edi", 0xd1d1d1d1));
    }

    // Not upstream: STACK WIN 0 for a function that saved the caller's %ebp: it is read from the
    // saved-register area (.cbCalleeParams + .cbSavedRegs - 8 above %esp, as Breakpad's FPO program reads it).
    [Fact]
    public async Task Stack_win_fpo_reads_a_saved_ebp()
    {
        var f = UnwindFixture.X86();
        f.Symbols["module1"] = "STACK WIN 0 aa85 176 0 0 4 8 4 0 0 1\n";
        Label frame1Esp = new();
        var stack = new Stack(0x80000000)
            .D32(0x80000100).D32(0x22222222).D32(0x33333333).D32(0x40001350)
            .Mark(frame1Esp).Repeat(0, 16);
        f["eip"] = 0x4000aa90;
        f["esp"] = stack.BaseAddress;
        f["ebp"] = 0x8badf00d;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(FrameTrust.CallFrameInfo, frames[1].Trust);
        Has(frames[1], ("eip", 0x40001350), ("esp", frame1Esp.Value), ("ebp", 0x80000100));
    }

    // Not upstream: in the context frame, an FPO function's own return address may still sit
    // where the caller's is expected (a system call that has returned); it is skipped.
    [Fact]
    public async Task Stack_win_fpo_skips_a_leftover_return_address_in_the_context_frame()
    {
        var f = UnwindFixture.X86();
        f.Symbols["module1"] = "STACK WIN 0 aa85 176 0 0 4 8 4 0 0 0\n";
        Label frame1Esp = new();
        var stack = new Stack(0x80000000)
            .D32(0x11111111).D32(0x22222222).D32(0x33333333).D32(0x4000aa90).D32(0x40001350)
            .Mark(frame1Esp).Repeat(0, 16);
        f["eip"] = 0x4000aa90;
        f["esp"] = stack.BaseAddress;
        f["ebp"] = 0x8badf00d;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(FrameTrust.CallFrameInfo, frames[1].Trust);
        Has(frames[1], ("eip", 0x40001350), ("esp", frame1Esp.Value));
    }

    // Not upstream: a register whose own CFI rule cannot be evaluated is not forwarded from the
    // callee (it would be the callee's value, not the caller's): it is left out.
    [Fact]
    public async Task Cfi_register_whose_rule_fails_is_not_forwarded()
    {
        var (f, stack) = CfiState();
        f.Symbols["module1"] = "FUNC 4000 1000 10 enchiridion\nSTACK CFI INIT 4000 100 .cfa: $esp 4 + .ra: .cfa 4 - ^ $ebx: $nope $esi: .cfa 4 - ^\n";
        Label frame1Esp = new();
        stack.D32(0x40005510).Mark(frame1Esp).Repeat(0, 64);
        f["eip"] = 0x40004000;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(FrameTrust.CallFrameInfo, frames[1].Trust);
        Registers(frames[1], ("eip", 0x40005510), ("esp", frame1Esp.Value), ("ebp", 0xc0d4aab9), ("esi", 0x40005510),
            ("edi", 0xafbae234));
    }
}
