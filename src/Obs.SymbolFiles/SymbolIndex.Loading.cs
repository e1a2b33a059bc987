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
    /// <exception cref="SymbolFileException">Strict mode and a bad line, or the file exceeds the index's limits.</exception>
    public static SymbolIndex Parse(ReadOnlySpan<byte> utf8, SymbolParseOptions? options = null) =>
        SymbolFileLoader.ParseSpan(utf8, options ?? SymbolParseOptions.Default);

    /// <summary>
    /// Loads a symbol file from disk: a saved index (recognised by its magic) is opened as
    /// <see cref="Open"/> does, without verifying its content hash; text is parsed, read in blocks
    /// on several threads (large files are split at line boundaries), never held in memory whole.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="SymbolFileException">Strict mode and a bad line, or the file exceeds the index's limits.</exception>
    /// <exception cref="SymbolIndexFormatException">A saved index that is not valid (truncated, corrupt, of another version).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened for reading.</exception>
    public static SymbolIndex Load(string path, SymbolParseOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return IndexFileReader.HasMagic(path)
            ? new SymbolIndex(IndexFileReader.Open(path, verifyContent: false))
            : SymbolFileLoader.LoadFile(path, options ?? SymbolParseOptions.Default);
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
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="SymbolFileException">Strict mode and a bad line, or the file exceeds the index's limits.</exception>
    /// <exception cref="IOException">The stream cannot be read.</exception>
    /// <exception cref="OperationCanceledException">The load was canceled.</exception>
    public static ValueTask<SymbolIndex> LoadAsync(Stream stream, SymbolParseOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return SymbolFileLoader.LoadStreamAsync(stream, options ?? SymbolParseOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Parses a symbol file from a pipe while its bytes arrive (for example an HTTP download).
    /// Each read is consumed at once; only a line cut between reads is buffered, up to
    /// <see cref="SymbolParseOptions.MaxLineLength"/>. The reader is not completed.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    /// <exception cref="SymbolFileException">Strict mode and a bad line, or the file exceeds the index's limits.</exception>
    /// <exception cref="OperationCanceledException">The load was canceled.</exception>
    public static ValueTask<SymbolIndex> LoadFromPipeAsync(PipeReader reader, SymbolParseOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return SymbolFileLoader.LoadPipeAsync(reader, options ?? SymbolParseOptions.Default, cancellationToken);
    }
}
