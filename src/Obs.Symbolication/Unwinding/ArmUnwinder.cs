using Obs.Minidump;

namespace Obs.Symbolication.Unwinding;

/// <summary>
/// 32-bit ARM (rust-minidump's <c>arm.rs</c>): STACK CFI, then the frame pointer on iOS only, then
/// a scan. A leaf function may return through <c>lr</c> without touching the stack, so the context
/// frame's caller may keep its stack pointer.
/// </summary>
internal sealed class ArmUnwinder : Unwinder
{
    private const uint Word = 4;

    /// <summary>The registers a called function preserves (AAPCS), which a caller inherits from its callee.</summary>
    private static readonly ulong CalleeSaved = RegisterLayout.Arm.MaskOf("r4", "r5", "r6", "r7", "r8", "r9", "r10", "fp");

    public ArmUnwinder()
        : base(RegisterLayout.Arm, returnAddressAdjustment: 2)
    {
    }

    private protected override async ValueTask<StackFrame?> GetCallerByCallFrameInfoAsync(UnwindRequest request)
    {
        if (!request.Callee.Registers.IsValid(Layout.StackPointer))
        {
            return null;
        }

        var caller = await CallFrameInfo.UnwindAsync(request, CalleeSaved).ConfigureAwait(false);
        return caller is null ? null : new StackFrame(caller, FrameTrust.CallFrameInfo);
    }

    /// <summary>
    /// The standard prologue pushes <c>fp</c> and <c>lr</c> and points <c>fp</c> at them. ARM lets
    /// <c>lr</c> serve as a general register, so frame records are only trusted on iOS, whose
    /// conventions guarantee them. A zero <c>fp</c> ends the walk (the caller keeps the stack pointer).
    /// </summary>
    private protected override StackFrame? GetCallerByFramePointer(UnwindRequest request)
    {
        if (request.System.Os != MinidumpOs.Ios)
        {
            return null;
        }

        var callee = request.Callee.Registers;
        if (!callee.TryGet(Layout.FramePointer, out var framePointer) || !callee.TryGet(Layout.StackPointer, out var stackPointer)
            || framePointer >= uint.MaxValue - (2 * Word))
        {
            return null;
        }

        ulong callerFramePointer = 0, returnAddress = 0, callerStackPointer = stackPointer;
        if (framePointer != 0)
        {
            if (!request.Stack.TryReadUInt32(framePointer, out var savedFramePointer)
                || !request.Stack.TryReadUInt32(framePointer + Word, out var savedLinkRegister))
            {
                return null;
            }

            (callerFramePointer, returnAddress, callerStackPointer) = (savedFramePointer, savedLinkRegister, framePointer + (2 * Word));
        }

        var caller = NewCallerRegisters();
        caller.Set(Layout.InstructionPointer, returnAddress);
        caller.Set(Layout.FramePointer, callerFramePointer);
        caller.Set(Layout.StackPointer, callerStackPointer);
        return new StackFrame(caller, FrameTrust.FramePointer);
    }

    /// <summary>A scan recovers only <c>pc</c> and <c>sp</c>, not <c>fp</c> (as Breakpad).</summary>
    private protected override async ValueTask<StackFrame?> GetCallerByScanAsync(UnwindRequest request)
    {
        if (!request.Callee.Registers.TryGet(Layout.StackPointer, out var stackPointer)
            || await ScanForReturnAddressAsync(request, stackPointer).ConfigureAwait(false) is not { } hit)
        {
            return null;
        }

        var caller = NewCallerRegisters();
        caller.Set(Layout.InstructionPointer, hit.ReturnAddress);
        caller.Set(Layout.StackPointer, hit.Address + Word);
        return new StackFrame(caller, FrameTrust.Scan);
    }

    /// <summary>
    /// The stack pointer must grow, except that the context frame's caller may keep it: a leaf
    /// function may return through <c>lr</c> without touching the stack. Only the first frame gets
    /// that allowance, or a frame could repeat forever.
    /// </summary>
    private protected override bool StackPointerAdvanced(UnwindRequest request, StackFrame caller)
    {
        var callerStackPointer = caller.Registers.StackPointer;
        var calleeStackPointer = request.Callee.Registers.StackPointer;
        return callerStackPointer > calleeStackPointer
            || (callerStackPointer == calleeStackPointer && request.Callee.Trust == FrameTrust.Context);
    }

    /// <summary>Any value may be a return address here; the symbols decide.</summary>
    private protected override bool IsPlausibleReturnAddress(ulong value) => true;
}
