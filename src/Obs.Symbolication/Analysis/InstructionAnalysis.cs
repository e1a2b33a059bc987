namespace Obs.Symbolication.Analysis;

/// <summary>
/// What the crashing instruction is and does (rust-minidump's <c>OpAnalysis</c>). The memory
/// accesses and the instruction-pointer update are null when they could not be determined, which
/// is not the same as an empty list or no update.
/// </summary>
internal sealed class InstructionAnalysis
{
    /// <summary>The instruction in Intel syntax.</summary>
    public required string Text { get; init; }

    /// <summary>
    /// Whether the memory accesses are derived from what the opcode does (a known subset of
    /// opcodes) rather than only from its operands, so that their directions are known.
    /// </summary>
    public required bool IsAccessDerivable { get; init; }

    /// <summary>An integer division.</summary>
    public required bool IsDivision { get; init; }

    /// <summary>One of the privileged (or privilege-sensitive) instructions upstream lists.</summary>
    public required bool IsPrivileged { get; init; }

    /// <summary>Whether a general protection fault on this instruction can only come from a non-canonical address.</summary>
    public required bool IsOnlyGpfWhenNonCanonical { get; init; }

    /// <summary>The memory accesses, or null when a register they use had no valid value.</summary>
    public required List<MemoryAccess>? MemoryAccesses { get; init; }

    /// <summary>The instruction-pointer update, or null when it could not be determined.</summary>
    public required InstructionPointerUpdate? PointerUpdate { get; init; }

    /// <summary>The context registers the memory operands use, in ordinal name order.</summary>
    public required IReadOnlyList<string> Registers { get; init; }
}
