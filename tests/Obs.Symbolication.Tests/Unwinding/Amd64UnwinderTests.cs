using static Obs.Symbolication.Tests.Unwinding.FrameAssert;
using Label = Obs.Minidump.Synth.SyntheticDump.Label;
using Stack = Obs.Minidump.Synth.SyntheticDump.StackSection;

namespace Obs.Symbolication.Tests.Unwinding;

/// <summary>rust-minidump's <c>amd64_unittest.rs</c>, one test per upstream test (named after it).</summary>
public sealed class Amd64UnwinderTests
{
    private const ulong StackStart = 0x8000000080000000;

    // upstream: test_simple
    [Fact]
    public async Task Simple()
    {
        var f = UnwindFixture.Amd64();
        f["rip"] = 0x00007400c0000200;
        f["rbp"] = 0x8000000080000000;

        var frames = await f.WalkAsync(new Stack(0x80000000));

        Assert.Single(frames);
        Assert.Equal("module1", frames[0].Module?.CodeFile);
    }

    // upstream: test_caller_pushed_rbp — the caller's %rbp right below the return address.
    [Fact]
    public async Task Caller_pushed_rbp()
    {
        var f = UnwindFixture.Amd64();
        const ulong returnAddress = 0x00007500b0000110;
        Label frame0Rbp = new(), frame1Sp = new(), frame1Rbp = new();
        var stack = new Stack(StackStart)
            .Repeat(0, 16)
            .D64(0x00007400b0000000).D64(0x00007500b0000000).D64(0x00007400c0001000).D64(0x00007500b000aaaa)
            .Mark(frame0Rbp).D64(frame1Rbp).D64(returnAddress)
            .Mark(frame1Sp).Repeat(0, 32)
            .Mark(frame1Rbp).D64(0);
        f["rip"] = 0x00007400c0000200;
        f["rbp"] = frame0Rbp.Value;
        f["rsp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Has(frames[0], ("rbp", frame0Rbp.Value));
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("rip", returnAddress), ("rsp", frame1Sp.Value), ("rbp", frame1Rbp.Value));
    }

    // upstream: test_windows_rbp_scan — on Windows %rbp may point into the middle of the frame.
    [Fact]
    public async Task Windows_rbp_scan()
    {
        var f = UnwindFixture.Amd64();
        f.Platform = UnwindFixture.Windows;
        const ulong returnAddress = 0x00007500b0000110;
        Label frame0Rbp = new(), frame1Sp = new(), frame1Rbp = new();
        var stack = new Stack(StackStart)
            .Repeat(0, 16)
            .D64(0x00000000b0000000).D64(0x00000000b0000000)
            .Mark(frame0Rbp).D64(0x00000000c0001000).D64(0x00000000b000aaaa)
            .D64(frame1Rbp).D64(returnAddress)
            .Mark(frame1Sp).Repeat(0, 32)
            .Mark(frame1Rbp).D64(0);
        f["rip"] = 0x00007400c0000200;
        f["rbp"] = frame0Rbp.Value;
        f["rsp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Has(frames[0], ("rbp", frame0Rbp.Value));
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("rip", returnAddress), ("rsp", frame1Sp.Value), ("rbp", frame1Rbp.Value));
    }

    // upstream: test_windows_rbp_scan_large_frames — frame records 0, 16 and 240 bytes above %rbp.
    [Fact]
    public async Task Windows_rbp_scan_large_frames()
    {
        var f = UnwindFixture.Amd64();
        f.Platform = UnwindFixture.Windows;
        const ulong frame1Rip = 0x00007500b0000110, frame2Rip = 0x00007500b0000120, frame3Rip = 0x00007500b0000130;
        Label frame0Rbp = new(), frame1Sp = new(), frame1Rbp = new(), frame2Sp = new(), frame2Rbp = new(), frame3Sp = new(),
            frame3Rbp = new();
        var stack = new Stack(StackStart)
            .Repeat(1, 16).D64(0x00007500b0000000)
            .Mark(frame0Rbp).D64(frame1Rbp).D64(frame1Rip)
            .Mark(frame1Sp).Repeat(2, 16)
            .Mark(frame1Rbp).D64(0xa).D64(0xb).D64(frame2Rbp).D64(frame2Rip)
            .Mark(frame2Sp).Repeat(0, 512)
            .Mark(frame2Rbp).Repeat(0, 240).D64(frame3Rbp).D64(frame3Rip)
            .Mark(frame3Sp).Mark(frame3Rbp).D64(0);
        f["rip"] = 0x00007400c0000200;
        f["rbp"] = frame0Rbp.Value;
        f["rsp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(4, frames.Count);
        IsContextFrame(frames[0]);
        Has(frames[0], ("rbp", frame0Rbp.Value));
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("rip", frame1Rip), ("rsp", frame1Sp.Value), ("rbp", frame1Rbp.Value));
        Assert.Equal(FrameTrust.FramePointer, frames[2].Trust);
        Registers(frames[2], ("rip", frame2Rip), ("rsp", frame2Sp.Value), ("rbp", frame2Rbp.Value));
        Assert.Equal(FrameTrust.FramePointer, frames[3].Trust);
        Registers(frames[3], ("rip", frame3Rip), ("rsp", frame3Sp.Value), ("rbp", frame3Rbp.Value));
    }

