using System.IO.Pipelines;
using Obs.SymbolFiles.Parsing;
using Obs.SymbolFiles.Storage;

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
    /// Loads a symbol file from disk: a saved index (recognised by its magic) is opened as
    /// <see cref="Open"/> does, without verifying its content hash; text is parsed, read in blocks
    /// on several threads (large files are split at line boundaries), never held in memory whole.
    /// A file that cannot be read at offsets (a named pipe) is parsed as it arrives, on one thread.
    /// </summary>
    /// <exception cref="IOException">The file could not be read: it does not exist
    /// (<see cref="FileNotFoundException"/>, <see cref="DirectoryNotFoundException"/>) or an I/O error
    /// occurred. The BCL's exception, not wrapped.</exception>
    /// <exception cref="UnauthorizedAccessException">The file could not be read: no permission, or
    /// <paramref name="path"/> names a directory.</exception>
    /// <exception cref="SymbolFileException">The file was read but is not a valid symbol file: no line
    /// of it is a Breakpad record (in lenient mode too), a bad line in strict mode, or it exceeds the
    /// index's limits; for a saved index, a <see cref="SymbolIndexFormatException"/> (truncated,
    /// corrupt, of another version).</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or not a valid path.</exception>
    public static SymbolIndex Load(string path, SymbolParseOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= SymbolParseOptions.Default;

        // The file is opened once, and read through that one handle whatever its kind: a named
        // pipe can be read only once, and an open that is closed unread would cut its writer off.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        if (!stream.CanSeek)
        {
            // A named pipe (a shell's <(zcat x.sym.gz)) cannot be read at offsets: parse it as it arrives.
            return SymbolFileLoader.LoadStreamAsync(stream, options, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return IndexFileReader.HasMagic(handle)
            ? new SymbolIndex(IndexFileReader.Open(stream, verifyContent: false))
            : SymbolFileLoader.LoadFile(handle, options);
    }

    /// <summary>
    /// Opens a saved index (see <see cref="SymbolIndexReference.Save(string, string?)"/>): maps the
    /// file read-only and uses its tables in place. The header, its checksum and every section's
    /// bounds are checked, in a time that does not depend on the number of records; records are
    /// checked as lookups read them, and a corrupt one throws <see cref="SymbolIndexFormatException"/>
    /// from the lookup. With <paramref name="verifyContent"/>, the hash of the whole content is
    /// checked too (reading the whole file), so that any corruption is found now.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="SymbolIndexFormatException">The file is not a valid saved index; <see cref="SymbolIndexFormatException.Error"/> says why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened for reading.</exception>
    public static SymbolIndex Open(string path, bool verifyContent = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new SymbolIndex(IndexFileReader.Open(path, verifyContent));
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
