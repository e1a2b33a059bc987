namespace Obs.SymbolFiles;

/// <summary>
/// Record counts of a parsed symbol file, counted after the overlap policy, and what the policy
/// and the parser repaired or skipped.
/// </summary>
public sealed record SymbolIndexStatistics
{
    /// <summary>Bytes of input.</summary>
    public long Bytes { get; init; }

    /// <summary>Lines of input, blank lines included.</summary>
    public long Lines { get; init; }

    /// <summary>Distinct <c>FILE</c> ids.</summary>
    public int Files { get; init; }

    /// <summary>Distinct <c>INLINE_ORIGIN</c> ids.</summary>
    public int InlineOrigins { get; init; }

    /// <summary><c>FUNC</c> records kept.</summary>
    public int Functions { get; init; }

    /// <summary>Line records kept (in kept functions).</summary>
    public int LineRecords { get; init; }

    /// <summary><c>INLINE</c> records kept (records, not address ranges).</summary>
    public int InlineRecords { get; init; }

    /// <summary>Address ranges of the kept <c>INLINE</c> records.</summary>
    public int InlineRanges { get; init; }

    /// <summary><c>PUBLIC</c> records (duplicates are kept).</summary>
    public int Publics { get; init; }

    /// <summary><c>STACK CFI INIT</c> records kept.</summary>
    public int CfiInit { get; init; }

    /// <summary><c>STACK CFI</c> delta rows kept.</summary>
    public int CfiRows { get; init; }

    /// <summary><c>STACK WIN 4</c> (FrameData) records kept.</summary>
    public int StackWinFrameData { get; init; }

    /// <summary><c>STACK WIN 0</c> (FPO) records kept.</summary>
    public int StackWinFpo { get; init; }

    /// <summary>Zero-size FUNC, line and CFI records dropped.</summary>
    public int ZeroSizeDropped { get; init; }

    /// <summary>FUNC, line and CFI records dropped because they overlap an earlier record.</summary>
    public int OverlapsDropped { get; init; }

    /// <summary>STACK WIN records truncated to the gap before the next record.</summary>
    public int StackWinTruncated { get; init; }

    /// <summary>STACK WIN records dropped: overlapping, empty, or a type/program combination other than FrameData with a program or FPO without one.</summary>
    public int StackWinDropped { get; init; }

    /// <summary>Records changed or dropped by the overlap policy: the sum of the four counts above.</summary>
    public int Repaired => ZeroSizeDropped + OverlapsDropped + StackWinTruncated + StackWinDropped;

    /// <summary>Lines that could not be parsed and were skipped (oversized lines included).</summary>
    public long SkippedLines { get; init; }

    /// <summary>Lines skipped because they exceed <see cref="SymbolParseOptions.MaxLineLength"/>.</summary>
    public long OversizedLines { get; init; }
}
