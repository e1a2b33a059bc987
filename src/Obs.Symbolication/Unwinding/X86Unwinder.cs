namespace Obs.Symbolication.Unwinding;

/// <summary>The x86 registers the unwinders name besides the instruction, stack and frame pointers.</summary>
internal static class X86Registers
{
    public static readonly int Ebx = RegisterLayout.X86.IndexOf("ebx");
    public static readonly int Esi = RegisterLayout.X86.IndexOf("esi");
    public static readonly int Edi = RegisterLayout.X86.IndexOf("edi");
}

/// <summary>
/// 32-bit x86 (rust-minidump's <c>x86.rs</c>): STACK WIN or STACK CFI, then the <c>%ebp</c> chain
/// without any sanity check, then a scan that also tries to recover <c>%ebp</c>.
/// </summary>
internal sealed class X86Unwinder : Unwinder
{
    public X86Unwinder()
        : base(RegisterLayout.X86, returnAddressAdjustment: 1, calleeSaved: RegisterLayout.X86.MaskOf("ebp", "ebx", "edi", "esi"))
    {
    }

    /// <summary>
    /// The standard prologue pushes <c>%ebp</c> below the return address and points <c>%ebp</c> at
    /// it, so the caller's <c>%eip</c> is at <c>%ebp+4</c>, its <c>%ebp</c> at <c>%ebp</c>, and its
    /// <c>%esp</c> just above both. Unlike amd64 nothing is checked: stricter checks make scans find
    /// frames in <c>test.dmp</c> that Breakpad does not.
    /// </summary>
    private protected override StackFrame? GetCallerByFramePointer(UnwindRequest request)
    {
        var callee = request.Callee.Registers;
        if (!callee.TryGet(Layout.FramePointer, out var framePointer) || framePointer >= uint.MaxValue - (2 * 4))
        {
            return null;
        }

        if (!request.Stack.TryReadUInt32(framePointer + 4, out var returnAddress)
            || !request.Stack.TryReadUInt32(framePointer, out var callerFramePointer))
        {
            return null;
        }

        var caller = NewCallerRegisters();
        caller.Set(Layout.InstructionPointer, returnAddress);
        caller.Set(Layout.StackPointer, framePointer + (2 * 4));
        caller.Set(Layout.FramePointer, callerFramePointer);
        return new StackFrame(caller, FrameTrust.FramePointer);
    }

    /// <summary>
    /// The word below the return address when the function has the standard prologue (it points a
    /// little above), else the callee's <c>%ebp</c> when the function left it alone (it still
    /// points above the caller's stack pointer). Either must point into the stack.
    /// </summary>
    private protected override ulong? RecoverFramePointerAfterScan(UnwindRequest request, ScanHit hit, ulong callerStackPointer)
    {
        // On the first word the whole frame is the return address: no room for a saved %ebp.
        if (hit.Index == 0)
        {
            return null;
        }

        var stack = request.Stack;
        var savedSlot = hit.Address - 4;
        if (!stack.TryReadUInt32(savedSlot, out var saved))
        {
            return null;
        }

        if (saved > hit.Address && saved - savedSlot <= MaxReasonableGapBetweenFrames)
        {
            return stack.TryReadUInt32(saved, out _) ? saved : null;
        }

        if (request.Callee.Registers.TryGet(Layout.FramePointer, out var ebp) && ebp >= callerStackPointer)
        {
            return stack.TryReadUInt32(ebp, out _) ? ebp : null;
        }

        return null;
    }

    private protected override bool IsPlausibleReturnAddress(ulong value) => value != 0;
}
