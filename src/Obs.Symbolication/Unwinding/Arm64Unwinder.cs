using System.Numerics;

namespace Obs.Symbolication.Unwinding;

/// <summary>
/// 64-bit ARM, both context layouts (rust-minidump's <c>arm64.rs</c> and <c>arm64_old.rs</c>, which
/// differ only in their context type): STACK CFI, then the frame-record chain, then a scan.
/// Pointer-authentication bits are stripped from recovered code and frame pointers.
/// </summary>
internal sealed class Arm64Unwinder : Unwinder
{
    private const ulong Word = 8;

    /// <summary>The lowest address code can have: the first page is never mapped.</summary>
    private const ulong LowestCodeAddress = 0x1000;

    /// <summary>The highest user-space address of a 52-bit address space.</summary>
    private const ulong HighestCodeAddress = 0x000F_FFFF_FFFF_FFFF;

    /// <summary>Apple's default split leaves 47 bits of real address (and is deliberately not a power of two).</summary>
    private const ulong AppleHighestAddress = (1UL << 47) - 1;

    private static readonly int LinkRegister = RegisterLayout.Arm64.IndexOf("lr");

    // The callee-saved registers are AAPCS64's.
    public Arm64Unwinder()
        : base(RegisterLayout.Arm64, returnAddressAdjustment: 4,
            calleeSaved: RegisterLayout.Arm64.MaskOf("x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "fp"))
    {
    }

    private protected override async ValueTask<StackFrame?> GetCallerByCallFrameInfoAsync(UnwindRequest request)
    {
        if (!request.Callee.Registers.IsValid(Layout.StackPointer))
        {
            return null;
        }

        // A frame found through its caller's frame record got its lr from that record: it is the
        // right return address only at the function's entry, before the function reused lr.
        var linkRegisterIsGuess = request.Callee.Trust == FrameTrust.FramePointer;
        if (await CallFrameInfo.UnwindAsync(request, CalleeSaved, linkRegisterIsGuess).ConfigureAwait(false) is not { } caller)
        {
            return null;
        }

        var mask = PointerAuthenticationMask(request.Modules);
        StripPreservingValidity(caller, Layout.InstructionPointer, mask);
        if (caller.IsValid(LinkRegister))
        {
            caller.Set(LinkRegister, caller.GetRaw(LinkRegister) & mask);
        }

        if (caller.IsValid(Layout.FramePointer))
        {
            caller.Set(Layout.FramePointer, caller.GetRaw(Layout.FramePointer) & mask);
        }

        return new StackFrame(caller, FrameTrust.CallFrameInfo);
    }

    /// <summary>
    /// Every frame is taken for a normal one: the prologue pushed <c>fp</c> and <c>lr</c> as a pair
    /// and pointed <c>fp</c> at it. A leaf that pushed nothing is indistinguishable without CFI;
    /// treating it as normal loses its caller but keeps the rest of the chain in step. The caller's
    /// own <c>lr</c> is read from its frame record, where it kept the value it had on entry, so
    /// that entry-point CFI (<c>.ra: x30</c>) of the next frame can use it.
    /// </summary>
    private protected override StackFrame? GetCallerByFramePointer(UnwindRequest request)
    {
        var callee = request.Callee.Registers;
        if (!callee.TryGet(Layout.FramePointer, out var framePointer) || !callee.TryGet(Layout.StackPointer, out var stackPointer)
            || framePointer >= ulong.MaxValue - (2 * Word))
        {
            return null;
        }

        var stack = request.Stack;
        ulong callerFramePointer = 0, returnAddress = 0, callerStackPointer = stackPointer;
        if (framePointer != 0)
        {
            if (!stack.TryReadUInt64(framePointer, out callerFramePointer) || !stack.TryReadUInt64(framePointer + Word, out returnAddress))
            {
                return null;
            }

            callerStackPointer = framePointer + (2 * Word);
        }

        var mask = PointerAuthenticationMask(request.Modules);
        callerFramePointer &= mask;
        returnAddress &= mask;
        ulong? callerLinkRegister = null;
        if (callerFramePointer != 0 && callerFramePointer <= ulong.MaxValue - Word
            && stack.TryReadUInt64(callerFramePointer + Word, out var savedLinkRegister))
        {
            callerLinkRegister = savedLinkRegister & mask;
        }

        if (!IsPlausibleReturnAddress(returnAddress))
        {
            return null;
        }

        var caller = NewCallerRegisters();
        caller.Set(Layout.InstructionPointer, returnAddress);
        caller.Set(Layout.FramePointer, callerFramePointer);
        caller.Set(Layout.StackPointer, callerStackPointer);
        if (callerLinkRegister is { } linkRegister)
        {
            caller.Set(LinkRegister, linkRegister);
        }

        return new StackFrame(caller, FrameTrust.FramePointer);
    }

    /// <summary>
    /// The stack pointer must not shrink. It may stay when the instruction pointer changes and the
    /// callee is the context frame (a leaf that returns through <c>lr</c>) or the caller came from
    /// CFI (function-entry rules leave it unchanged). A run of frames on one stack pointer must
    /// not revisit an instruction: the same state would repeat forever.
    /// </summary>
    private protected override bool StackPointerAdvanced(UnwindRequest request, StackFrame caller)
    {
        var callerStackPointer = caller.Registers.StackPointer;
        var callee = request.Callee;
        var calleeStackPointer = callee.Registers.StackPointer;
        if (callerStackPointer != calleeStackPointer)
        {
            return callerStackPointer > calleeStackPointer;
        }

        var callerPc = caller.Registers.InstructionPointer;
        if (callerPc == callee.Registers.InstructionPointer
            || !(callee.Trust == FrameTrust.Context || caller.Trust == FrameTrust.CallFrameInfo))
        {
            return false;
        }

        var frames = request.Frames;
        for (var i = frames.Count - 1; i >= 0 && frames[i].Registers.StackPointer == callerStackPointer; i--)
        {
            if (frames[i].Registers.InstructionPointer == callerPc)
            {
                return false;
            }
        }

        return true;
    }

    private protected override bool IsPlausibleReturnAddress(ulong value) => value is >= LowestCodeAddress and <= HighestCodeAddress;

    /// <summary>
    /// The mask that keeps a pointer's real address bits (ARMv8.3 pointer authentication puts a
    /// signature in the others): enough bits for Apple's default split and for the highest loaded
    /// module, rounded up to a power of two. Without page-table information this is a guess, which
    /// clears the signature or changes nothing.
    /// </summary>
    private static ulong PointerAuthenticationMask(LoadedModules modules)
    {
        var highest = Math.Max(AppleHighestAddress, modules.HighestModuleEnd);
        var bit = BitOperations.RoundUpToPowerOf2(highest);
        return bit == 0 ? ulong.MaxValue : bit - 1;
    }

    /// <summary>Strips a register whose validity a failed rule may have cleared, without making it valid.</summary>
    private static void StripPreservingValidity(FrameRegisters registers, int index, ulong mask)
    {
        var valid = registers.IsValid(index);
        registers.Set(index, registers.GetRaw(index) & mask);
        if (!valid)
        {
            registers.Invalidate(index);
        }
    }
}
