using Obs.Minidump;

namespace Obs.Symbolication.Unwinding;

/// <summary>
/// x86-64 (rust-minidump's <c>amd64.rs</c>): STACK CFI, then the <c>%rbp</c> chain with sanity
/// checks (on Windows also looking a little above <c>%rbp</c>), then a scan for a canonical
/// return address.
/// </summary>
internal sealed class Amd64Unwinder : Unwinder
{
    private const ulong Word = 8;

    /// <summary>
    /// Windows x64 may point the frame register up to 240 bytes into the local area, in 16-byte
    /// steps (its UNWIND_INFO frame offset), so the frame record can be that far above <c>%rbp</c>.
    /// </summary>
    private const int WindowsFrameOffsetSteps = 15;

    private const ulong WindowsFrameOffsetStep = 16;

    // The callee-saved registers are those System V and Windows agree on.
    public Amd64Unwinder()
        : base(RegisterLayout.Amd64, returnAddressAdjustment: 1, calleeSaved: RegisterLayout.Amd64.MaskOf("rbx", "rbp", "r12", "r13", "r14", "r15"))
    {
    }

    /// <summary>
    /// The standard prologue pushes <c>%rbp</c> below the return address and points <c>%rbp</c> at
    /// it. The result is kept only if the frame pointers and stack pointers are ordered as a real
    /// chain would be, the new frame pointer is in the stack, and the return address is canonical.
    /// </summary>
    private protected override StackFrame? GetCallerByFramePointer(UnwindRequest request)
    {
        var callee = request.Callee.Registers;
        if (!callee.TryGet(Layout.FramePointer, out var framePointer) || !callee.TryGet(Layout.StackPointer, out var stackPointer)
            || framePointer >= ulong.MaxValue - (2 * Word))
        {
            return null;
        }

        var steps = request.System.Os == MinidumpOs.Windows ? WindowsFrameOffsetSteps : 0;
        var stack = request.Stack;
        for (var step = 0; step <= steps; step++)
        {
            var record = unchecked(framePointer + ((ulong)step * WindowsFrameOffsetStep));
            if (!stack.TryReadUInt64(unchecked(record + Word), out var returnAddress)
                || !stack.TryReadUInt64(record, out var callerFramePointer))
            {
                return null;
            }

            var callerStackPointer = unchecked(record + (2 * Word));
            if (callerStackPointer <= framePointer || callerFramePointer < callerStackPointer)
            {
                continue;
            }

            // A frame pointer outside the stack means this was not a frame chain at all.
            if (!stack.TryReadUInt64(callerFramePointer, out _))
            {
                return null;
            }

            if (IsNonCanonical(returnAddress) || callerStackPointer <= stackPointer || !stack.TryReadUInt64(callerStackPointer, out _))
            {
                continue;
            }

            var caller = NewCallerRegisters();
            caller.Set(Layout.InstructionPointer, returnAddress);
            caller.Set(Layout.StackPointer, callerStackPointer);
            caller.Set(Layout.FramePointer, callerFramePointer);
            return new StackFrame(caller, FrameTrust.FramePointer);
        }

        return null;
    }

    /// <summary>
    /// The saved word below the return address when the callee's <c>%rbp</c> pointed exactly at it
    /// (rust-minidump requires that on x64, unlike x86), else the callee's <c>%rbp</c> when it
    /// still points above the caller's stack pointer.
    /// </summary>
    private protected override ulong? RecoverFramePointerAfterScan(UnwindRequest request, ScanHit hit, ulong callerStackPointer)
    {
        // On the first word the whole frame is the return address: no room for a saved %rbp.
        if (!request.Callee.Registers.TryGet(Layout.FramePointer, out var rbp) || hit.Index == 0)
        {
            return null;
        }

        var stack = request.Stack;
        var savedSlot = hit.Address - Word;
        if (!stack.TryReadUInt64(savedSlot, out var saved))
        {
            return null;
        }

        if (rbp == savedSlot && saved > hit.Address && saved - savedSlot <= MaxReasonableGapBetweenFrames)
        {
            return stack.TryReadUInt64(saved, out _) ? saved : null;
        }

        return rbp >= callerStackPointer ? rbp : null;
    }

    private protected override bool IsPlausibleReturnAddress(ulong value) => value != 0 && !IsNonCanonical(value);

    /// <summary>
    /// Whether a pointer lies in the hole between the two canonical halves of a 48-bit address
    /// space, where no code can be (JS engines' NaN boxing relies on 48 bits, so five-level
    /// paging is not assumed).
    /// </summary>
    internal static bool IsNonCanonical(ulong pointer) => pointer is > 0x7FFF_FFFF_FFFF and < 0xFFFF_8000_0000_0000;
}
