using static Obs.Symbolication.Tests.Unwinding.FrameAssert;
using Label = Obs.Minidump.Synth.SyntheticDump.Label;
using Stack = Obs.Minidump.Synth.SyntheticDump.StackSection;

namespace Obs.Symbolication.Tests.Unwinding;

/// <summary>rust-minidump's <c>arm_unittest.rs</c>, one test per upstream test (named after it). The OS is iOS unless a test says otherwise.</summary>
public sealed class ArmUnwinderTests
{
    private const ulong ReturnAddress1 = 0x50000100, ReturnAddress2 = 0x50000900;

    // upstream: test_simple — no CFI and an empty stack: only the context frame.
    [Fact]
    public async Task Simple()
    {
        var f = UnwindFixture.Arm();
        f["pc"] = 0x4000c020;
        f["fp"] = 0x80000000;

        var frames = await f.WalkAsync(new Stack(0x80000000));

        Assert.Single(frames);
        Assert.Equal("module1", frames[0].Module?.CodeFile);
    }

    // upstream: test_scan_without_symbols — an fp that points nowhere forces scanning.
    [Fact]
    public async Task Scan_without_symbols()
    {
        var f = UnwindFixture.Arm();
        Label frame1Sp = new(), frame2Sp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 16).D32(0x40090000).D32(0x60000000).D32(ReturnAddress1)
            .Mark(frame1Sp).Repeat(0, 16).D32(0xF0000000).D32(0x0000000D).D32(ReturnAddress2)
            .Mark(frame2Sp).Repeat(0, 32);
        f["pc"] = 0x40005510;
        f["fp"] = 0x00000001;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(3, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Registers(frames[1], ("pc", ReturnAddress1), ("sp", frame1Sp.Value));
        Assert.Equal(FrameTrust.Scan, frames[2].Trust);
        Registers(frames[2], ("pc", ReturnAddress2), ("sp", frame2Sp.Value));
    }