    // upstream: test_scan_without_symbols — only addresses in modules are return addresses; the
    // scanned frames' stack pointers must be right for the next scan.
    [Fact]
    public async Task Scan_without_symbols()
    {
        var f = UnwindFixture.Amd64();
        const ulong returnAddress1 = 0x00007500b0000100, returnAddress2 = 0x00007500b0000900;
        Label frame1Sp = new(), frame2Sp = new(), frame1Rbp = new();
        var stack = new Stack(StackStart)
            .Repeat(0, 16).D64(0x00007400b0000000).D64(0x00007500d0000000).D64(returnAddress1)
            .Mark(frame1Sp).Repeat(0, 16).D64(0x00007400b0000000).D64(0x00007500d0000000)
            .Mark(frame1Rbp).D64(StackStart).D64(returnAddress2)
            .Mark(frame2Sp).Repeat(0, 32);
        f["rip"] = 0x00007400c0000200;
        f["rbp"] = frame1Rbp.Value;
        f["rsp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(3, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Registers(frames[1], ("rip", returnAddress1), ("rsp", frame1Sp.Value), ("rbp", frame1Rbp.Value));
        Assert.Equal(FrameTrust.Scan, frames[2].Trust);
        Registers(frames[2], ("rip", returnAddress2), ("rsp", frame2Sp.Value));
    }

    // upstream: test_scan_with_symbols — addresses in a module but outside its functions are rejected.
    [Fact]
    public async Task Scan_with_symbols()
    {
        var f = UnwindFixture.Amd64();
        const ulong returnAddress = 0x00007500b0000110;
        Label frame1Rsp = new(), frame1Rbp = new();
        var stack = new Stack(StackStart)
            .Repeat(0, 16)
            .D64(0x00007400b0000000).D64(0x00007500b0000000).D64(0x00007400c0001000).D64(0x00007500b000aaaa)
            .D64(returnAddress)
            .Mark(frame1Rsp).Repeat(0, 32)
            .Mark(frame1Rbp);
        f["rip"] = 0x00007400c0000200;
        f["rbp"] = frame1Rbp.Value;
        f["rsp"] = stack.BaseAddress;
        f.Symbols["module1"] = "FUNC 100 400 10 monotreme\n";
        f.Symbols["module2"] = "FUNC 100 400 10 marsupial\n";

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Registers(frames[1], ("rip", returnAddress), ("rsp", frame1Rsp.Value), ("rbp", frame1Rbp.Value));
    }

    // upstream: test_scan_with_symbols_sandwiched — after a CFI frame the long scan steps over
    // frames that have no unwind information (JIT code).
    [Fact]
    public async Task Scan_with_symbols_sandwiched()
    {
        var (f, stack) = CfiState();
        const ulong returnAddress = 0x00007500b0000110;
        Label frame1Rsp = new();
        stack.D64(0x00007400c0005510)
            .Mark(frame1Rsp)
            .Repeat(0, 256).D64(0x000090000000000a)
            .Repeat(1, 256).D64(0x00009000000000a0)
            .Repeat(2, 256).D64(0x0000900000000a00)
            .Repeat(3, 256).D64(0x000090000000a000)
            .D64(0x0000900000000001).D64(0x0000900000000002).D64(0x0000900000000003)
            .D64(returnAddress)
            .Repeat(0, 1000);
        f["rip"] = 0x00007400c0004000;

        var frames = await f.WalkAsync(stack);

        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.CallFrameInfo, frames[1].Trust);
        CheckCfiRegisters(frames[1], frame1Rsp.Value);
        Assert.Equal(FrameTrust.Scan, frames[2].Trust);
        Assert.Equal(returnAddress, frames[2].Registers.InstructionPointer);
    }

