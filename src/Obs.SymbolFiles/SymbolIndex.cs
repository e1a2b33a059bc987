using System.Text;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

/// <summary>
/// A parsed Breakpad symbol file: compact sorted tables of its FUNC, line, INLINE, PUBLIC,
/// STACK CFI and STACK WIN records with lookups by module-relative address.
/// </summary>
/// <remarks>
/// <para>Create one with <see cref="Parse(ReadOnlySpan{byte}, SymbolParseOptions?)"/>,
/// <see cref="Load(string, SymbolParseOptions?)"/> or the <c>LoadAsync</c> overloads; all give
/// the same index for the same bytes. An index is immutable and every member is thread-safe.
/// Lookups do not allocate until a name is turned into a <see cref="string"/>. (The first
/// lookup in a function links its inline ranges to its line records, which later lookups use;
/// that changes no answer.)</para>
/// <para>The records live in native memory (hundreds of megabytes for a large file) that is
/// freed when the index is garbage-collected; the index reports that memory to the GC
/// (<see cref="GC.AddMemoryPressure"/>), so that dropped indexes are collected as their memory
/// adds up. Spans returned by lookups point into that memory and are valid while the index is
/// reachable.</para>
/// </remarks>
public sealed partial class SymbolIndex
{
    private readonly SymbolTables _tables;

    /// <summary>The tables that lookups read, as raw pointers (see <see cref="TableView"/>).</summary>
    private readonly TableView _view;
    private readonly SymbolMetadata _metadata;
    private readonly string?[] _fileNames;

    /// <summary>
    /// The function search: a directory over <see cref="SymbolTables.FunctionStarts"/> with about
    /// one bucket per function (at most 4 bytes each), so that a search reads a line of buckets and
    /// a line of starts.
    /// </summary>
    private readonly AddressBuckets _functionStartBuckets;

    /// <summary>Per function, whether its inline chains are anchored to its line records yet (see <see cref="AnchorChains"/>).</summary>
    private readonly byte[] _chainAnchors;

    /// <summary>The tables' size, reported to the GC while this index is reachable.</summary>
    private readonly NativeMemoryPressure _memoryPressure;

    internal SymbolIndex(SymbolTables tables, SymbolMetadata metadata, SymbolIndexStatistics statistics, IReadOnlyList<SymbolFileDiagnostic> diagnostics)
    {
        _tables = tables;
        _view = new TableView(tables);
        _metadata = metadata;
        Statistics = statistics;
        Diagnostics = diagnostics;
        _fileNames = new string?[tables.Files.Table.Count];
        _chainAnchors = new byte[tables.Functions.Count];
        _functionStartBuckets = new AddressBuckets(tables.FunctionStarts.Span);
        _memoryPressure = new NativeMemoryPressure(tables.ByteCount);
    }

    /// <summary>The <c>MODULE</c> record, or null when the file has none.</summary>
    public SymbolModule? Module => _metadata.Module;

    /// <summary>The code id of <c>INFO CODE_ID</c>, or null.</summary>
    public string? CodeId => _metadata.CodeId;

    /// <summary>The code file of <c>INFO CODE_ID</c> (Windows files name it), or null.</summary>
    public string? CodeFile => _metadata.CodeFile;

    /// <summary>The <c>INFO GENERATOR</c> text, or null.</summary>
    public string? Generator => _metadata.Generator;

    /// <summary>The <c>INFO URL</c> text (written by symbol caches), or null.</summary>
    public string? Url => _metadata.Url;

    /// <summary>Every other <c>INFO &lt;key&gt; &lt;value&gt;</c> record, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraInfo => _metadata.ExtraInfo;

    /// <summary>Record counts after the overlap policy, and what was repaired or skipped.</summary>
    public SymbolIndexStatistics Statistics { get; }

    /// <summary>
    /// The first skipped lines (at most <see cref="SymbolParseOptions.MaxDiagnostics"/>), in file
    /// order; <see cref="SymbolIndexStatistics.SkippedLines"/> counts them all.
    /// </summary>
    public IReadOnlyList<SymbolFileDiagnostic> Diagnostics { get; }

    /// <summary>Bytes of native memory the index's tables occupy.</summary>
    public long MemoryBytes => _memoryPressure.Bytes;

    internal SymbolTables Tables => _tables;

    internal ref readonly TableView View => ref _view;

    internal ReadOnlySpan<byte> StringBytes(StringRef value) => _view.Bytes(value);

    internal ReadOnlySpan<byte> SegmentBytes(int segment, uint offset, int length) =>
        _tables.StringSegments[segment].Span.Slice((int)offset, length);

    internal string DecodeString(StringRef value)
    {
        // For ASCII bytes Latin-1 and UTF-8 decode alike, and Latin-1 skips the validation pass.
        var text = value.IsAscii ? Encoding.Latin1.GetString(StringBytes(value)) : Encoding.UTF8.GetString(StringBytes(value));
        GC.KeepAlive(this);
        return text;
    }

    /// <summary>The path of a FILE id, or null when no FILE record has that id.</summary>
    internal string? GetFileName(uint fileId)
    {
        var index = _view.FindFile(fileId);
        if (index < 0)
        {
            return null;
        }

        // File names repeat across lookups; decode each once. A race only decodes twice.
        return _fileNames[index] ??= DecodeString(_view.FileName(index));
    }

    /// <summary>Hints that the name of a file will be read soon (the cached string, once it exists).</summary>
    internal void PrefetchFileName(uint fileId)
    {
        var index = _view.FindFile(fileId);
        if (index >= 0 && _fileNames[index] is { } name)
        {
            Storage.Prefetch.Object(name);
        }
    }

    /// <summary>Hints that the cache slot of a file's name will be read soon (<see cref="PrefetchFileName"/> reads it).</summary>
    internal void PrefetchFileSlot(uint fileId)
    {
        var index = _view.FindFile(fileId);
        if (index >= 0)
        {
            Storage.Prefetch.Element(_fileNames, index);
        }
    }

    internal ReadOnlySpan<byte> GetFileNameUtf8(uint fileId)
    {
        var index = _view.FindFile(fileId);
        return index < 0 ? default : StringBytes(_view.FileName(index));
    }
}
