using Obs.Minidump;
using Obs.SymbolFiles;

namespace Obs.Symbolication.Unwinding;

/// <summary>
/// Unwinds a frame with its module's call frame information, as rust-minidump's
/// <c>walk_frame</c> does: a STACK WIN record (FrameData, else FPO) when one covers the
/// instruction, and if that fails or there is none, the STACK CFI rules in force there.
/// </summary>
/// <remarks>
/// The result is not validated (rust-minidump trusts it, as Breakpad does); the per-CPU
/// unwinder's termination checks are all that follows. The caller starts as a copy of the callee
/// in which only the callee-saved registers are valid, so registers no rule mentions are
/// forwarded unchanged.
/// </remarks>
internal static class CallFrameInfo
{
    /// <summary>The size of an x86 stack slot (a return address, a saved register).</summary>
    private const uint PointerSize32 = 4;

    /// <summary>
    /// The caller's registers, or null when the module has no symbols or no record that unwinds
    /// this frame.
    /// </summary>
    /// <param name="request">The frame to unwind.</param>
    /// <param name="calleeSaved">The registers that keep their value across a call on this CPU.</param>
    /// <param name="calleeLinkRegisterIsGuess">
    /// ARM64: the callee's <c>lr</c> came from a frame record rather than the CPU, so a rule may read
    /// it only where the rules start (at a function's entry, where <c>lr</c> still holds the return address).
    /// </param>
    public static async ValueTask<FrameRegisters?> UnwindAsync(UnwindRequest request, ulong calleeSaved, bool calleeLinkRegisterIsGuess = false)
    {
        // The walk symbolicated the callee before unwinding it, which found its module.
        if (request.Callee.Module is not { } module)
        {
            return null;
        }

        var symbols = await request.Symbols.GetAsync(module, request.CancellationToken).ConfigureAwait(false);
        return symbols.Index is { } index ? Unwind(index, module, request, calleeSaved, calleeLinkRegisterIsGuess) : null;
    }

    private static FrameRegisters? Unwind(SymbolIndexReference index, MinidumpModule module, UnwindRequest request, ulong calleeSaved,
        bool calleeLinkRegisterIsGuess)
    {
        var callee = request.Callee.Registers;
        var address = request.Callee.Instruction - module.BaseAddress;

        // STACK WIN describes x86 frames only: its programs name $esp and $ebp.
        if (callee.Layout == RegisterLayout.X86 && index.TryFindStackWin(address, out var win))
        {
            var caller = ForwardCalleeSaved(callee, calleeSaved);
            var unwound = win.Type == StackWinFrameType.FrameData
                ? TryFrameData(win, request, caller)
                : TryFpo(win, request, caller);
            GC.KeepAlive(index);
            if (unwound)
            {
                return caller;
            }
        }

        if (!index.TryFindCfiRules(address, out var rules))
        {
            return null;
        }

        var result = TryStackCfi(rules, module, request, calleeSaved, calleeLinkRegisterIsGuess);
        GC.KeepAlive(index);
        return result;
    }

    private static FrameRegisters ForwardCalleeSaved(FrameRegisters callee, ulong calleeSaved)
    {
        var caller = callee.Clone();
        caller.RestrictTo(calleeSaved);
        return caller;
    }

    private static FrameRegisters? TryStackCfi(CfiRules rules, MinidumpModule module, UnwindRequest request, ulong calleeSaved,
        bool calleeLinkRegisterIsGuess)
    {
        var callee = request.Callee.Registers;
        var layout = callee.Layout;
        var caller = ForwardCalleeSaved(callee, calleeSaved);

        var hidden = -1;
        if (calleeLinkRegisterIsGuess && rules.Address + module.BaseAddress != request.Callee.Instruction)
        {
            hidden = layout.IndexOf("lr");
        }

        var text = rules.RulesUtf8;
        var context = new CfiFrameContext(callee, caller, request.Stack, hidden);
        if (CfiEvaluator.Evaluate(text, ref context, out var cfa, out var returnAddress) != CfiEvaluationStatus.Success)
        {
            return null;
        }

        // The CFA is the caller's stack pointer and .ra its instruction pointer, unless a rule of
        // their own says otherwise (rust-minidump applies those rules after .cfa and .ra).
        var recovered = context.RecoveredMask;
        if ((recovered & (1UL << layout.StackPointer)) == 0)
        {
            caller.Set(layout.StackPointer, cfa);
        }

        if ((recovered & (1UL << layout.InstructionPointer)) == 0)
        {
            caller.Set(layout.InstructionPointer, returnAddress);
        }

        var failed = CfiFrameContext.RuleTargets(text, layout) & ~recovered;
        caller.RestrictTo(~failed);
        return caller;
    }

