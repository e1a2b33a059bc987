using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// What a service calls per dump: <see cref="MinidumpProcessor.ProcessAsync"/> with the symbol
/// supplier and options of the service (<c>AddObsSymbolication</c> registers one as a singleton,
/// over the shared in-process cache). Thread-safe: any number of dumps may be processed at once.
/// </summary>
public sealed class MinidumpStackwalker
{
    /// <summary>Creates a stackwalker over <paramref name="symbols"/> with <paramref name="options"/>.</summary>
    /// <param name="symbols">Where modules' symbols come from; null for none (no module is then reported as missing its symbols).</param>
    /// <param name="options">How each dump is processed; null for the defaults.</param>
    public MinidumpStackwalker(ISymbolSupplier? symbols, StackwalkOptions? options = null)
    {
        Symbols = symbols;
        Options = options ?? new StackwalkOptions();
    }

    /// <summary>Where modules' symbols come from, or null.</summary>
    public ISymbolSupplier? Symbols { get; }

    /// <summary>How each dump is processed.</summary>
    public StackwalkOptions Options { get; }

    /// <summary>Processes <paramref name="dump"/>, which must stay open until the task completes.</summary>
    /// <exception cref="MinidumpProcessingException">The dump lacks a stream processing requires (thread list, system info).</exception>
    /// <exception cref="MinidumpException">A stream processing requires is damaged.</exception>
    /// <exception cref="TimeoutException">Processing took longer than <see cref="StackwalkOptions.Timeout"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="dump"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ProcessState> ProcessAsync(MinidumpFile dump, CancellationToken cancellationToken) =>
        MinidumpProcessor.ProcessAsync(dump, Symbols, Options, cancellationToken);

    /// <summary>Opens the minidump at <paramref name="path"/> (as <see cref="MinidumpFile.Open"/> does) and processes it.</summary>
    /// <exception cref="IOException">The file could not be read: it does not exist
    /// (<see cref="FileNotFoundException"/>, <see cref="DirectoryNotFoundException"/>) or an I/O error
    /// occurred. The BCL's exception, not wrapped.</exception>
    /// <exception cref="UnauthorizedAccessException">The file could not be read: no permission, or
    /// <paramref name="path"/> names a directory.</exception>
    /// <exception cref="MinidumpException">The file was read but is not a valid minidump, or a stream
    /// processing requires is damaged.</exception>
    /// <exception cref="MinidumpProcessingException">The dump lacks a stream processing requires (thread list, system info).</exception>
    /// <exception cref="TimeoutException">Processing took longer than <see cref="StackwalkOptions.Timeout"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or not a valid path.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ProcessState> ProcessAsync(string path, CancellationToken cancellationToken)
    {
        using var dump = MinidumpFile.Open(path);
        return await ProcessAsync(dump, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a minidump from <paramref name="stream"/> (an upload, say; as
    /// <see cref="MinidumpFile.ReadAsync"/> does, never more than <paramref name="maxBytes"/> of it)
    /// and processes it. The stream is not disposed.
    /// </summary>
    /// <exception cref="IOException">The stream could not be read. The stream's own exception, not wrapped.</exception>
    /// <exception cref="MinidumpException">The stream was read but is not a valid minidump, holds more than
    /// <paramref name="maxBytes"/> bytes, or a stream processing requires is damaged.</exception>
    /// <exception cref="MinidumpProcessingException">The dump lacks a stream processing requires (thread list, system info).</exception>
    /// <exception cref="TimeoutException">Processing took longer than <see cref="StackwalkOptions.Timeout"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is null or cannot be read, or
    /// <paramref name="maxBytes"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed while it was read.</exception>
    public async Task<ProcessState> ProcessAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        using var dump = await MinidumpFile.ReadAsync(stream, maxBytes, cancellationToken).ConfigureAwait(false);
        return await ProcessAsync(dump, cancellationToken).ConfigureAwait(false);
    }
}
