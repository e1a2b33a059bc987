namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// Record counts of a <c>.sym</c> file: the targets of <see cref="SymbolFileGenerator"/> at a
/// given size, or what it actually wrote.
/// </summary>
/// <param name="Bytes">Total size in bytes.</param>
/// <param name="Files">FILE records.</param>
/// <param name="InlineOrigins">INLINE_ORIGIN records.</param>
/// <param name="Functions">FUNC records.</param>
/// <param name="MultipleFunctions">FUNC records with the <c>m</c> flag.</param>
/// <param name="Lines">Line records.</param>
/// <param name="Inlines">INLINE records.</param>
/// <param name="Publics">PUBLIC records.</param>
/// <param name="CfiInits">STACK CFI INIT records.</param>
/// <param name="CfiDeltas">STACK CFI delta records.</param>
public sealed record SymbolFileCounts(
    long Bytes,
    long Files,
    long InlineOrigins,
    long Functions,
    long MultipleFunctions,
    long Lines,
    long Inlines,
    long Publics,
    long CfiInits,
    long CfiDeltas);

/// <summary>
/// The record mix the generator reproduces: the synthetic 749 MB file Breakpad's load time was
/// measured on (<c>docs/reference/breakpad-peer.md</c> §2.1), whose per-FUNC rates copy
/// <c>crash-client.sym</c> plus Linux-style STACK CFI delta rows.
/// </summary>
public static class SymbolFileMix
{
    /// <summary>The size of the full file, and the unit the other sizes are scaled from.</summary>
    public const long FullSizeBytes = 748_820_155;

    /// <summary>The MODULE line of the full file (its id maps linux-mini.dmp's main module to it).</summary>
    public const string ModuleLine = "MODULE Linux x86_64 C0BCC3F19827FE653058404B2831D9E60 crash";

    /// <summary>The counts of the full file.</summary>
    public static SymbolFileCounts FullSize { get; } = new(
        Bytes: FullSizeBytes,
        Files: 56_451,
        InlineOrigins: 1_599_996,
        Functions: 322_580,
        MultipleFunctions: 32_258,
        Lines: 10_564_456,
        Inlines: 6_155_245,
        Publics: 6_451,
        CfiInits: 209_297,
        CfiDeltas: 627_030);

    /// <summary>Average line lengths of the full file, newline included, where the reference gives them.</summary>
    public static (string Record, double Bytes)[] FullSizeAverageLineBytes { get; } =
        [("INLINE", 42), ("LINE", 21), ("INLINE_ORIGIN", 116), ("FUNC", 93)];

    /// <summary>The counts a file of <paramref name="targetBytes"/> should have: the full-size counts scaled, at least one of each record that carries code.</summary>
    public static SymbolFileCounts Scaled(long targetBytes)
    {
        var full = FullSize;
        var scale = (double)targetBytes / FullSizeBytes;
        var functions = Math.Max(1, Scale(full.Functions));
        return new SymbolFileCounts(
            Bytes: targetBytes,
            Files: Math.Max(1, Scale(full.Files)),
            InlineOrigins: Math.Max(1, Scale(full.InlineOrigins)),
            Functions: functions,
            MultipleFunctions: (long)Math.Round(functions * 0.1, MidpointRounding.AwayFromZero),
            Lines: Scale(full.Lines),
            Inlines: Scale(full.Inlines),
            Publics: Scale(full.Publics),
            CfiInits: Math.Min(functions, Scale(full.CfiInits)),
            CfiDeltas: Scale(full.CfiDeltas));

        long Scale(long count) => (long)Math.Round(count * scale, MidpointRounding.AwayFromZero);
    }
}
