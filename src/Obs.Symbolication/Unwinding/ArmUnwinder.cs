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

    // The callee-saved registers are AAPCS's.
    public ArmUnwinder()
        : base(RegisterLayout.Arm, returnAddressAdjustment: 2, calleeSaved: RegisterLayout.Arm.MaskOf("r4", "r5", "r6", "r7", "r8", "r9", "r10", "fp"))
    {
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
