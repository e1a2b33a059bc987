using System.IO.Pipelines;
using Obs.SymbolFiles.Parsing;

namespace Obs.SymbolFiles;

public sealed partial class SymbolIndex
{
    /// <summary>
    /// Parses a symbol file held in memory (for example a memory-mapped file). Large inputs are
    /// parsed on several threads (<see cref="SymbolParseOptions.MaxDegreeOfParallelism"/>).
    /// </summary>
    /// <exception cref="SymbolFileException">The input is not a valid symbol file: no line of it is a
    /// Breakpad record (in lenient mode too), a bad line in strict mode, or it exceeds the index's limits.</exception>
    public static SymbolIndex Parse(ReadOnlySpan<byte> utf8, SymbolParseOptions? options = null) =>
        SymbolFileLoader.ParseSpan(utf8, options ?? SymbolParseOptions.Default);

    /// <summary>
    /// Parses a symbol file from disk. The file is read in blocks on several threads (large files
    /// are split at line boundaries), never held in memory whole. A file that cannot be read at
    /// offsets (a named pipe) is parsed as it arrives, on one thread.
    /// </summary>
    /// <exception cref="IOException">The file could not be read: it does not exist
    /// (<see cref="FileNotFoundException"/>, <see cref="DirectoryNotFoundException"/>) or an I/O error
    /// occurred. The BCL's exception, not wrapped.</exception>
    /// <exception cref="UnauthorizedAccessException">The file could not be read: no permission, or
    /// <paramref name="path"/> names a directory.</exception>
    /// <exception cref="SymbolFileException">The file was read but is not a valid symbol file: no line
    /// of it is a Breakpad record (in lenient mode too), a bad line in strict mode, or it exceeds the
    /// index's limits.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or not a valid path.</exception>
    public static SymbolIndex Load(string path, SymbolParseOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SymbolFileLoader.LoadFile(path, options ?? SymbolParseOptions.Default);
    }

    /// <summary>Parses a symbol file from a stream, as it is read; the stream is not disposed.</summary>
    /// <exception cref="IOException">The stream could not be read. The stream's own exception, not wrapped.</exception>
    /// <exception cref="SymbolFileException">The stream was read but is not a valid symbol file: no line
    /// of it is a Breakpad record (in lenient mode too), a bad line in strict mode, or it exceeds the
    /// index's limits.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is null or cannot be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed while it was read.</exception>
    public static ValueTask<SymbolIndex> LoadAsync(Stream stream, SymbolParseOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("the stream cannot be read (it is write-only or disposed)", nameof(stream));
        }

        return SymbolFileLoader.LoadStreamAsync(stream, options ?? SymbolParseOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Parses a symbol file from a pipe while its bytes arrive (for example an HTTP download).
    /// Each read is consumed at once; only a line cut between reads is buffered, up to
    /// <see cref="SymbolParseOptions.MaxLineLength"/>. The reader is not completed.
    /// </summary>
    /// <exception cref="IOException">The pipe's writer failed with an I/O error. The writer's own
    /// exception, not wrapped.</exception>
    /// <exception cref="SymbolFileException">The input was read but is not a valid symbol file: no line
    /// of it is a Breakpad record (in lenient mode too), a bad line in strict mode, or it exceeds the
    /// index's limits.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static ValueTask<SymbolIndex> LoadFromPipeAsync(PipeReader reader, SymbolParseOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return SymbolFileLoader.LoadPipeAsync(reader, options ?? SymbolParseOptions.Default, cancellationToken);
    }
}
