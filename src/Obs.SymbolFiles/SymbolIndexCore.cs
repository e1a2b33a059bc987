using System.Text;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

/// <summary>
/// The shared part of an index: its tables (in native memory or a mapped file), metadata and the
/// lookups over them, with a count of the references held to it (<see cref="SymbolIndexReference"/>),
/// in the style of <see cref="System.Runtime.InteropServices.SafeHandle"/>: the memory is freed,
/// or the file unmapped, when the count reaches zero.
/// </summary>
/// <remarks>
/// <para>Nothing here writes to the tables: everything a lookup reads was computed when the index
/// was built, so one index serves any number of threads, and a mapped file is read in place.</para>
/// <para>The finalizer frees the memory of an index whose references were never disposed; lookups
/// keep the core reachable (<see cref="GC.KeepAlive"/>) until their last read.</para>
/// </remarks>
internal sealed partial class SymbolIndexCore
{
    private readonly TableView _view;
    private readonly AddressBuckets _functionSearch;

    /// <summary>Decoded file names by FILE index, allocated on the first file lookup, so that opening a saved index does no work per record.</summary>
    private string?[]? _fileNames;
    private readonly IndexMemory _memory;

    /// <summary>References held; 0 once the memory is freed (no reference can be taken after that).</summary>
    private int _references = 1;
    private int _freed;

    public SymbolIndexCore(
        SymbolTables tables,
        IndexMemory memory,
        SymbolMetadata metadata,
        SymbolIndexStatistics statistics,
        IReadOnlyList<SymbolFileDiagnostic> diagnostics,
        ulong sourceHash)
    {
        Tables = tables;
        _memory = memory;
        _view = new TableView(tables);
        _functionSearch = new AddressBuckets(_view.FunctionStarts, tables.FunctionBuckets);
        Metadata = metadata;
        Statistics = statistics;
        Diagnostics = diagnostics;
        SourceHash = sourceHash;
        MemoryBytes = tables.ByteCount;

        // A built index's tables are native memory the GC cannot see; without this it sees no
        // reason to collect dropped (undisposed) indexes. A mapped file's pages belong to the
        // page cache, and only the small managed part counts, which the GC sees anyway.
        if (!memory.IsMapped && MemoryBytes > 0)
        {
            GC.AddMemoryPressure(MemoryBytes);
        }
    }

    ~SymbolIndexCore()
    {
        Free();
    }

    public SymbolTables Tables { get; }

    public ref readonly TableView View => ref _view;

    public SymbolMetadata Metadata { get; }

    public SymbolIndexStatistics Statistics { get; }

    public IReadOnlyList<SymbolFileDiagnostic> Diagnostics { get; }

    public ulong SourceHash { get; }

    public long MemoryBytes { get; }

    public bool IsMapped => _memory.IsMapped;

    /// <summary>Takes a reference unless the count has reached zero.</summary>
    public bool TryAddReference()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Releases a reference; the last one frees the memory.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Free();
        }
    }

    /// <summary>
    /// Takes the memory over when the caller's reference is the only one held: the count drops to
    /// zero, so no reference can be taken after this, and the caller frees the memory with
    /// <see cref="FreeClaimed"/> when done. False (nothing changed) when other references are held.
    /// </summary>
    public bool TryClaimSoleReference() => Interlocked.CompareExchange(ref _references, 0, 1) == 1;

    /// <summary>Frees the memory of a core taken over by <see cref="TryClaimSoleReference"/>.</summary>
    public void FreeClaimed()
    {
        System.Diagnostics.Debug.Assert(Volatile.Read(ref _references) == 0, "The core was not claimed.");
        Free();
    }

    /// <summary>
    /// Frees one table's memory ahead of the rest, in a core taken over by
    /// <see cref="TryClaimSoleReference"/> (its tables are not read again); nothing for a mapped file.
    /// </summary>
    public unsafe void FreeTableEarly(void* items)
    {
        System.Diagnostics.Debug.Assert(Volatile.Read(ref _references) == 0, "The core was not claimed.");
        _memory.FreeEarly(items);
    }

    private void Free()
    {
        if (Interlocked.Exchange(ref _freed, 1) != 0)
        {
            return;
        }

        _memory.Dispose();
        if (!_memory.IsMapped && MemoryBytes > 0)
        {
            GC.RemoveMemoryPressure(MemoryBytes);
        }
    }

    public ReadOnlySpan<byte> StringBytes(StringRef value) => _view.Bytes(value);

    public string DecodeString(StringRef value)
    {
        // For ASCII bytes Latin-1 and UTF-8 decode alike, and Latin-1 skips the validation pass.
        var text = value.IsAscii ? Encoding.Latin1.GetString(StringBytes(value)) : Encoding.UTF8.GetString(StringBytes(value));
        GC.KeepAlive(this);
        return text;
    }

    /// <summary>The path of a FILE id, or null when no FILE record has that id.</summary>
    public string? GetFileName(uint fileId)
    {
        var index = _view.FindFile(fileId);
        if (index < 0)
        {
            return null;
        }

        // File names repeat across lookups; decode each once. A race only decodes twice.
        var names = _fileNames ?? CreateFileNameCache();
        return names[index] ??= DecodeString(_view.FileName(index));
    }

    public ReadOnlySpan<byte> GetFileNameUtf8(uint fileId)
    {
        var index = _view.FindFile(fileId);
        return index < 0 ? default : StringBytes(_view.FileName(index));
    }

    /// <summary>Hints that the name of a file will be read soon (the cached string, once it exists).</summary>
    private void PrefetchFileName(uint fileId)
    {
        var index = _view.FindFile(fileId);
        if (index >= 0 && _fileNames?[index] is { } name)
        {
            Prefetch.Object(name);
        }
    }

    private string?[] CreateFileNameCache()
    {
        Interlocked.CompareExchange(ref _fileNames, new string?[Tables.Files.Table.Count], null);
        return _fileNames;
    }
}
