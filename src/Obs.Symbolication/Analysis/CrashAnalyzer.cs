using Microsoft.Extensions.Logging;
using Obs.Minidump;

namespace Obs.Symbolication.Analysis;

/// <summary>
/// The crash information of a dump's exception (rust-minidump's <c>get_exception_details</c> with
/// its bit-flip, guard-page and inconsistency checks, run in that order).
/// </summary>
internal static partial class CrashAnalyzer
{
    // No-permission regions up to this size next to accessible memory are taken for guard pages.
    private const ulong GuardMemoryMaxSize = 2 << 14;

    // The amd64 addresses that are not canonical: the unwinder's rule, one for both.
    private static bool IsNonCanonical(ulong address) => Unwinding.Amd64Unwinder.IsNonCanonical(address);

    /// <summary>
    /// The crash reason and address of <paramref name="exception"/>, with what the crashing
    /// instruction reveals; the memory streams it reads through <paramref name="streams"/> are optional.
    /// </summary>
    public static CrashInfo Analyze(OptionalStreams streams, MinidumpExceptionStream exception, MinidumpContext? context,
        MinidumpSystemInfo systemInfo, ILogger logger)
    {
        var address = exception.GetCrashAddress(systemInfo);
        var crash = new CrashInfo(exception.GetCrashReason(systemInfo), address);
        var condition = CrashCondition.From(exception, systemInfo, address);
        var memoryList = streams.Get(streams.Dump.GetMemory);
        var memoryMap = MemoryMap.From(streams.Get(streams.Dump.GetMemoryInfoList), streams.Get(streams.Dump.GetLinuxMaps));

        var analysis = AnalyzeInstruction(streams, exception, context, memoryList, logger);
        if (analysis is not null)
        {
            crash.Instruction = analysis.Text;
            crash.MemoryAccesses = analysis.MemoryAccesses;
            crash.InstructionPointerUpdate = analysis.PointerUpdate;
            crash.AdjustedAddress = AdjustAddress(analysis, condition, systemInfo.Cpu, logger);
        }

        crash.PossibleBitFlips = FindBitFlips(crash, analysis, condition, context, systemInfo.Cpu, memoryMap);
        if (analysis?.MemoryAccesses is { } accesses)
        {
            MarkGuardPages(accesses, memoryMap);
        }

        crash.Inconsistencies = FindInconsistencies(crash, analysis, condition, context, memoryMap);
        return crash;
    }

    private static InstructionAnalysis? AnalyzeInstruction(OptionalStreams streams, MinidumpExceptionStream exception, MinidumpContext? context,
        MinidumpMemoryRegionList? memoryList, ILogger logger)
    {
        if (context is null)
        {
            return null;
        }

        if (context.Format != MinidumpContextFormat.Amd64)
        {
            LogNotAnalysed(logger, "unsupported CPU architecture");
            return null;
        }

        var stack = streams.Get(() => streams.Dump.GetThreadList()?.FindThread(exception.ThreadId)?.GetStackMemory());
        return Amd64InstructionAnalyzer.Analyze(context, a => memoryList?.FindRegion(a), stack, logger);
    }

    /// <summary>
    /// A null base pointer takes precedence over a non-canonical address. Both look at the memory
    /// accesses and the instruction-pointer target together, and neither when the accesses are unknown.
    /// </summary>
    private static AdjustedAddress? AdjustAddress(InstructionAnalysis analysis, CrashCondition condition, MinidumpCpu cpu, ILogger logger)
    {
        if (analysis.MemoryAccesses is not { } accesses)
        {
            if (cpu == MinidumpCpu.Amd64 && condition.ReportsGeneralProtectionFault)
            {
                LogNonCanonicalUnknown(logger);
            }

            return null;
        }

        var addresses = new List<(ulong Address, bool IsNullBase)>(accesses.Count + 1);
        foreach (var access in accesses)
        {
            addresses.Add((access.Address, access.IsLikelyNullPointerDereference));
        }

        if (analysis.PointerUpdate is { IsUpdate: true } update)
        {
            addresses.Add((update.Address, update.IsLikelyNullPointerDereference));
        }

        foreach (var (address, isNullBase) in addresses)
        {
            if (isNullBase)
            {
                return new AdjustedAddress(AdjustedAddressKind.NullPointerWithOffset, address);
            }
        }

        // Only amd64 has non-canonical addresses, and the OS reports their fault without the address.
        if (cpu != MinidumpCpu.Amd64 || !condition.ReportsGeneralProtectionFault)
        {
            return null;
        }

        foreach (var (address, _) in addresses)
        {
            if (IsNonCanonical(address))
            {
                return new AdjustedAddress(AdjustedAddressKind.NonCanonical, address);
            }
        }

        LogNoNonCanonicalAccess(logger);
        return null;
    }