    /// <summary>
    /// Runs a FrameData program. Its outputs are the caller's <c>$eip $esp $ebp $ebx $esi $edi</c>,
    /// including the seeded callee values it left alone (as in rust-minidump); without an
    /// <c>$eip</c> the record does not unwind the frame.
    /// </summary>
    private static bool TryFrameData(StackWinFrameInfo win, UnwindRequest request, FrameRegisters caller)
    {
        var callee = request.Callee.Registers;
        var x86 = RegisterLayout.X86;
        if (!callee.TryGet(x86.StackPointer, out var esp) || !callee.TryGet(x86.FramePointer, out var ebp))
        {
            return false;
        }

        var program = win.ProgramStringUtf8;
        var calleeParameters = GrandCalleeParameterSize(request);
        var seed = new StackWinSeed
        {
            Esp = (uint)esp,
            Ebp = (uint)ebp,
            Ebx = callee.TryGet(X86Registers.Ebx, out var ebx) ? (uint)ebx : null,
            CbParams = win.ParameterSize,
            CbCalleeParams = calleeParameters,
            CbSavedRegs = win.SavedRegisterSize,
            CbLocals = win.LocalSize,
            RaSearchStart = StackWinEvaluator.DefaultRaSearchStart(program, (uint)esp, (uint)ebp, calleeParameters, win.LocalSize,
                win.SavedRegisterSize),
        };

        var memory = request.Stack;
        if (StackWinEvaluator.EvaluateFrameData(program, seed, ref memory, out var result) != StackWinEvaluationStatus.Success
            || (result.Defined & StackWinRegisterSet.Eip) == 0)
        {
            return false;
        }

        SetIfDefined(caller, result, StackWinRegisterSet.Eip, x86.InstructionPointer, result.Eip);
        SetIfDefined(caller, result, StackWinRegisterSet.Esp, x86.StackPointer, result.Esp);
        SetIfDefined(caller, result, StackWinRegisterSet.Ebp, x86.FramePointer, result.Ebp);
        SetIfDefined(caller, result, StackWinRegisterSet.Ebx, X86Registers.Ebx, result.Ebx);
        SetIfDefined(caller, result, StackWinRegisterSet.Esi, X86Registers.Esi, result.Esi);
        SetIfDefined(caller, result, StackWinRegisterSet.Edi, X86Registers.Edi, result.Edi);
        return true;
    }

    private static void SetIfDefined(FrameRegisters caller, in StackWinRegisters result, StackWinRegisterSet register, int index, uint value)
    {
        if ((result.Defined & register) != 0)
        {
            caller.Set(index, value);
        }
    }

    /// <summary>
    /// Unwinds a frame-pointer-omission frame: the return address lies above the locals, the saved
    /// registers and the arguments the callee pushed for its own callee.
    /// </summary>
    private static bool TryFpo(StackWinFrameInfo win, UnwindRequest request, FrameRegisters caller)
    {
        var callee = request.Callee.Registers;
        var x86 = RegisterLayout.X86;
        if (!callee.TryGet(x86.StackPointer, out var esp))
        {
            return false;
        }

        var calleeParameters = GrandCalleeParameterSize(request);
        var stack = request.Stack;
        var returnAddressSlot = esp + win.LocalSize + win.SavedRegisterSize + calleeParameters;
        if (!stack.TryReadUInt32(returnAddressSlot, out var returnAddress))
        {
            return false;
        }

        // In the context frame of a system call made from FPO code, the callee may already have
        // returned, leaving its own return address (the current instruction) on top of the
        // stack; the caller's return address is the next word (as Breakpad and rust-minidump skip it).
        if (request.GrandCallee is null && returnAddress == request.Callee.Instruction)
        {
            returnAddressSlot += PointerSize32;
            if (!stack.TryReadUInt32(returnAddressSlot, out returnAddress))
            {
                return false;
            }
        }

        ulong callerEbp;
        if (win.AllocatesBasePointer)
        {
            // The function saved the caller's %ebp among its saved registers, below the return address.
            if (!stack.TryReadUInt32(esp + calleeParameters + win.SavedRegisterSize - 8, out var saved))
            {
                return false;
            }

            callerEbp = saved;
        }
        else
        {
            if (!callee.TryGet(x86.FramePointer, out callerEbp))
            {
                return false;
            }

            // Breakpad also carries %ebx through: the simple forwarding functions in ntdll that
            // use FPO frames leave it alone, and some walks need it.
            if (callee.TryGet(X86Registers.Ebx, out var ebx))
            {
                caller.Set(X86Registers.Ebx, ebx);
            }
        }

        caller.Set(x86.InstructionPointer, returnAddress);
        caller.Set(x86.StackPointer, returnAddressSlot + PointerSize32);
        caller.Set(x86.FramePointer, callerEbp);
        return true;
    }

    /// <summary>The parameter size of the function the callee called (0 for the context frame or when unknown).</summary>
    private static uint GrandCalleeParameterSize(UnwindRequest request) => request.GrandCallee?.ParameterSize ?? 0;
}
