namespace Obs.Symbolication;

/// <summary>
/// What the exception stream and the crashing instruction say about the crash (minidump-stackwalk's
/// <c>crash_info</c>). The instruction analysis fields are filled only where the CPU has a decoder
/// (amd64); elsewhere they are null, as in rust-minidump.
/// </summary>
public sealed class CrashInfo
{
    internal CrashInfo(string reason, ulong address)
    {
        Reason = reason;
        Address = address;
    }

    /// <summary>The crash reason, for example <c>EXCEPTION_ACCESS_VIOLATION_WRITE</c> or <c>SIGSEGV /SEGV_MAPERR</c>.</summary>
    public string Reason { get; }

    /// <summary>The crash address (the faulting data address for access violations, else the exception address).</summary>
    public ulong Address { get; }

    /// <summary>A more useful address than <see cref="Address"/>, when the instruction analysis found one.</summary>
    public AdjustedAddress? AdjustedAddress { get; internal set; }

    /// <summary>The crashing instruction in Intel syntax, when it could be decoded.</summary>
    public string? Instruction { get; internal set; }

    /// <summary>The memory the crashing instruction accesses; null when that could not be determined, empty when it accesses none.</summary>
    public IReadOnlyList<MemoryAccess>? MemoryAccesses { get; internal set; }

    /// <summary>Where the crashing instruction sends the instruction pointer; null when that could not be determined.</summary>
    public InstructionPointerUpdate? InstructionPointerUpdate { get; internal set; }

    /// <summary>Addresses one flipped bit away from the crash address that would have been valid.</summary>
    public IReadOnlyList<PossibleBitFlip> PossibleBitFlips { get; internal set; } = [];

    /// <summary>Ways in which the crash reason disagrees with the instruction and the memory map.</summary>
    public IReadOnlyList<CrashInconsistency> Inconsistencies { get; internal set; } = [];
}

/// <summary>The kind of an <see cref="Symbolication.AdjustedAddress"/>.</summary>
public enum AdjustedAddressKind
{
    /// <summary>The access used an amd64 non-canonical address, which the fault does not report; <see cref="AdjustedAddress.Value"/> is that address.</summary>
    NonCanonical,

    /// <summary>The access was through a null base pointer; <see cref="AdjustedAddress.Value"/> is the offset from it.</summary>
    NullPointerWithOffset,
}

/// <summary>A corrected crash address.</summary>
/// <param name="Kind">What was corrected.</param>
/// <param name="Value">The real address (non-canonical) or the offset from null.</param>
public sealed record AdjustedAddress(AdjustedAddressKind Kind, ulong Value);

/// <summary>The direction of a memory access.</summary>
public enum MemoryAccessType
{
    /// <summary>A read.</summary>
    Read,

    /// <summary>A write.</summary>
    Write,

    /// <summary>A read and a write.</summary>
    ReadWrite,

    /// <summary>The direction could not be derived.</summary>
    Underivable,
}

/// <summary>A memory access performed by the crashing instruction.</summary>
/// <param name="Address">The accessed address.</param>
/// <param name="Size">The access size in bytes, when known.</param>
/// <param name="AccessType">The direction.</param>
/// <param name="IsLikelyNullPointerDereference">Whether the address is likely a null pointer plus an offset.</param>
/// <param name="IsLikelyGuardPage">Whether the address falls in a likely guard page.</param>
public sealed record MemoryAccess(ulong Address, byte? Size, MemoryAccessType AccessType, bool IsLikelyNullPointerDereference, bool IsLikelyGuardPage);

/// <summary>What the crashing instruction does to the instruction pointer.</summary>
/// <param name="IsUpdate">Whether it sets the instruction pointer (a jump, call or return); when false the other values are zero.</param>
/// <param name="Address">The new instruction pointer.</param>
/// <param name="IsLikelyNullPointerDereference">Whether the address is likely a null pointer plus an offset.</param>
/// <remarks>
/// rust-minidump's output has room for <c>is_likely_guard_page</c> here too, but only memory
/// accesses are ever checked against guard pages (<see cref="MemoryAccess.IsLikelyGuardPage"/>),
/// so it never appears, and this record has no such member.
/// </remarks>
public sealed record InstructionPointerUpdate(bool IsUpdate, ulong Address, bool IsLikelyNullPointerDereference);

/// <summary>Heuristics behind a <see cref="PossibleBitFlip"/>.</summary>
/// <param name="WasNonCanonical">The flip turned a canonical address into the non-canonical one accessed.</param>
/// <param name="IsNull">The corrected address is null.</param>
/// <param name="WasLow">The original address was low (only with <paramref name="IsNull"/>).</param>
/// <param name="NearbyRegisters">How many valid registers hold values near the corrected address.</param>
/// <param name="PoisonRegisters">A register holds an allocator poison pattern (which argues against a flip).</param>
public sealed record BitFlipDetails(bool WasNonCanonical, bool IsNull, bool WasLow, uint NearbyRegisters, bool PoisonRegisters);

/// <summary>An address one bit away from the crash address that would have been valid.</summary>
/// <param name="Address">The corrected address.</param>
/// <param name="SourceRegister">The register that held the flipped value, if it came from one.</param>
/// <param name="Details">The heuristics behind <paramref name="Confidence"/>.</param>
/// <param name="Confidence">A confidence between 0 and 1.</param>
public sealed record PossibleBitFlip(ulong Address, string? SourceRegister, BitFlipDetails Details, float? Confidence);

/// <summary>A way the crash reason or address disagrees with the instruction or the memory map.</summary>
public enum CrashInconsistency
{
    /// <summary>An integer division by zero, but the instruction is not a division.</summary>
    IntDivByZeroNotPossible,

    /// <summary>A privileged-instruction fault, but the instruction is not privileged.</summary>
    PrivInstructionCrashWithoutPrivInstruction,

    /// <summary>A non-canonical address is reported, but the instruction accesses a canonical one.</summary>
    NonCanonicalAddressFalselyReported,

    /// <summary>An access violation, but the memory map allows the access.</summary>
    AccessViolationWhenAccessAllowed,

    /// <summary>The crash address is not among the instruction's memory accesses.</summary>
    CrashingAccessNotFoundInMemoryAccesses,
}