    /// <summary>
    /// Bit flips are looked for where pointers are wide (a large address space makes false
    /// positives rare), but not on ARM64 (whose lack of a disassembler makes
    /// register-plus-offset crashes near null look like flips): in the non-canonical address when
    /// there is one, else in the crash address (or the base of the access that contains it), and
    /// then in every register the instruction's memory operands use. Not after a null-pointer adjustment.
    /// </summary>
    private static List<PossibleBitFlip> FindBitFlips(CrashInfo crash, InstructionAnalysis? analysis, CrashCondition condition,
        MinidumpContext? context, MinidumpCpu cpu, MemoryMap memoryMap)
    {
        var flips = new List<PossibleBitFlip>();
        if (cpu is not (MinidumpCpu.Amd64 or MinidumpCpu.Ppc64 or MinidumpCpu.Mips64))
        {
            return flips;
        }

        ulong address;
        BitRange range;
        switch (crash.AdjustedAddress)
        {
            case { Kind: AdjustedAddressKind.NonCanonical } nonCanonical:
                (address, range) = (nonCanonical.Value, BitRange.Amd64NonCanonical);
                break;
            case { Kind: AdjustedAddressKind.NullPointerWithOffset }:
                return flips;
            default:
                (address, range) = (crash.Address, cpu == MinidumpCpu.Amd64 ? BitRange.Amd64Canonical : BitRange.All);
                break;
        }

        var operation = condition.AccessViolation;
        MemoryAccess? faulting = null;
        foreach (var access in crash.MemoryAccesses ?? [])
        {
            var end = access.Address > ulong.MaxValue - (access.Size ?? 0) ? ulong.MaxValue : access.Address + (access.Size ?? 0);
            if (crash.Address >= access.Address && crash.Address < end)
            {
                faulting = access;
                break;
            }
        }

        // The crash address derives from the faulting access's base, so the base is what may have flipped.
        flips.AddRange(BitFlipDetector.Find(faulting?.Address ?? address, null, range, context, memoryMap, operation, faulting?.Size));
        if (context is not null && analysis is not null)
        {
            foreach (var register in analysis.Registers)
            {
                if (context.TryGetRegister(register, out var value))
                {
                    // A flipped base register is assumed to point, offset or not, into memory of the same kind.
                    flips.AddRange(BitFlipDetector.Find(value, register, range, context, memoryMap, operation, faulting?.Size));
                }
            }
        }

        return flips;
    }

    /// <summary>
    /// Flags accesses into a likely guard page: a region without permissions, smaller than
    /// <see cref="GuardMemoryMaxSize"/> (counting its last address inclusively), adjacent to an
    /// accessible region below or above it.
    /// </summary>
    private static void MarkGuardPages(List<MemoryAccess> accesses, MemoryMap memoryMap)
    {
        for (var i = 0; i < accesses.Count; i++)
        {
            if (memoryMap.Find(accesses[i].Address) is { } region && !region.IsAccessible
                && region.Last - region.Start < GuardMemoryMaxSize && IsNextToAccessibleMemory(region, memoryMap))
            {
                accesses[i] = accesses[i] with { IsLikelyGuardPage = true };
            }
        }
    }

    private static bool IsNextToAccessibleMemory(MappedRegion region, MemoryMap memoryMap)
    {
        foreach (var other in memoryMap.Regions)
        {
            // Upstream's end-plus-one comparisons wrap at the top of the address space; so do these.
            if (unchecked(other.Last + 1) == region.Start && other.IsAccessible)
            {
                return true;
            }

            if (unchecked(region.Last + 1) == other.Start)
            {
                // Regions come in address order: nothing further can touch this one.
                return other.IsAccessible;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "failed to analyze the thread context: {Reason}")]
    private static partial void LogNotAnalysed(ILogger logger, string reason);

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning,
        Message = "lack of instruction analysis prevented determination of non-canonical address")]
    private static partial void LogNonCanonicalUnknown(ILogger logger);

    [LoggerMessage(EventId = 34, Level = LogLevel.Warning,
        Message = "somehow got a general protection fault in an instruction that doesn't appear to access a non-canonical address")]
    private static partial void LogNoNonCanonicalAccess(ILogger logger);
}