    // upstream: test_scan_first_frame — the context frame's scan reaches further than later ones.
    [Fact]
    public async Task Scan_first_frame()
    {
        var f = UnwindFixture.Arm();
        Label frame1Sp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 16).D32(0x40090000).D32(0x60000000).Repeat(0, 96).D32(ReturnAddress1)
            .Mark(frame1Sp).Repeat(0, 32).D32(0xF0000000).D32(0x0000000D).Repeat(0, 336).D32(ReturnAddress2)
            .Repeat(0, 64);
        f["pc"] = 0x40005510;
        f["fp"] = 0x00000001;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Registers(frames[1], ("pc", ReturnAddress1), ("sp", frame1Sp.Value));
    }

    // upstream: test_invalid_lr — on Linux frame records are not trusted, so an lr pointing into
    // the stack does not matter: both callers are found by scanning.
    [Fact]
    public async Task Invalid_lr()
    {
        var f = UnwindFixture.Arm();
        f.Platform = UnwindFixture.Linux;
        Label lr = new(), frame1Sp = new(), frame2Sp = new(), frame1Fp = new(), frame2Fp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 32).Mark(lr).D32(0x0000000D).D32(0xF0000000)
            .Mark(frame1Fp).D32(frame2Fp).D32(ReturnAddress1)
            .Mark(frame1Sp).Repeat(0, 32).D32(0x0000000D).D32(0xF0000000)
            .Mark(frame2Fp).D32(0).D32(ReturnAddress2)
            .Mark(frame2Sp);
        f["pc"] = 0x40005510;
        f["lr"] = lr.Value;
        f["fp"] = frame1Fp.Value;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(3, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Registers(frames[1], ("pc", ReturnAddress1), ("sp", frame1Sp.Value));
        Assert.Equal(FrameTrust.Scan, frames[2].Trust);
        Registers(frames[2], ("pc", ReturnAddress2), ("sp", frame2Sp.Value));
    }

    /// <summary>upstream: the stack of <c>test_frame_pointer</c>, with frame 0's saved fp chosen by the test.</summary>
    private static (Stack Stack, Label Frame0Fp, Label Frame1Sp, Label Frame1Fp, Label Frame2Sp, Label Frame2Fp) FramePointerStack(
        bool evilFrame0)
    {
        Label frame0Fp = new(), frame1Sp = new(), frame1Fp = new(), frame2Sp = new(), frame2Fp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 32).D32(0x0000000D).D32(0xF0000000)
            .Mark(frame0Fp).D32(evilFrame0 ? frame0Fp : frame1Fp).D32(ReturnAddress1)
            .Mark(frame1Sp).Repeat(0, 32).D32(0x0000000D).D32(0xF0000000)
            .Mark(frame1Fp).D32(frame2Fp).D32(ReturnAddress2)
            .Mark(frame2Sp).Repeat(0, 32).D32(0x0000000D).D32(0xF0000000)
            .Mark(frame2Fp).D32(0).D32(0);
        return (stack, frame0Fp, frame1Sp, frame1Fp, frame2Sp, frame2Fp);
    }

    // upstream: test_frame_pointer
    [Fact]
    public async Task Frame_pointer()
    {
        var f = UnwindFixture.Arm();
        var (stack, frame0Fp, frame1Sp, frame1Fp, frame2Sp, frame2Fp) = FramePointerStack(evilFrame0: false);
        f["pc"] = 0x40005510;
        f["lr"] = ReturnAddress1;
        f["fp"] = frame0Fp.Value;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(3, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("pc", ReturnAddress1), ("sp", frame1Sp.Value), ("fp", frame1Fp.Value));
        Assert.Equal(FrameTrust.FramePointer, frames[2].Trust);
        Registers(frames[2], ("pc", ReturnAddress2), ("sp", frame2Sp.Value), ("fp", frame2Fp.Value));
    }

    /// <summary>
    /// upstream: <c>test_frame_pointer_stackless_leaf</c> and <c>test_frame_pointer_stackful_leaf</c>.
    /// Frame 0 is a leaf that saved nothing, so its caller (frame 1) is lost and frame 2 is found as frame 1.
    /// </summary>
    private static async Task CheckLeaf(int leafStackBytes)
    {
        var f = UnwindFixture.Arm();
        Label frame1Fp = new(), frame2Sp = new(), frame2Fp = new();
        var stack = new Stack(0x80000000);
        if (leafStackBytes > 0)
        {
            stack.Repeat(0, leafStackBytes).D64(0x0000000D).D64(0xF0000000);
        }

        stack.Repeat(0, 32).D32(0x0000000D).D32(0xF0000000)
            .Mark(frame1Fp).D32(frame2Fp).D32(ReturnAddress2)
            .Mark(frame2Sp).Repeat(0, 32).D32(0x0000000D).D32(0xF0000000)
            .Mark(frame2Fp).D32(0).D32(0);
        f["pc"] = 0x40005510;
        f["lr"] = ReturnAddress1;
        f["fp"] = frame1Fp.Value;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("pc", ReturnAddress2), ("sp", frame2Sp.Value), ("fp", frame2Fp.Value));
    }

    // upstream: test_frame_pointer_stackless_leaf
    [Fact]
    public Task Frame_pointer_stackless_leaf() => CheckLeaf(leafStackBytes: 0);

    // upstream: test_frame_pointer_stackful_leaf
    [Fact]
    public Task Frame_pointer_stackful_leaf() => CheckLeaf(leafStackBytes: 64);

    // upstream: test_frame_pointer_infinite_equality — a frame record pointing at itself: the
    // stack pointer stops growing after frame 1, and the walk must stop there.
    [Fact]
    public async Task Frame_pointer_infinite_equality()
    {
        var f = UnwindFixture.Arm();
        var (stack, frame0Fp, frame1Sp, _, _, _) = FramePointerStack(evilFrame0: true);
        f["pc"] = 0x40005510;
        f["lr"] = ReturnAddress1;
        f["fp"] = frame0Fp.Value;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("pc", ReturnAddress1), ("sp", frame1Sp.Value), ("fp", frame0Fp.Value));
    }

    /// <summary>upstream: <c>init_cfi_state</c>. The youngest frame's function and its CFI at each step of its prologue.</summary>
    private static (UnwindFixture Fixture, Stack Stack) CfiState()
    {
        var f = UnwindFixture.Arm();
        f.Symbols["module1"] = string.Concat(
            "FUNC 4000 1000 10 enchiridion\n",
            "STACK CFI INIT 4000 100 .cfa: sp .ra: lr\n",
            "STACK CFI 4001 .cfa: sp 12 + r4: .cfa 12 - ^ r11: .cfa 8 - ^ .ra: .cfa 4 - ^\n",
            "STACK CFI 4002 r4: r0 r5: r1 r6: r2 r7: r3\n",
            "STACK CFI 4003 .cfa: sp 16 + r1: .cfa 16 - ^ r4: r4 r5: r5 r6: r6 r7: r7\n",
            "STACK CFI 4005 .cfa: sp 12 + r1: .cfa 12 - ^ r11: .cfa 4 - ^ .ra: .cfa ^ sp: .cfa 4 +\n",
            "STACK CFI 4006 .cfa: sp 16 + pc: .cfa 16 - ^\n",
            "FUNC 5000 1000 10 epictetus\n",
            "STACK CFI INIT 5000 1000 .cfa: 0 .ra: 0\n",
            "FUNC 6000 1000 20 palinal\n",
            "STACK CFI INIT 6000 1000 .cfa: sp 4 - .ra: lr\n",
            "FUNC 7000 1000 20 rhetorical\n",
            "STACK CFI INIT 7000 1000 .cfa: moot .ra: ambiguous\n");
        f["pc"] = 0x40005510;
        f["sp"] = 0x80000000;
        f["fp"] = 0x8112e110;
        f["r4"] = 0xb5d55e68;
        f["r5"] = 0xebd134f3;
        f["r6"] = 0xa31e74bc;
        f["r7"] = 0x2dcb16b3;
        f["r8"] = 0x2ada2137;
        f["r9"] = 0xbbbb557d;
        f["r10"] = 0x48bf8ca7;
        return (f, new Stack(0x80000000));
    }

    /// <summary>upstream: <c>check_cfi</c>. Frame 1 has the initial state's callee-saved registers, the given sp, and r1 when given.</summary>
    private static async Task CheckCfi(UnwindFixture f, Stack stack, ulong callerSp, ulong? r1 = null)
    {
        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.CallFrameInfo, frames[1].Trust);
        var expected = new List<(string, ulong)>
        {
            ("pc", 0x40005510), ("sp", callerSp), ("fp", 0x8112e110), ("r4", 0xb5d55e68), ("r5", 0xebd134f3), ("r6", 0xa31e74bc),
            ("r7", 0x2dcb16b3), ("r8", 0x2ada2137), ("r9", 0xbbbb557d), ("r10", 0x48bf8ca7),
        };
        if (r1 is { } value)
        {
            expected.Add(("r1", value));
        }

        Registers(frames[1], [.. expected]);
    }

    // upstream: test_cfi_at_4000 — a leaf that has pushed nothing: the caller keeps the stack pointer.
    [Fact]
    public async Task Cfi_at_4000()
    {
        var (f, stack) = CfiState();
        stack.Repeat(0, 120);
        f["pc"] = 0x40004000;
        f["lr"] = 0x40005510;

        await CheckCfi(f, stack, 0x80000000);
    }

    // upstream: test_cfi_at_4001
    [Fact]
    public async Task Cfi_at_4001()
    {
        var (f, stack) = CfiState();
        Label frame1Sp = new();
        stack.D32(0xb5d55e68).D32(0x8112e110).D32(0x40005510).Mark(frame1Sp).Repeat(0, 120);
        f["pc"] = 0x40004001;
        f["r4"] = 0x635adc9f;
        f["fp"] = 0xbe145fc4;

        await CheckCfi(f, stack, frame1Sp.Value);
    }

    // upstream: test_cfi_at_4002
    [Fact]
    public async Task Cfi_at_4002()
    {
        var (f, stack) = CfiState();
        Label frame1Sp = new();
        stack.D32(0xfb81ff3d).D32(0x8112e110).D32(0x40005510).Mark(frame1Sp).Repeat(0, 120);
        f["pc"] = 0x40004002;
        f["r0"] = 0xb5d55e68;
        f["r1"] = 0xebd134f3;
        f["r2"] = 0xa31e74bc;
        f["r3"] = 0x2dcb16b3;
        f["r4"] = 0xfdd35466;
        f["r5"] = 0xf18c946c;
        f["r6"] = 0xac2079e8;
        f["r7"] = 0xa449829f;
        f["fp"] = 0xbe145fc4;

        await CheckCfi(f, stack, frame1Sp.Value);
    }

    /// <summary>upstream: the stacks of <c>test_cfi_at_4003</c> to <c>test_cfi_at_4005</c>, which differ only in a garbage word.</summary>
    private static async Task CheckSavedR1(ulong pc, ulong garbage)
    {
        var (f, stack) = CfiState();
        Label frame1Sp = new();
        stack.D32(0x48c8dd5a).D32(garbage).D32(0x8112e110).D32(0x40005510).Mark(frame1Sp).Repeat(0, 120);
        f["pc"] = pc;
        f["r1"] = 0xfb756319;

        await CheckCfi(f, stack, frame1Sp.Value, r1: 0x48c8dd5a);
    }

    // upstream: test_cfi_at_4003 — r1 is not callee-saved, but a rule recovers it.
    [Fact]
    public Task Cfi_at_4003() => CheckSavedR1(0x40004003, 0xcb78040e);

    // upstream: test_cfi_at_4004 (the rules of 4003 still apply)
    [Fact]
    public Task Cfi_at_4004() => CheckSavedR1(0x40004004, 0xcb78040e);

    // upstream: test_cfi_at_4005 — the CFA moves, and an explicit rule restores sp.
    [Fact]
    public Task Cfi_at_4005() => CheckSavedR1(0x40004005, 0xf013f841);

    // upstream: test_cfi_at_4006 — an explicit rule for pc wins over a garbage .ra.
    [Fact]
    public async Task Cfi_at_4006()
    {
        var (f, stack) = CfiState();
        Label frame1Sp = new();
        stack.D32(0x40005510).D32(0x48c8dd5a).D32(0xf013f841).D32(0x8112e110).D32(0xf8d15783).Mark(frame1Sp).Repeat(0, 120);
        f["pc"] = 0x40004006;
        f["r1"] = 0xfb756319;

        await CheckCfi(f, stack, frame1Sp.Value, r1: 0x48c8dd5a);
    }

    // upstream: test_cfi_reject_backwards — CFI that moves the stack pointer down ends the walk.
    [Fact]
    public async Task Cfi_reject_backwards()
    {
        var (f, stack) = CfiState();
        stack.Repeat(0, 120);
        f["pc"] = 0x40006000;
        f["sp"] = 0x80000000;
        f["lr"] = 0x40005510;

        Assert.Single(await f.WalkAsync(stack));
    }

    // upstream: test_cfi_reject_bad_exprs — rules that cannot be evaluated unwind nothing.
    [Fact]
    public async Task Cfi_reject_bad_exprs()
    {
        var (f, stack) = CfiState();
        stack.Repeat(0, 120);
        f["pc"] = 0x40007000;
        f["sp"] = 0x80000000;

        Assert.Single(await f.WalkAsync(stack));
    }

    // upstream: test_frame_pointer_overflow — an fp at the top of the address space.
    [Fact]
    public async Task Frame_pointer_overflow()
    {
        var f = UnwindFixture.Arm();
        var stack = new Stack(uint.MaxValue - 1000).Repeat(0, 1000);
        f["pc"] = 0x7a100000;
        f["fp"] = uint.MaxValue;
        f["sp"] = stack.BaseAddress;
        f["lr"] = 0x7b302000;

        Assert.Single(await f.WalkAsync(stack));
    }

    // upstream: test_frame_pointer_overflow_nonsense_32bit_stack — stack memory that straddles
    // 4 GiB: reads succeed, but 32-bit pointer arithmetic would overflow.
    [Fact]
    public async Task Frame_pointer_overflow_nonsense_32bit_stack()
    {
        var f = UnwindFixture.Arm();
        var stack = new Stack(uint.MaxValue + 8UL - 1000).Repeat(0, 1000);
        f["pc"] = 0x7a100000;
        f["fp"] = uint.MaxValue - 4UL;
        f["sp"] = (uint)stack.BaseAddress;
        f["lr"] = 0x7b302000;

        Assert.Single(await f.WalkAsync(stack));
    }

    // upstream: test_frame_pointer_barely_no_overflow — a frame record just below 4 GiB unwinds.
    [Fact]
    public async Task Frame_pointer_barely_no_overflow()
    {
        var f = UnwindFixture.Arm();
        const ulong returnAddress = 0x7b302000;
        Label frame0Fp = new(), frame1Sp = new(), frame1Fp = new();
        var stack = new Stack(uint.MaxValue - 12)
            .Mark(frame0Fp).D32(frame1Fp).D32(returnAddress)
            .Mark(frame1Sp).Mark(frame1Fp).D32(0);
        f["pc"] = 0x7a100000;
        f["fp"] = frame0Fp.Value;
        f["sp"] = stack.BaseAddress;
        f["lr"] = returnAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Has(frames[0], ("fp", frame0Fp.Value));
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("pc", returnAddress), ("sp", frame1Sp.Value), ("fp", frame1Fp.Value));
    }
}
