using Obs.SymbolFiles;

namespace Obs.Symbolication;

/// <summary>
/// Finds and loads the Breakpad symbols of modules: a local store, a symbol server, a cache in
/// front of either. The stack walker asks once per module per dump, from several threads at
/// once; an implementation that fetches or parses should do so once per module.
/// </summary>
public interface ISymbolSupplier
{
    /// <summary>
    /// Locates and loads the symbols of <paramref name="identity"/>. Not finding them is a result
    /// (<see cref="SymbolFileStatus.NotFound"/>), not an exception; so are files that cannot be
    /// read or parsed. Only cancellation throws.
    /// </summary>
    ValueTask<SymbolFileResult> LocateAsync(ModuleIdentity identity, CancellationToken cancellationToken);
}

/// <summary>What looking for a module's symbols found.</summary>
public enum SymbolFileStatus
{
    /// <summary>A symbol file was found and loaded.</summary>
    Found,

    /// <summary>No store has a symbol file for the module (or the module lacks the ids to look one up).</summary>
    NotFound,

    /// <summary>A symbol file was found but could not be read.</summary>
    LoadError,

    /// <summary>
    /// A symbol file was found but is not a valid Breakpad file, or has lines that could not be
    /// parsed. <see cref="SymbolFileResult.Index"/> holds what did parse, when anything did.
    /// </summary>
    Corrupt,
}

/// <summary>
/// The outcome of <see cref="ISymbolSupplier.LocateAsync"/>. A result that carries an index owns
/// that reference to it (the index itself, or a lease on one a cache keeps): the consumer disposes
/// the result when it no longer looks anything up, which releases the reference.
/// </summary>
public sealed class SymbolFileResult : IDisposable
{
    private SymbolIndexReference? _index;

    private SymbolFileResult(SymbolFileStatus status, SymbolIndexReference? index, string? message)
    {
        Status = status;
        _index = index;
        Message = message;
    }

    /// <summary>What was found.</summary>
    public SymbolFileStatus Status { get; }

    /// <summary>
    /// The symbols, for <see cref="SymbolFileStatus.Found"/>, and for <see cref="SymbolFileStatus.Corrupt"/>
    /// when a part parsed; null once the result is disposed.
    /// </summary>
    public SymbolIndexReference? Index => _index;

    /// <summary>Why the symbols are missing or corrupt, for logs.</summary>
    public string? Message { get; }

    /// <summary>The URL the file was downloaded from, when it was.</summary>
    public string? SymbolUrl { get; init; }

    /// <summary>The debug file a code-file/code-id lookup found, when the module lacked one.</summary>
    public string? RecoveredDebugFile { get; init; }

    /// <summary>The debug id a code-file/code-id lookup found, when the module lacked one.</summary>
    public string? RecoveredDebugId { get; init; }

    /// <summary>Symbols were found; the result takes over <paramref name="index"/> (an owned index or a lease) and disposes it.</summary>
    public static SymbolFileResult Found(SymbolIndexReference index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return new SymbolFileResult(SymbolFileStatus.Found, index, null);
    }

    /// <summary>Symbols were found but are corrupt; <paramref name="index"/> holds what parsed, if anything, and the result takes it over.</summary>
    public static SymbolFileResult Corrupt(string message, SymbolIndexReference? index = null) =>
        new(SymbolFileStatus.Corrupt, index, message);

    /// <summary>No symbols.</summary>
    public static SymbolFileResult NotFound(string? message = null) => new(SymbolFileStatus.NotFound, null, message);

    /// <summary>A symbol file exists but could not be read.</summary>
    public static SymbolFileResult LoadError(string message) => new(SymbolFileStatus.LoadError, null, message);

    /// <summary>Releases the result's reference to its index.</summary>
    public void Dispose() => Interlocked.Exchange(ref _index, null)?.Dispose();

    /// <summary>
    /// A result with this one's status, message, URL and recovered ids, and <paramref name="index"/>
    /// (which it takes over) in place of this one's: for a supplier that hands one outcome to
    /// several callers, each with its own reference.
    /// </summary>
    internal SymbolFileResult WithIndex(SymbolIndexReference? index) =>
        new(Status, index, Message) { SymbolUrl = SymbolUrl, RecoveredDebugFile = RecoveredDebugFile, RecoveredDebugId = RecoveredDebugId };

    /// <summary>
    /// This result, with its index moved to a new result that also carries where the file came
    /// from; this one gives its reference up.
    /// </summary>
    internal SymbolFileResult WithSource(string? symbolUrl, string? recoveredDebugFile, string? recoveredDebugId) =>
        new(Status, Interlocked.Exchange(ref _index, null), Message)
        {
            SymbolUrl = symbolUrl ?? SymbolUrl,
            RecoveredDebugFile = recoveredDebugFile ?? RecoveredDebugFile,
            RecoveredDebugId = recoveredDebugId ?? RecoveredDebugId,
        };

    /// <summary>
    /// The result for an index that was built or opened: found, or corrupt (with the index) when
    /// some of its text's lines could not be parsed; takes <paramref name="index"/> over.
    /// <paramref name="symbolUrl"/> is where it was downloaded from, if it was.
    /// </summary>
    internal static SymbolFileResult ForIndex(SymbolIndexReference index, string source, string? symbolUrl = null)
    {
        var skipped = index.Statistics.SkippedLines;
        return skipped == 0
            ? new(SymbolFileStatus.Found, index, null) { SymbolUrl = symbolUrl }
            : new(SymbolFileStatus.Corrupt, index, $"{skipped} line(s) of {source} could not be parsed") { SymbolUrl = symbolUrl };
    }
}
