using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Obs.SymbolFiles.Storage;

/// <summary>
/// The tables a lookup reads, as raw pointers resolved once when the index is made: a function
/// record, a function's line records or inline ranges, a name's bytes and a file's record are
/// each one or two loads from the index, instead of a chain of dependent loads through
/// <see cref="SymbolTables"/>, its <see cref="NativeTable{T}"/> objects and their segment
/// arrays, with bounds checks, at every step of every lookup. On an index that stays in cache
/// resolving them once made a lookup with strings about a quarter faster (docs/benchmarks.md).
/// </summary>
/// <remarks>
/// <para>Nothing is checked here: indices come from the index's own records, which the
/// assembler made consistent (a function's lines and ranges lie within its segment, a name
/// within its string segment). A table read from disk would have to be validated before a view
/// is made over it.</para>
/// <para>The pointers are valid while the <see cref="SymbolTables"/> they were taken from is
/// reachable (its tables free their memory when finalized); the index that holds a view holds
/// the tables, and its methods keep it alive (<see cref="GC.KeepAlive"/>) past their last read.</para>
/// </remarks>
internal readonly unsafe struct TableView
{
    private readonly FunctionRecord* _functions;
    private readonly ulong* _functionStarts;
    private readonly int _functionStartCount;

    /// <summary>Per segment, its first line record, then its first inline range, then its first string byte (pinned, so the pointers below stay valid).</summary>
    private readonly nint[] _segmentBases;

    /// <summary>The three parts of <see cref="_segmentBases"/>.</summary>
    private readonly LineRecord** _lineSegments;
    private readonly InlineRangeRecord** _inlineSegments;
    private readonly byte** _stringSegments;

    private readonly FileRecord* _files;
    private readonly int _fileCount;

    /// <summary>The FILE table, searched when its ids are not dense.</summary>
    private readonly IdTable<FileRecord>? _sparseFiles;

    /// <summary>Makes a view over <paramref name="tables"/>.</summary>
    public TableView(SymbolTables tables)
    {
        var segments = tables.LineSegments.Length;
        var segmentBases = GC.AllocateArray<nint>(3 * segments, pinned: true);
        for (var i = 0; i < segments; i++)
        {
            segmentBases[i] = (nint)tables.LineSegments[i].Items;
            segmentBases[segments + i] = (nint)tables.InlineSegments[i].Items;
            segmentBases[(2 * segments) + i] = (nint)tables.StringSegments[i].Items;
        }

        _segmentBases = segmentBases;
        var bases = (nint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(segmentBases));
        _lineSegments = (LineRecord**)bases;
        _inlineSegments = (InlineRangeRecord**)(bases + segments);
        _stringSegments = (byte**)(bases + (2 * segments));

        _functions = tables.Functions.Items;
        _functionStarts = tables.FunctionStarts.Items;
        _functionStartCount = tables.FunctionStarts.Count;
        _files = tables.Files.Table.Items;
        _fileCount = tables.Files.Table.Count;
        _sparseFiles = tables.Files.Dense ? null : tables.Files;
    }

    /// <summary>The start of every function, in order (as <see cref="SymbolTables.FunctionStarts"/>).</summary>
    public ReadOnlySpan<ulong> FunctionStarts => new(_functionStarts, _functionStartCount);

    /// <summary>The record of a function (an index below the function count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly FunctionRecord Function(int index) => ref _functions[index];

    /// <summary>A function's line records, as <see cref="SymbolTables.LinesOf"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<LineRecord> LinesOf(in FunctionRecord function) =>
        new(_lineSegments[function.Segment] + function.FirstLine, function.LineCount);

    /// <summary>A function's inline ranges, as <see cref="SymbolTables.InlinesOf"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<InlineRangeRecord> InlinesOf(in FunctionRecord function) =>
        new(_inlineSegments[function.Segment] + function.FirstInline, function.InlineCount);

    /// <summary>A name's bytes, as <see cref="SymbolTables.Bytes"/> (not for a missing name).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Bytes(StringRef value) =>
        new(_stringSegments[value.Segment] + value.Offset, (int)value.Length);

    /// <summary>The index of the FILE record with an id, or -1 (as <see cref="IdTable{T}.Find"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FindFile(uint id) =>
        _sparseFiles is null ? (id < (uint)_fileCount ? (int)id : -1) : _sparseFiles.Find(id);

    /// <summary>The name of the FILE record at an index that <see cref="FindFile"/> returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StringRef FileName(int index) => _files[index].Name;
}