    /// <summary>upstream: <c>init_cfi_state</c>. The youngest frame's function and its CFI at each step of its prologue.</summary>
    private static (UnwindFixture Fixture, Stack Stack) CfiState()
    {
        var f = UnwindFixture.Amd64();
        f.Symbols["module1"] = string.Concat(
            "FUNC 4000 1000 10 enchiridion\n",
            "STACK CFI INIT 4000 100 .cfa: $rsp 8 + .ra: .cfa 8 - ^\n",
            "STACK CFI 4001 .cfa: $rsp 16 + $rbx: .cfa 16 - ^\n",
            "STACK CFI 4002 $r12: $rbx\n",
            "STACK CFI 4003 .cfa: $rsp 40 + $r13: .cfa 32 - ^\n",
            "STACK CFI 4005 .ra: $r13\n",
            "STACK CFI 4006 .cfa: $rbp 16 + $rbp: .cfa 24 - ^\n",
            "FUNC 5000 1000 10 epictetus\n",
            "STACK CFI INIT 5000 1000 .cfa: $rsp .ra 0\n");
        f["rsp"] = StackStart;
        f["rip"] = 0x00007400c0005510;
        f["rbp"] = 0x68995b1de4700266;
        f["rbx"] = 0x5a5beeb38de23be8;
        f["r12"] = 0xed1b02e8cc0fc79c;
        f["r13"] = 0x1d20ad8acacbe930;
        f["r14"] = 0xe94cffc2f7adaa28;
        f["r15"] = 0xb638d17d8da413b5;
        return (f, new Stack(StackStart));
    }

    /// <summary>upstream: <c>assert_valid_registers</c> with the initial state's callee-saved registers.</summary>
    private static void CheckCfiRegisters(StackFrame frame, ulong callerRsp) =>
        Registers(frame, ("rip", 0x00007400c0005510), ("rsp", callerRsp), ("rbp", 0x68995b1de4700266), ("rbx", 0x5a5beeb38de23be8),
            ("r12", 0xed1b02e8cc0fc79c), ("r13", 0x1d20ad8acacbe930), ("r14", 0xe94cffc2f7adaa28), ("r15", 0xb638d17d8da413b5));

