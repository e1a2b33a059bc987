using System.Runtime.InteropServices;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// The segmented tables (line records, inline ranges, strings) while a parse is assembled:
/// segment <c>k</c> is chunk <c>k</c>'s, taken over without copying; fix-up segments are added
/// after the chunks' for the few FUNC or STACK CFI blocks that a chunk boundary cut in two,
/// so that every block's records end up contiguous in one segment.
/// </summary>
internal sealed class Segments : IDisposable
{
    private readonly List<NativeBuffer<LineRecord>> _lines = [];
    private readonly List<NativeBuffer<ParsedInlineRange>> _inlines = [];
    private readonly List<NativeBuffer<byte>> _strings = [];
    private readonly int _chunkCount;

    public Segments(List<SymbolTableBuilder> chunks)
    {
        foreach (var chunk in chunks)
        {
            _lines.Add(chunk.Lines);
            _inlines.Add(chunk.InlineRanges);
            _strings.Add(chunk.Strings);
            chunk.Lines = default;
            chunk.InlineRanges = default;
            chunk.Strings = default;
        }

        _chunkCount = chunks.Count;
    }

    public int Count => _lines.Count;

    public Span<LineRecord> Lines(int segment) => Buffer(_lines, segment).Span;

    public Span<ParsedInlineRange> Inlines(int segment) => Buffer(_inlines, segment).Span;

    public Span<byte> Strings(int segment) => Buffer(_strings, segment).Span;

    /// <summary>
    /// Joins the head of chunk <paramref name="chunkIndex"/> (line records and inline ranges that
    /// continue the previous chunk's last FUNC) with that function's records, in a fix-up
    /// segment of their own.
    /// </summary>
    public void AttachFunctionContinuation(ref FunctionRecord function, int chunkIndex, SymbolTableBuilder chunk)
    {
        var fixup = function.Segment >= _chunkCount ? function.Segment : AddFixup(function, out function);
        ref var lines = ref Buffer(_lines, fixup);
        ref var inlines = ref Buffer(_inlines, fixup);
        lines.AddRange(Lines(chunkIndex)[..chunk.ContinuationLines]);
        inlines.AddRange(Inlines(chunkIndex)[..chunk.ContinuationInlineRanges]);
        function.LineCount = lines.Count;
        function.InlineCount = inlines.Count;
        function.InlineRecordCount += chunk.InlineRecordsInContinuation;
    }

    /// <summary>
    /// Joins the rule text of chunk <paramref name="chunkIndex"/>'s leading STACK CFI rows
    /// (<paramref name="continuationRows"/>) with the text of the INIT block they continue
    /// (whose rows so far are <paramref name="existingRows"/>) in a fix-up string segment, and
    /// rebases the rows' text ends.
    /// </summary>
    public void AttachCfiContinuation(ref CfiInitRecord init, Span<CfiDeltaRecord> existingRows, Span<CfiDeltaRecord> continuationRows, int chunkIndex)
    {
        if (init.Rules.Segment < _chunkCount)
        {
            var start = init.Rules.Offset;
            var end = existingRows.IsEmpty ? start + init.Rules.Length : existingRows[^1].RulesEnd;
            var source = Strings(init.Rules.Segment);
            var segment = AddSegment();
            Buffer(_strings, segment).AddRange(source[(int)start..(int)end]);
            init.Rules = new StringRef(segment, 0, init.Rules.Length);
            foreach (ref var row in existingRows)
            {
                row.RulesEnd -= start;
            }
        }

        ref var text = ref Buffer(_strings, init.Rules.Segment);
        var shift = (uint)text.Count;
        var headLength = continuationRows.IsEmpty ? 0 : (int)continuationRows[^1].RulesEnd;
        text.AddRange(Strings(chunkIndex)[..headLength]);
        foreach (ref var row in continuationRows)
        {
            row.RulesEnd += shift;
        }
    }

    /// <summary>Drops a segment's line records and inline ranges past the compacted counts.</summary>
    public void Truncate(int segment, int lineCount, int inlineCount)
    {
        Buffer(_lines, segment).Truncate(lineCount);
        Buffer(_inlines, segment).Truncate(inlineCount);
    }

    /// <summary>A segment's inline ranges, for placing the copies that chains need (see <see cref="InlineChainLinker.PlaceCopies"/>).</summary>
    public ref NativeBuffer<ParsedInlineRange> InlineBuffer(int segment) => ref Buffer(_inlines, segment);

    /// <summary>Replaces a segment's line records by its line entries (see <see cref="InlineChainLinker"/>), freeing the records.</summary>
    public void ReplaceLines(int segment, ref NativeBuffer<LineRecord> entries)
    {
        ref var lines = ref Buffer(_lines, segment);
        lines.Dispose();
        lines = entries;
        entries = default;
    }

    /// <summary>Hands every segment to <paramref name="memory"/>; the inline ranges, linked by now, become <see cref="InlineRangeRecord"/>s.</summary>
    public unsafe (Table<LineRecord>[] Lines, Table<InlineRangeRecord>[] Inlines, Table<byte>[] Strings) Detach(NativeIndexMemory memory)
    {
        var lines = new Table<LineRecord>[_lines.Count];
        var inlines = new Table<InlineRangeRecord>[_lines.Count];
        var strings = new Table<byte>[_lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = memory.Adopt(ref Buffer(_lines, i));
            var parsed = memory.Adopt(ref Buffer(_inlines, i));
            inlines[i] = new Table<InlineRangeRecord>((InlineRangeRecord*)parsed.Items, parsed.Count);
            strings[i] = memory.Adopt(ref Buffer(_strings, i));
        }

        return (lines, inlines, strings);
    }

    public void Dispose()
    {
        for (var i = 0; i < _lines.Count; i++)
        {
            Buffer(_lines, i).Dispose();
            Buffer(_inlines, i).Dispose();
            Buffer(_strings, i).Dispose();
        }
    }

    private int AddFixup(FunctionRecord original, out FunctionRecord moved)
    {
        var segment = AddSegment();
        Buffer(_lines, segment).AddRange(Lines(original.Segment).Slice(original.FirstLine, original.LineCount));
        Buffer(_inlines, segment).AddRange(Inlines(original.Segment).Slice(original.FirstInline, original.InlineCount));
        moved = original;
        moved.Segment = segment;
        moved.FirstLine = 0;
        moved.FirstInline = 0;
        return segment;
    }

    private int AddSegment()
    {
        if (_lines.Count >= StringRef.OriginIdSegment)
        {
            ThrowHelper.ThrowTooLarge();
        }

        _lines.Add(default);
        _inlines.Add(default);
        _strings.Add(default);
        return _lines.Count - 1;
    }

    private static ref NativeBuffer<T> Buffer<T>(List<NativeBuffer<T>> list, int index)
        where T : unmanaged => ref CollectionsMarshal.AsSpan(list)[index];
}
