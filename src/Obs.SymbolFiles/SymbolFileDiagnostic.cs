namespace Obs.SymbolFiles;

/// <summary>What was wrong with a line that the parser skipped.</summary>
public enum SymbolFileDiagnosticKind
{
    /// <summary>The line starts with no known record keyword.</summary>
    UnknownRecord,

    /// <summary>The line starts with a known keyword but its fields are missing or invalid.</summary>
    MalformedRecord,

    /// <summary>A line record or <c>INLINE</c> record outside a <c>FUNC</c> block.</summary>
    OrphanFunctionLine,

    /// <summary>A <c>STACK CFI</c> delta row outside a <c>STACK CFI INIT</c> block.</summary>
    OrphanCfiRow,

    /// <summary>A <c>MODULE</c> record that is not the first record of the file.</summary>
    MisplacedModule,

    /// <summary>The line is longer than <see cref="SymbolParseOptions.MaxLineLength"/>.</summary>
    LineTooLong,
}

/// <summary>A line the parser skipped, and why.</summary>
/// <param name="LineNumber">1-based line number.</param>
/// <param name="ByteOffset">Byte offset of the start of the line.</param>
/// <param name="Kind">What was wrong.</param>
public readonly record struct SymbolFileDiagnostic(long LineNumber, long ByteOffset, SymbolFileDiagnosticKind Kind)
{
    /// <summary>A short English description of <see cref="Kind"/>.</summary>
    public string Description => Describe(Kind);

    internal static string Describe(SymbolFileDiagnosticKind kind) => kind switch
    {
        SymbolFileDiagnosticKind.UnknownRecord => "unknown record",
        SymbolFileDiagnosticKind.MalformedRecord => "malformed record",
        SymbolFileDiagnosticKind.OrphanFunctionLine => "line or INLINE record outside a FUNC block",
        SymbolFileDiagnosticKind.OrphanCfiRow => "STACK CFI row outside a STACK CFI INIT block",
        SymbolFileDiagnosticKind.MisplacedModule => "MODULE record after the start of the file",
        SymbolFileDiagnosticKind.LineTooLong => "line longer than the limit",
        _ => kind.ToString(),
    };
}