    /// <summary>upstream: <c>check_cfi</c>.</summary>
    private static async Task CheckCfi(UnwindFixture f, Stack stack, ulong callerRsp)
    {
        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.CallFrameInfo, frames[1].Trust);
        CheckCfiRegisters(frames[1], callerRsp);
    }

    // upstream: test_cfi_at_4000
    [Fact]
    public async Task Cfi_at_4000()
    {
        var (f, stack) = CfiState();
        Label frame1Rsp = new();
        stack.D64(0x00007400c0005510).Mark(frame1Rsp).Repeat(0, 1000);
        f["rip"] = 0x00007400c0004000;

        await CheckCfi(f, stack, frame1Rsp.Value);
    }

    // upstream: test_cfi_at_4001
    [Fact]
    public async Task Cfi_at_4001()
    {
        var (f, stack) = CfiState();
        Label frame1Rsp = new();
        stack.D64(0x5a5beeb38de23be8).D64(0x00007400c0005510).Mark(frame1Rsp).Repeat(0, 1000);
        f["rip"] = 0x00007400c0004001;
        f["rbx"] = 0xbe0487d2f9eafe29;

        await CheckCfi(f, stack, frame1Rsp.Value);
    }

    // upstream: test_cfi_at_4002
    [Fact]
    public async Task Cfi_at_4002()
    {
        var (f, stack) = CfiState();
        Label frame1Rsp = new();
        stack.D64(0x5a5beeb38de23be8).D64(0x00007400c0005510).Mark(frame1Rsp).Repeat(0, 1000);
        f["rip"] = 0x00007400c0004002;
        f["rbx"] = 0xed1b02e8cc0fc79c;
        f["r12"] = 0xb0118de918a4bcea;

        await CheckCfi(f, stack, frame1Rsp.Value);
    }

    // upstream: test_cfi_at_4003
    [Fact]
    public async Task Cfi_at_4003()
    {
        var (f, stack) = CfiState();
        Label frame1Rsp = new();
        stack.D64(0x0e023828dffd4d81).D64(0x1d20ad8acacbe930).D64(0x319e68b49e3ace0f).D64(0x5a5beeb38de23be8)
            .D64(0x00007400c0005510).Mark(frame1Rsp).Repeat(0, 1000);
        f["rip"] = 0x00007400c0004003;
        f["rbx"] = 0xed1b02e8cc0fc79c;
        f["r12"] = 0x89d04fa804c87a43;
        f["r13"] = 0x5118e02cbdb24b03;

        await CheckCfi(f, stack, frame1Rsp.Value);
    }

    // upstream: test_cfi_at_4004 (the rules of 4003 still apply)
    [Fact]
    public async Task Cfi_at_4004()
    {
        var (f, stack) = CfiState();
        Label frame1Rsp = new();
        stack.D64(0x0e023828dffd4d81).D64(0x1d20ad8acacbe930).D64(0x319e68b49e3ace0f).D64(0x5a5beeb38de23be8)
            .D64(0x00007400c0005510).Mark(frame1Rsp).Repeat(0, 1000);
        f["rip"] = 0x00007400c0004004;
        f["rbx"] = 0xed1b02e8cc0fc79c;
        f["r12"] = 0x46b1b8868891b34a;
        f["r13"] = 0x5118e02cbdb24b03;

        await CheckCfi(f, stack, frame1Rsp.Value);
    }

    // upstream: test_cfi_at_4005
    [Fact]
    public async Task Cfi_at_4005()
    {
        var (f, stack) = CfiState();
        Label frame1Rsp = new();
        stack.D64(0x4b516dd035745953).D64(0x1d20ad8acacbe930).D64(0xa6d445e16ae3d872).D64(0x5a5beeb38de23be8)
            .D64(0xaa95fa054aedfbae).Mark(frame1Rsp).Repeat(0, 1000);
        f["rip"] = 0x00007400c0004005;
        f["rbx"] = 0xed1b02e8cc0fc79c;
        f["r12"] = 0x46b1b8868891b34a;
        f["r13"] = 0x00007400c0005510;

        await CheckCfi(f, stack, frame1Rsp.Value);
    }

    // upstream: test_cfi_at_4006
    [Fact]
    public async Task Cfi_at_4006()
    {
        var (f, stack) = CfiState();
        Label frame0Rbp = new(), frame1Rsp = new();
        stack.D64(0x043c6dfceb91aa34).D64(0x1d20ad8acacbe930).D64(0x68995b1de4700266).Mark(frame0Rbp).D64(0x5a5beeb38de23be8)
            .D64(0xf015ee516ad89eab).Mark(frame1Rsp).Repeat(0, 1000);
        f["rip"] = 0x00007400c0004006;
        f["rbp"] = frame0Rbp.Value;
        f["rbx"] = 0xed1b02e8cc0fc79c;
        f["r12"] = 0x26e007b341acfebd;
        f["r13"] = 0x00007400c0005510;

        await CheckCfi(f, stack, frame1Rsp.Value);
    }

    // upstream: test_frame_pointer_overflow — an %rbp at the top of the address space.
    [Fact]
    public async Task Frame_pointer_overflow()
    {
        var f = UnwindFixture.Amd64();
        var stack = new Stack(ulong.MaxValue - 1000).Repeat(0, 1000);
        f["rip"] = 0x00007400c0000200;
        f["rbp"] = ulong.MaxValue;
        f["rsp"] = stack.BaseAddress;

        Assert.Single(await f.WalkAsync(stack));
    }

    // upstream: test_frame_pointer_barely_no_overflow — a frame record just below the top unwinds.
    [Fact]
    public async Task Frame_pointer_barely_no_overflow()
    {
        var f = UnwindFixture.Amd64();
        const ulong returnAddress = 0x00007500b0000110;
        Label frame0Fp = new(), frame1Sp = new(), frame1Fp = new();
        var stack = new Stack(ulong.MaxValue - 24)
            .Mark(frame0Fp).D64(frame1Fp).D64(returnAddress)
            .Mark(frame1Sp).Mark(frame1Fp).D64(0);
        f["rip"] = 0x00007400c0000200;
        f["rbp"] = frame0Fp.Value;
        f["rsp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Has(frames[0], ("rbp", frame0Fp.Value));
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("rip", returnAddress), ("rsp", frame1Sp.Value), ("rbp", frame1Fp.Value));
    }

    // upstream: test_scan_walk_overflow — a return address in the very first word of a stack at
    // address 0: no %rbp can be recovered below it.
    [Fact]
    public async Task Scan_walk_overflow()
    {
        var f = UnwindFixture.Amd64();
        const ulong returnAddress1 = 0x00007500b0000100;
        Label frame1Sp = new(), frame1Rbp = new();
        var stack = new Stack(0)
            .D64(returnAddress1)
            .Mark(frame1Sp).Repeat(0, 16).D64(0x00007400b0000000).D64(0x00007500d0000000)
            .Mark(frame1Rbp);
        f["rip"] = 0x00007400c0000200;
        f["rbp"] = frame1Rbp.Value;
        f["rsp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Registers(frames[1], ("rip", returnAddress1), ("rsp", frame1Sp.Value));
        Assert.Equal(0UL, frames[1].Registers.GetRaw(RegisterLayout.Amd64.FramePointer));
    }
}
