using Obs.Minidump;
using static Obs.Symbolication.Tests.Unwinding.FrameAssert;
using Label = Obs.Minidump.Synth.SyntheticDump.Label;
using Stack = Obs.Minidump.Synth.SyntheticDump.StackSection;

namespace Obs.Symbolication.Tests.Unwinding;

/// <summary>
/// rust-minidump's <c>arm64_unittest.rs</c>, one test per upstream test (named after it), each run
/// on both ARM64 context layouts (upstream leaves <c>arm64_old</c> untested because its code is
/// the same; here the layouts share one unwinder, so both are checked to reach it).
/// </summary>
public sealed class Arm64UnwinderTests
{
    private const ulong ReturnAddress1 = 0x50000100, ReturnAddress2 = 0x50000900;

    public static TheoryData<MinidumpContextFormat> Layouts => [MinidumpContextFormat.Arm64, MinidumpContextFormat.Arm64Old];

    // upstream: test_simple — no CFI and an empty stack: only the context frame.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Simple(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        f["pc"] = 0x4000c020;
        f["fp"] = 0x80000000;

        var frames = await f.WalkAsync(new Stack(0x80000000));

        Assert.Single(frames);
        Assert.Equal("module1", frames[0].Module?.CodeFile);
    }

    // upstream: test_scan_without_symbols
    [Theory, MemberData(nameof(Layouts))]
    public async Task Scan_without_symbols(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        Label frame1Sp = new(), frame2Sp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 16).D64(0x40090000).D64(0x60000000).D64(ReturnAddress1)
            .Mark(frame1Sp).Repeat(0, 16).D64(0xF0000000).D64(0x0000000D).D64(ReturnAddress2)
            .Mark(frame2Sp).Repeat(0, 64);
        f["pc"] = 0x40005510;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(3, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Registers(frames[1], ("pc", ReturnAddress1), ("sp", frame1Sp.Value));
        Assert.Equal(FrameTrust.Scan, frames[2].Trust);
        Registers(frames[2], ("pc", ReturnAddress2), ("sp", frame2Sp.Value));
    }

    // upstream: test_scan_with_symbols — addresses in a module but outside its functions are rejected.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Scan_with_symbols(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        const ulong returnAddress = 0x50000200;
        Label frame1Sp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 16).D64(0x40090000).D64(0x60000000).D64(0x40001000).D64(0x5000F000).D64(returnAddress)
            .Mark(frame1Sp).Repeat(0, 64);
        f["pc"] = 0x40000200;
        f["sp"] = stack.BaseAddress;
        f.Symbols["module1"] = "FUNC 100 400 10 monotreme\n";
        f.Symbols["module2"] = "FUNC 100 400 10 marsupial\n";

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Registers(frames[1], ("pc", returnAddress), ("sp", frame1Sp.Value));
    }

    // upstream: test_scan_first_frame — the context frame's scan reaches further than later ones.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Scan_first_frame(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        Label frame1Sp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 16).D64(0x40090000).D64(0x60000000).Repeat(0, 96).D64(ReturnAddress1)
            .Mark(frame1Sp).Repeat(0, 32).D64(0xF0000000).D64(0x0000000D).Repeat(0, 336).D64(ReturnAddress2)
            .Repeat(0, 64);
        f["pc"] = 0x40005510;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.Scan, frames[1].Trust);
        Registers(frames[1], ("pc", ReturnAddress1), ("sp", frame1Sp.Value));
    }

    /// <summary>upstream: the stack of <c>test_frame_pointer</c>; frame 0's saved fp points at itself when <paramref name="evilFrame0"/>.</summary>
    private static (Stack Stack, Label Frame0Fp, Label Frame1Sp, Label Frame1Fp, Label Frame2Sp, Label Frame2Fp) FramePointerStack(
        bool evilFrame0)
    {
        Label frame0Fp = new(), frame1Sp = new(), frame1Fp = new(), frame2Sp = new(), frame2Fp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 64).D64(0x0000000D).D64(0xF0000000)
            .Mark(frame0Fp).D64(evilFrame0 ? frame0Fp : frame1Fp).D64(ReturnAddress1)
            .Mark(frame1Sp).Repeat(0, 64).D64(0x0000000D).D64(0xF0000000)
            .Mark(frame1Fp).D64(frame2Fp).D64(ReturnAddress2)
            .Mark(frame2Sp).Repeat(0, 64).D64(0x0000000D).D64(0xF0000000)
            .Mark(frame2Fp).D64(0).D64(0);
        return (stack, frame0Fp, frame1Sp, frame1Fp, frame2Sp, frame2Fp);
    }

    // upstream: test_frame_pointer — each caller also gets the lr its own frame record saved.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Frame_pointer(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        var (stack, frame0Fp, frame1Sp, frame1Fp, frame2Sp, frame2Fp) = FramePointerStack(evilFrame0: false);
        f["pc"] = 0x40005510;
        f["lr"] = 0x1fe0fe10;
        f["fp"] = frame0Fp.Value;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(3, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("pc", ReturnAddress1), ("sp", frame1Sp.Value), ("fp", frame1Fp.Value), ("lr", ReturnAddress2));
        Assert.Equal(FrameTrust.FramePointer, frames[2].Trust);
        Registers(frames[2], ("pc", ReturnAddress2), ("sp", frame2Sp.Value), ("fp", frame2Fp.Value), ("lr", 0));
    }

    // upstream: test_frame_pointer_preserves_lr_for_entry_cfi — the lr read from a frame record
    // serves entry-point CFI (.ra: x30) of the frame it belongs to.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Frame_pointer_preserves_lr_for_entry_cfi(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        const ulong callerResume = 0x40002004, grandcallerResume = 0x50000104;
        Label frame0Fp = new(), frame1Sp = new(), frame1Fp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 64).Mark(frame0Fp).D64(frame1Fp).D64(callerResume)
            .Mark(frame1Sp).Repeat(0, 64).Mark(frame1Fp).D64(0).D64(grandcallerResume)
            .Repeat(0, 64);
        f["pc"] = 0x40001010;
        f["fp"] = frame0Fp.Value;
        f["sp"] = stack.BaseAddress;
        f["lr"] = 0x1fe0fe10;
        f.Symbols["module1"] = "FUNC 1000 100 10 callee\nFUNC 2000 100 10 caller\nSTACK CFI INIT 2000 100 .cfa: sp 0 + .ra: x30\n";
        f.Symbols["module2"] = "FUNC 100 100 10 grandcaller\nSTACK CFI INIT 100 100 .cfa: 0 .ra: 0\n";

        var frames = await f.WalkAsync(stack);

        Assert.Equal(3, frames.Count);
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Assert.Equal(callerResume - 4, frames[1].Instruction);
        Has(frames[1], ("pc", callerResume), ("sp", frame1Sp.Value), ("fp", frame1Fp.Value), ("lr", grandcallerResume));
        Assert.Equal(FrameTrust.CallFrameInfo, frames[2].Trust);
        Assert.Equal(grandcallerResume - 4, frames[2].Instruction);
        Has(frames[2], ("pc", grandcallerResume), ("sp", frame1Sp.Value));
    }

    // upstream: test_frame_pointer_lr_whole_function_leaf_cfi — a whole-function "stackless leaf"
    // row (as compact unwind info gives) may not use a frame-record lr in mid-function.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Frame_pointer_lr_whole_function_leaf_cfi(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        const ulong returnAddress1 = 0x40002044, returnAddress2 = 0x40003044, returnAddress3 = 0x40004044;
        Label frame0Fp = new(), frame1Fp = new(), frame2Fp = new(), frame3Fp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 64).Mark(frame0Fp).D64(frame1Fp).D64(returnAddress1)
            .Repeat(0, 64).Mark(frame1Fp).D64(frame2Fp).D64(returnAddress2)
            .Repeat(0, 64).Mark(frame2Fp).D64(frame3Fp).D64(returnAddress3)
            .Repeat(0, 64).Mark(frame3Fp).D64(0).D64(0)
            .Repeat(0, 64);
        f["pc"] = 0x40001010;
        f["fp"] = frame0Fp.Value;
        f["sp"] = stack.BaseAddress;
        f["lr"] = 0x1fe0fe10;
        f.Symbols["module1"] = string.Concat(
            "FUNC 1000 100 10 callee\n",
            "FUNC 2000 100 10 merged_stub\n",
            "STACK CFI INIT 2000 100 .cfa: sp .ra: x30\n",
            "FUNC 3000 100 10 frame_caller\n",
            "STACK CFI INIT 3000 100 .cfa: x29 16 + x29: .cfa -16 + ^ .ra: .cfa -8 + ^\n",
            "FUNC 4000 100 10 outer\n",
            "STACK CFI INIT 4000 100 .cfa: x29 16 + x29: .cfa -16 + ^ .ra: .cfa -8 + ^\n");

        var frames = await f.WalkAsync(stack);

        var pcs = new List<ulong>();
        foreach (var frame in frames)
        {
            pcs.Add(frame.Registers.InstructionPointer);
        }

        // Each caller appears exactly once: merged_stub's leaf row does not apply mid-function, so
        // its caller comes from its own frame record.
        Assert.Equal(new ulong[] { 0x40001010, returnAddress1, returnAddress2, returnAddress3 }, pcs);
        Assert.Equal(
            new[] { FrameTrust.Context, FrameTrust.FramePointer, FrameTrust.FramePointer, FrameTrust.CallFrameInfo },
            new[] { frames[0].Trust, frames[1].Trust, frames[2].Trust, frames[3].Trust });
        Has(frames[2], ("pc", returnAddress2), ("sp", frame1Fp.Value + 16), ("fp", frame2Fp.Value));
    }

    /// <summary>
    /// upstream: <c>test_frame_pointer_stackless_leaf</c> and <c>test_frame_pointer_stackful_leaf</c>.
    /// Frame 0 is a leaf that saved nothing, so its caller (frame 1) is lost and frame 2 is found as frame 1.
    /// </summary>
    private static async Task CheckLeaf(MinidumpContextFormat layout, int leafStackBytes)
    {
        var f = UnwindFixture.Arm64(layout);
        Label frame1Fp = new(), frame2Sp = new(), frame2Fp = new();
        var stack = new Stack(0x80000000);
        if (leafStackBytes > 0)
        {
            stack.Repeat(0, leafStackBytes).D64(0x0000000D).D64(0xF0000000);
        }

        stack.Repeat(0, 64).D64(0x0000000D).D64(0xF0000000)
            .Mark(frame1Fp).D64(frame2Fp).D64(ReturnAddress2)
            .Mark(frame2Sp).Repeat(0, 64).D64(0x0000000D).D64(0xF0000000)
            .Mark(frame2Fp).D64(0).D64(0);
        f["pc"] = 0x40005510;
        f["lr"] = ReturnAddress1;
        f["fp"] = frame1Fp.Value;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Assert.Equal(4, ValidCount(frames[1]));
        Has(frames[1], ("pc", ReturnAddress2), ("sp", frame2Sp.Value), ("fp", frame2Fp.Value));
    }

    // upstream: test_frame_pointer_stackless_leaf
    [Theory, MemberData(nameof(Layouts))]
    public Task Frame_pointer_stackless_leaf(MinidumpContextFormat layout) => CheckLeaf(layout, leafStackBytes: 0);

    // upstream: test_frame_pointer_stackful_leaf
    [Theory, MemberData(nameof(Layouts))]
    public Task Frame_pointer_stackful_leaf(MinidumpContextFormat layout) => CheckLeaf(layout, leafStackBytes: 64);

    // upstream: test_frame_pointer_ptr_auth_strip — pointer-authentication bits in saved fp and lr are masked off.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Frame_pointer_ptr_auth_strip(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        const ulong signed1 = ReturnAddress1 | 0x0013_8000_0000_0000, signed2 = ReturnAddress2 | 0x1110_0000_0000_0000;
        Label frame0Fp = new(), frame1Sp = new(), frame1Fp = new(), frame2Sp = new(), frame2Fp = new(), signedFrame1Fp = new(),
            signedFrame2Fp = new();
        var stack = new Stack(0x80000000)
            .Repeat(0, 64).D64(0x0000000D).D64(0xF0000000)
            .Mark(frame0Fp).D64(signedFrame1Fp).D64(signed1)
            .Mark(frame1Sp).Repeat(0, 64).D64(0x0000000D).D64(0xF0000000)
            .Mark(frame1Fp).D64(signedFrame2Fp).D64(signed2)
            .Mark(frame2Sp).Repeat(0, 64).D64(0x0000000D).D64(0xF0000000)
            .Mark(frame2Fp).D64(0).D64(0);
        signedFrame1Fp.Value = frame1Fp.Value | 0xa310_0000_0000_0000;
        signedFrame2Fp.Value = frame2Fp.Value | 0xf31e_8000_0000_0000;
        f["pc"] = 0x40005510;
        f["lr"] = 0x1fe0fe10;
        f["fp"] = frame0Fp.Value;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(3, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Registers(frames[1], ("pc", ReturnAddress1), ("sp", frame1Sp.Value), ("fp", frame1Fp.Value), ("lr", ReturnAddress2));
        Assert.Equal(FrameTrust.FramePointer, frames[2].Trust);
        Registers(frames[2], ("pc", ReturnAddress2), ("sp", frame2Sp.Value), ("fp", frame2Fp.Value), ("lr", 0));
    }

    /// <summary>upstream: <c>init_cfi_state_common</c>. The youngest frame's function and its CFI at each step of its prologue.</summary>
    private static (UnwindFixture Fixture, Stack Stack) CfiState(MinidumpContextFormat layout, bool highModule = false)
    {
        var f = UnwindFixture.Arm64(layout);
        if (highModule)
        {
            f.Modules.Add((0x10000000000000, 0x10000, "high-module"));
        }

        f.Symbols["module1"] = string.Concat(
            "FUNC 4000 1000 10 enchiridion\n",
            "STACK CFI INIT 4000 100 .cfa: sp 0 + .ra: x30\n",
            "STACK CFI 4001 .cfa: sp 32 + .ra: .cfa -8 + ^ x19: .cfa -32 + ^ x20: .cfa -24 + ^  x29: .cfa -16 + ^\n",
            "STACK CFI 4002 x19: x0 x20: x1 x21: x2 x22: x3\n",
            "STACK CFI 4003 .cfa: sp 40 + x1: .cfa 40 - ^ x19: x19 x20: x20 x21: x21 x22: x22\n",
            "STACK CFI 4005 .cfa: sp 32 + x1: .cfa 32 - ^ x29: .cfa 8 - ^ .ra: .cfa ^ sp: .cfa 8 +\n",
            "STACK CFI 4006 .cfa: sp 40 + pc: .cfa 40 - ^\n",
            "FUNC 5000 1000 10 epictetus\n",
            "STACK CFI INIT 5000 1000 .cfa: 0 .ra: 0\n",
            "FUNC 6000 1000 20 palinal\n",
            "STACK CFI INIT 6000 1000 .cfa: sp 8 - .ra: x30\n",
            "FUNC 7000 1000 20 rhetorical\n",
            "STACK CFI INIT 7000 1000 .cfa: moot .ra: ambiguous\n");
        f["pc"] = 0x0000_0000_4000_5510;
        f["sp"] = 0x0000_0000_8000_0000;
        f["fp"] = 0x0000_00a2_8112_e110;
        f["x19"] = 0x5e68b5d5b5d55e68;
        f["x20"] = 0x34f3ebd1ebd134f3;
        f["x21"] = 0x74bca31ea31e74bc;
        f["x22"] = 0x16b32dcb2dcb16b3;
        f["x23"] = 0x21372ada2ada2137;
        f["x24"] = 0x557dbbbbbbbb557d;
        f["x25"] = 0x8ca748bf48bf8ca7;
        f["x26"] = 0x21f0ab46ab4621f0;
        f["x27"] = 0x146732b732b71467;
        f["x28"] = 0xa673645fa673645f;
        return (f, new Stack(0x80000000));
    }

    /// <summary>upstream: <c>check_cfi</c>. Frame 1 has the initial state's callee-saved registers with the given overrides, and x1 when given.</summary>
    private static async Task CheckCfi(UnwindFixture f, Stack stack, ulong callerSp, ulong? x1 = null, ulong pc = 0x40005510,
        ulong fp = 0x0000_00a2_8112_e110)
    {
        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.CallFrameInfo, frames[1].Trust);
        var expected = new List<(string, ulong)>
        {
            ("pc", pc), ("sp", callerSp), ("fp", fp), ("x19", 0x5e68b5d5b5d55e68), ("x20", 0x34f3ebd1ebd134f3),
            ("x21", 0x74bca31ea31e74bc), ("x22", 0x16b32dcb2dcb16b3), ("x23", 0x21372ada2ada2137), ("x24", 0x557dbbbbbbbb557d),
            ("x25", 0x8ca748bf48bf8ca7), ("x26", 0x21f0ab46ab4621f0), ("x27", 0x146732b732b71467), ("x28", 0xa673645fa673645f),
        };
        if (x1 is { } value)
        {
            expected.Add(("x1", value));
        }

        Registers(frames[1], [.. expected]);
    }

    // upstream: test_cfi_at_4000 — nothing pushed yet: the caller keeps the stack pointer.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_at_4000(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout);
        stack.Repeat(0, 120);
        f["pc"] = 0x0000000040004000;
        f["lr"] = 0x0000000040005510;

        await CheckCfi(f, stack, 0x80000000);
    }

    // upstream: test_cfi_at_4001
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_at_4001(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout);
        Label frame1Sp = new();
        stack.D64(0x5e68b5d5b5d55e68).D64(0x34f3ebd1ebd134f3).D64(0x0000_00a2_8112_e110).D64(0x0000_0000_4000_5510)
            .Mark(frame1Sp).Repeat(0, 120);
        f["pc"] = 0x0000000040004001;
        f["x19"] = 0xadc9f635a635adc9;
        f["x20"] = 0x623135ac35ac6231;
        f["fp"] = 0x5fc4be14be145fc4;

        await CheckCfi(f, stack, frame1Sp.Value);
    }

    // upstream: test_cfi_at_4002
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_at_4002(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout);
        Label frame1Sp = new();
        stack.D64(0xff3dfb81fb81ff3d).D64(0x34f3ebd1ebd134f3).D64(0x0000_00a2_8112_e110).D64(0x0000_0000_4000_5510)
            .Mark(frame1Sp).Repeat(0, 120);
        f["pc"] = 0x0000000040004002;
        f["x0"] = 0x5e68b5d5b5d55e68;
        f["x1"] = 0x34f3ebd1ebd134f3;
        f["x2"] = 0x74bca31ea31e74bc;
        f["x3"] = 0x16b32dcb2dcb16b3;
        f["x19"] = 0xadc9f635a635adc9;
        f["x20"] = 0x623135ac35ac6231;
        f["x21"] = 0xac4543564356ac45;
        f["x22"] = 0x2561562f562f2561;
        f["fp"] = 0x5fc4be14be145fc4;

        await CheckCfi(f, stack, frame1Sp.Value);
    }

    /// <summary>upstream: the stack of <c>test_cfi_at_4003</c> to <c>test_cfi_at_4005</c> (x1, two stale words, fp, return address).</summary>
    private static Stack SavedX1Stack(Stack stack, Label frame1Sp, ulong fp = 0x0000_00a2_8112_e110, ulong returnAddress = 0x0000_0000_4000_5510) =>
        stack.D64(0xdd5a48c848c8dd5a).D64(0xff3dfb81fb81ff3d).D64(0x34f3ebd1ebd134f3).D64(fp).D64(returnAddress)
            .Mark(frame1Sp).Repeat(0, 120);

    // upstream: test_cfi_at_4003 — x1 is not callee-saved, but a rule recovers it.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_at_4003(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout);
        Label frame1Sp = new();
        SavedX1Stack(stack, frame1Sp);
        f["pc"] = 0x0000000040004003;
        f["x1"] = 0xfb756319fb756319;
        f["fp"] = 0x5fc4be14be145fc4;

        await CheckCfi(f, stack, frame1Sp.Value, x1: 0xdd5a48c848c8dd5a);
    }

    // upstream: test_cfi_at_4004 (the rules of 4003 still apply)
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_at_4004(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout);
        Label frame1Sp = new();
        SavedX1Stack(stack, frame1Sp);
        f["pc"] = 0x0000000040004004;
        f["x1"] = 0xfb756319fb756319;
        f["fp"] = 0x5fc4be14be145fc4;

        await CheckCfi(f, stack, frame1Sp.Value, x1: 0xdd5a48c848c8dd5a);
    }

    // upstream: test_cfi_at_4005_ptr_auth_strip_apple — signature bits above Apple's 47-bit split are stripped.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_at_4005_ptr_auth_strip_apple(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout);
        Label frame1Sp = new();
        SavedX1Stack(stack, frame1Sp, fp: 0xae23_80a2_8112_e110, returnAddress: 0xae1d_0000_4000_5510);
        f["pc"] = 0x0000000040004005;
        f["x1"] = 0xfb756319fb756319;

        await CheckCfi(f, stack, frame1Sp.Value, x1: 0xdd5a48c848c8dd5a);
    }

    // upstream: test_cfi_at_4005_ptr_auth_strip_high — a module above 2^52 widens the mask to 53 bits.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_at_4005_ptr_auth_strip_high(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout, highModule: true);
        Label frame1Sp = new();
        SavedX1Stack(stack, frame1Sp, fp: 0x1003_45a2_8112_e110, returnAddress: 0x100d_f700_4000_5510);
        f["pc"] = 0x0000000040004005;
        f["x1"] = 0xfb756319fb756319;

        await CheckCfi(f, stack, frame1Sp.Value, x1: 0xdd5a48c848c8dd5a, pc: 0x000d_f700_4000_5510, fp: 0x0003_45a2_8112_e110);
    }

    // upstream: test_cfi_at_4005 — the CFA moves, and an explicit rule restores sp.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_at_4005(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout);
        Label frame1Sp = new();
        SavedX1Stack(stack, frame1Sp);
        f["pc"] = 0x0000000040004005;
        f["x1"] = 0xfb756319fb756319;

        await CheckCfi(f, stack, frame1Sp.Value, x1: 0xdd5a48c848c8dd5a);
    }

    // upstream: test_cfi_at_4006 — an explicit rule for pc wins over a garbage .ra.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_at_4006(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout);
        Label frame1Sp = new();
        stack.D64(0x0000000040005510).D64(0xdd5a48c848c8dd5a).D64(0xff3dfb81fb81ff3d).D64(0x34f3ebd1ebd134f3)
            .D64(0x0000_00a2_8112_e110).D64(0xf8d157835783f8d1)
            .Mark(frame1Sp).Repeat(0, 120);
        f["pc"] = 0x0000000040004006;
        f["x1"] = 0xfb756319fb756319;

        await CheckCfi(f, stack, frame1Sp.Value, x1: 0xdd5a48c848c8dd5a);
    }

    // upstream: test_cfi_reject_backwards — CFI that moves the stack pointer down ends the walk.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_reject_backwards(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout);
        stack.Repeat(0, 120);
        f["pc"] = 0x0000000040006000;
        f["sp"] = 0x0000000080000000;
        f["lr"] = 0x0000000040005510;

        Assert.Single(await f.WalkAsync(stack));
    }

    // upstream: test_cfi_reject_bad_exprs — rules that cannot be evaluated unwind nothing.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Cfi_reject_bad_exprs(MinidumpContextFormat layout)
    {
        var (f, stack) = CfiState(layout);
        stack.Repeat(0, 120);
        f["pc"] = 0x0000000040007000;
        f["sp"] = 0x0000000080000000;

        Assert.Single(await f.WalkAsync(stack));
    }

    // upstream: test_frame_pointer_overflow — an fp at the top of the address space.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Frame_pointer_overflow(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        var stack = new Stack(ulong.MaxValue - 1000).Repeat(0, 1000);
        f["pc"] = 0x00007400c0000200;
        f["fp"] = ulong.MaxValue;
        f["sp"] = stack.BaseAddress;
        f["lr"] = 0x00007500b0000110;

        Assert.Single(await f.WalkAsync(stack));
    }

    // upstream: test_frame_pointer_barely_no_overflow — a frame record just below the top unwinds
    // (a module at the top of the address space turns pointer-authentication stripping off).
    [Theory, MemberData(nameof(Layouts))]
    public async Task Frame_pointer_barely_no_overflow(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        f.Modules.Add((0xa000_0000_0000_0000, 0x10000, "highest-module"));
        const ulong returnAddress = 0x00007500b0000110;
        Label frame0Fp = new(), frame1Sp = new(), frame1Fp = new();
        var stack = new Stack(ulong.MaxValue - 24)
            .Mark(frame0Fp).D64(frame1Fp).D64(returnAddress)
            .Mark(frame1Sp).Mark(frame1Fp).D64(0);
        f["pc"] = 0x00007400c0000200;
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

    // upstream: test_frame_pointer_infinite_equality — a frame record pointing at itself: the
    // stack pointer stops growing after frame 1, and the walk must stop there.
    [Theory, MemberData(nameof(Layouts))]
    public async Task Frame_pointer_infinite_equality(MinidumpContextFormat layout)
    {
        var f = UnwindFixture.Arm64(layout);
        var (stack, frame0Fp, frame1Sp, _, _, _) = FramePointerStack(evilFrame0: true);
        f["pc"] = 0x40005510;
        f["lr"] = 0x1fe0fe10;
        f["fp"] = frame0Fp.Value;
        f["sp"] = stack.BaseAddress;

        var frames = await f.WalkAsync(stack);

        Assert.Equal(2, frames.Count);
        IsContextFrame(frames[0]);
        Assert.Equal(FrameTrust.FramePointer, frames[1].Trust);
        Assert.Equal(4, ValidCount(frames[1]));
        Has(frames[1], ("pc", ReturnAddress1), ("sp", frame1Sp.Value), ("fp", frame0Fp.Value));
    }
}
