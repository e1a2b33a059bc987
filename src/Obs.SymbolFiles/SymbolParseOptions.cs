namespace Obs.SymbolFiles;

/// <summary>How a symbol file is parsed.</summary>
public sealed record SymbolParseOptions
{
    /// <summary>The default: permissive, 160 KiB line limit, all cores for files.</summary>
    public static SymbolParseOptions Default { get; } = new();

    /// <summary>
    /// Reject the file with a <see cref="SymbolFileException"/> at its first line that cannot be
    /// parsed. When false (the default), such lines are skipped and reported in
    /// <see cref="SymbolIndexReference.Diagnostics"/>.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// The longest line, in bytes, that is parsed; a longer line is skipped and counted in
    /// <see cref="SymbolIndexStatistics.OversizedLines"/> (in strict mode too). It also bounds the
    /// buffer used for streamed input. The default is 160 KiB, rust-minidump's limit.
    /// </summary>
    public int MaxLineLength
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxLineLengthLimit);
            field = value;
        }
    } = 160 * 1024;

    /// <summary>The largest <see cref="MaxLineLength"/> allowed: 8 MiB − 1.</summary>
    public const int MaxLineLengthLimit = Storage.StringRef.MaxLength;

    /// <summary>
    /// How many threads may parse one file given as a path or a span; 0 (the default) means one
    /// per processor. Streamed input is always parsed on one thread.
    /// </summary>
    public int MaxDegreeOfParallelism
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>How many skipped lines are described in <see cref="SymbolIndexReference.Diagnostics"/>; all are counted.</summary>
    public int MaxDiagnostics
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 100;

    /// <summary>Inputs smaller than this are parsed as one chunk (tests lower it to exercise chunk joins on small files).</summary>
    internal long ParallelThreshold { get; init; } = 1L << 20;

    internal int EffectiveParallelism => MaxDegreeOfParallelism == 0 ? Environment.ProcessorCount : MaxDegreeOfParallelism;
}
