using Obs.Minidump;

namespace Obs.Symbolication.Analysis;

internal static partial class CrashAnalyzer
{
    /// <summary>
    /// Where the crash reason disagrees with the crashing instruction or the memory map
    /// (rust-minidump's <c>check_for_crash_inconsistencies</c>). Each check answers "inconsistent"
    /// only when it has the information to be sure; missing analysis means consistent.
    /// </summary>
    private static List<CrashInconsistency> FindInconsistencies(CrashInfo crash, InstructionAnalysis? analysis, CrashCondition condition,
        MinidumpContext? context, MemoryMap memoryMap)
    {
        var found = new List<CrashInconsistency>();
        if (condition.IsIntegerDivideByZero)
        {
            if (analysis is { IsDivision: false })
            {
                found.Add(CrashInconsistency.IntDivByZeroNotPossible);
            }
        }
        else if (condition.IsPrivilegedInstruction)
        {
            if (analysis is { IsPrivileged: false })
            {
                found.Add(CrashInconsistency.PrivInstructionCrashWithoutPrivInstruction);
            }
        }
        else if (condition.AccessViolation == MemoryOperation.Read && condition.ReportsGeneralProtectionFault
            && CrashingAccessIsNotAmongAccesses(crash, analysis, condition, context))
        {
            // A read of the all-ones address not among the accesses is how Windows reports a
            // general protection fault; that is inconsistent only if no access was non-canonical.
            if (analysis is { IsOnlyGpfWhenNonCanonical: true } && NonCanonicalAddressIsNotAmongAccesses(analysis))
            {
                found.Add(CrashInconsistency.NonCanonicalAddressFalselyReported);
            }
        }
        else if (condition.AccessViolation != MemoryOperation.Undetermined || condition.IsStackOverflow)
        {
            // A stack overflow counts as an access violation of unknown direction.
            if (CrashingAccessIsNotAmongAccesses(crash, analysis, condition, context))
            {
                found.Add(CrashInconsistency.CrashingAccessNotFoundInMemoryAccesses);
            }

            if (AccessIsNotViolation(crash, condition, memoryMap))
            {
                found.Add(CrashInconsistency.AccessViolationWhenAccessAllowed);
            }
        }

        return found;
    }

    /// <summary>Whether the crash address is certainly not among the accesses of the reason's kind.</summary>
    private static bool CrashingAccessIsNotAmongAccesses(CrashInfo crash, InstructionAnalysis? analysis, CrashCondition condition,
        MinidumpContext? context)
    {
        if (analysis?.MemoryAccesses is not { } accesses)
        {
            return false;
        }

        var address = crash.Address;
        return condition.AccessViolation switch
        {
            MemoryOperation.Read => analysis.IsAccessDerivable
                && !ContainsAccess(accesses, address, MemoryAccessType.Read) && !ContainsAccess(accesses, address, MemoryAccessType.ReadWrite),
            MemoryOperation.Write => analysis.IsAccessDerivable
                && !ContainsAccess(accesses, address, MemoryAccessType.Write) && !ContainsAccess(accesses, address, MemoryAccessType.ReadWrite),
            MemoryOperation.Execute => context is not null && context.InstructionPointer != address,
            _ => condition.IsStackOverflow && analysis.IsAccessDerivable && accesses.Count == 0,
        };
    }

    /// <summary>Whether an access of <paramref name="type"/> and known size covers <paramref name="address"/>, wrapping at the top.</summary>
    private static bool ContainsAccess(List<MemoryAccess> accesses, ulong address, MemoryAccessType type)
    {
        foreach (var access in accesses)
        {
            if (access.Size is not { } size || access.AccessType != type)
            {
                continue;
            }

            var lower = access.Address;
            var upper = unchecked(lower + size);
            var wraps = upper < lower;
            if (wraps ? lower <= address || address < upper : lower <= address && address < upper)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the instruction certainly uses no non-canonical address, the instruction-pointer target included.</summary>
    private static bool NonCanonicalAddressIsNotAmongAccesses(InstructionAnalysis analysis)
    {
        if (!analysis.IsAccessDerivable || analysis.MemoryAccesses is not { } accesses || analysis.PointerUpdate is not { } update)
        {
            return false;
        }

        foreach (var access in accesses)
        {
            if (IsNonCanonical(access.Address))
            {
                return false;
            }
        }

        return !update.IsUpdate || !IsNonCanonical(update.Address);
    }

    /// <summary>Whether the memory map certainly allows the access the violation reports.</summary>
    private static bool AccessIsNotViolation(CrashInfo crash, CrashCondition condition, MemoryMap memoryMap) =>
        memoryMap.Find(crash.Address) is { } region && region.Allows(condition.AccessViolation);
}
