using System.IO.Pipelines;
using Obs.SymbolFiles.Parsing;

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
    /// Parses a symbol file from disk. The file is read in blocks on several threads (large files
    /// are split at line boundaries), never held in memory whole.
    /// </summary>
    /// <exception cref="SymbolFileException">Strict mode and a bad line, or the file exceeds the index's limits.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SymbolIndex Load(string path, SymbolParseOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SymbolFileLoader.LoadFile(path, options ?? SymbolParseOptions.Default);
    }

    /// <summary>Parses a symbol file from a stream, as it is read; the stream is not disposed.</summary>
    /// <exception cref="SymbolFileException">Strict mode and a bad line, or the file exceeds the index's limits.</exception>
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
    /// <exception cref="SymbolFileException">Strict mode and a bad line, or the file exceeds the index's limits.</exception>
    public static ValueTask<SymbolIndex> LoadFromPipeAsync(PipeReader reader, SymbolParseOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return SymbolFileLoader.LoadPipeAsync(reader, options ?? SymbolParseOptions.Default, cancellationToken);
    }
}
