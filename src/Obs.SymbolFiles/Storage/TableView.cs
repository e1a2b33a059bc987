using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Obs.SymbolFiles.Storage;

/// <summary>
/// The tables a lookup reads, as raw pointers resolved once when the index is made: a function
/// record, a function's line entries, an inline range, a name's bytes and a file's record are
/// each one or two loads from the view, instead of a chain of dependent loads through
/// <see cref="SymbolTables"/> and its segment arrays at every step of every lookup.
/// </summary>
/// <remarks>
/// <para>Every index read from a record (a segment, a slice, a parent link, a string) is checked
/// against the table it points into, and a bad one throws <see cref="SymbolIndexFormatException"/>:
/// a saved index is mapped as it is, and opening it checks only its header and section table, so
/// its records may be corrupt. A built index never fails these checks; they are one compare each,
/// mostly against values already in cache.</para>
/// <para>The pointers are valid while the index's memory is (see <see cref="SymbolIndexCore"/>).</para>
/// </remarks>
internal readonly unsafe struct TableView
{
    private readonly FunctionRecord* _functions;
    private readonly int _functionCount;
    private readonly ulong* _functionStarts;

    /// <summary>Per segment, its first line entry, then its first inline range, then its first string byte (pinned, so the pointers below stay valid).</summary>
    private readonly nint[] _segmentBases;

    /// <summary>Per segment, its line entry count, then its inline range count, then its string byte count (pinned).</summary>
    private readonly int[] _segmentCounts;

    /// <summary>The parts of <see cref="_segmentBases"/> and <see cref="_segmentCounts"/>.</summary>
    private readonly LineRecord** _lineSegments;
    private readonly InlineRangeRecord** _inlineSegments;
    private readonly byte** _stringSegments;
    private readonly int* _lineCounts;
    private readonly int* _inlineCounts;
    private readonly int* _stringLengths;
    private readonly int _segmentCount;

    private readonly FileRecord* _files;
    private readonly int _fileCount;

    /// <summary>The FILE table, searched when its ids are not dense.</summary>
    private readonly IdTable<FileRecord> _fileTable;

    /// <summary>Makes a view over <paramref name="tables"/>.</summary>
    public TableView(SymbolTables tables)
    {
        var segments = tables.LineSegments.Length;
        var bases = GC.AllocateArray<nint>(3 * segments, pinned: true);
        var counts = GC.AllocateArray<int>(3 * segments, pinned: true);
        for (var i = 0; i < segments; i++)
        {
            bases[i] = (nint)tables.LineSegments[i].Items;
            bases[segments + i] = (nint)tables.InlineSegments[i].Items;
            bases[(2 * segments) + i] = (nint)tables.StringSegments[i].Items;
            counts[i] = tables.LineSegments[i].Count;
            counts[segments + i] = tables.InlineSegments[i].Count;
            counts[(2 * segments) + i] = tables.StringSegments[i].Count;
        }

        _segmentBases = bases;
        _segmentCounts = counts;
        _segmentCount = segments;
        var basePointer = (nint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(bases));
        var countPointer = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(counts));
        _lineSegments = (LineRecord**)basePointer;
        _inlineSegments = (InlineRangeRecord**)(basePointer + segments);
        _stringSegments = (byte**)(basePointer + (2 * segments));
        _lineCounts = countPointer;
        _inlineCounts = countPointer + segments;
        _stringLengths = countPointer + (2 * segments);

        _functions = tables.Functions.Items;
        _functionCount = tables.Functions.Count;
        _functionStarts = tables.FunctionStarts.Items;
        _files = tables.Files.Table.Items;
        _fileCount = tables.Files.Table.Count;
        _fileTable = tables.Files;
    }

    /// <summary>The start of every function, in order (as many as there are functions).</summary>
    public ReadOnlySpan<ulong> FunctionStarts => new(_functionStarts, _functionCount);

    /// <summary>The record of a function (an index below the function count, which searches of <see cref="FunctionStarts"/> give).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly FunctionRecord Function(int index)
    {
        if ((uint)index >= (uint)_functionCount)
        {
            ThrowHelper.ThrowCorruptIndex("a function index is out of range");
        }

        return ref _functions[index];
    }

    /// <summary>A function's line entries, sorted by address.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<LineRecord> LinesOf(in FunctionRecord function)
    {
        var segment = function.Segment;
        if ((uint)segment >= (uint)_segmentCount || (uint)function.FirstLine > (uint)_lineCounts[segment] ||
            (uint)function.LineCount > (uint)(_lineCounts[segment] - function.FirstLine))
        {
            ThrowHelper.ThrowCorruptIndex("a function's line entries lie outside their segment");
        }

        return new(_lineSegments[segment] + function.FirstLine, function.LineCount);
    }

    /// <summary>A function's inline ranges, then the copies its chains need: every range its chains can reach.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<InlineRangeRecord> RangesOf(in FunctionRecord function)
    {
        var segment = function.Segment;
        var count = (long)(uint)function.InlineCount + (uint)function.InlineCopyCount;
        if ((uint)segment >= (uint)_segmentCount || (uint)function.FirstInline > (uint)_inlineCounts[segment] ||
            count > (uint)(_inlineCounts[segment] - function.FirstInline))
        {
            ThrowHelper.ThrowCorruptIndex("a function's inline ranges lie outside their segment");
        }

        return new(_inlineSegments[segment] + function.FirstInline, (int)count);
    }

    /// <summary>
    /// The number of inline ranges in a function's segment: no chain of parent links can be longer
    /// without visiting a range twice, so it bounds every walk up a chain of a corrupt index.
    /// </summary>
    public int SegmentRangeCount(in FunctionRecord function)
    {
        var segment = function.Segment;
        if ((uint)segment >= (uint)_segmentCount)
        {
            ThrowHelper.ThrowCorruptIndex("a function's segment does not exist");
        }

        return _inlineCounts[segment];
    }

    /// <summary>An inline range of a function's segment (an index from a line entry or a parent link).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly InlineRangeRecord Range(in FunctionRecord function, int index)
    {
        var segment = function.Segment;
        if ((uint)segment >= (uint)_segmentCount || (uint)index >= (uint)_inlineCounts[segment])
        {
            ThrowHelper.ThrowCorruptIndex("an inline range index lies outside its segment");
        }

        return ref _inlineSegments[segment][index];
    }

    /// <summary>A name's bytes (not for a missing name).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Bytes(StringRef value) => SegmentBytes(value.Segment, value.Offset, (int)value.Length);

    /// <summary>Bytes of a string segment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> SegmentBytes(int segment, uint offset, int length)
    {
        if ((uint)segment >= (uint)_segmentCount || offset > (uint)_stringLengths[segment] || (uint)length > (uint)_stringLengths[segment] - offset)
        {
            ThrowHelper.ThrowCorruptIndex("a string lies outside its segment");
        }

        return new(_stringSegments[segment] + offset, length);
    }

    /// <summary>The index of the FILE record with an id, or -1 (as <see cref="IdTable{T}.Find"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FindFile(uint id) =>
        _fileTable.Dense ? (id < (uint)_fileCount ? (int)id : -1) : _fileTable.Find(id);

    /// <summary>The name of the FILE record at an index that <see cref="FindFile"/> returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StringRef FileName(int index) => _files[index].Name;
}
