namespace Obs.SymbolFiles.Storage;

/// <summary>
/// The tables of a finished index. Functions, CFI INITs and both STACK WIN tables are sorted by
/// address with no overlaps; each function's lines are sorted by address and its inline ranges
/// by (depth, address); publics are sorted by address. Line records, inline ranges and strings
/// are segmented (see <see cref="FunctionRecord.Segment"/> and <see cref="StringRef.Segment"/>).
/// </summary>
internal sealed record SymbolTables(
    NativeTable<FunctionRecord> Functions,
    NativeTable<ulong> FunctionStarts,
    NativeTable<LineRecord>[] LineSegments,
    NativeTable<InlineRangeRecord>[] InlineSegments,
    NativeTable<int> InlineDepths,
    NativeTable<byte>[] StringSegments,
    NativeTable<PublicRecord> Publics,
    IdTable<FileRecord> Files,
    IdTable<OriginRecord> Origins,
    NativeTable<CfiInitRecord> CfiInits,
    NativeTable<CfiDeltaRecord> CfiDeltas,
    NativeTable<StackWinRecord> StackWinFrameData,
    NativeTable<StackWinRecord> StackWinFpo)
{
    /// <summary>Bytes of native memory the tables occupy.</summary>
    public long ByteCount
    {
        get
        {
            var total = Functions.ByteCount + FunctionStarts.ByteCount + InlineDepths.ByteCount + Publics.ByteCount + Files.Table.ByteCount +
                Origins.Table.ByteCount + CfiInits.ByteCount + CfiDeltas.ByteCount + StackWinFrameData.ByteCount + StackWinFpo.ByteCount;
            for (var i = 0; i < LineSegments.Length; i++)
            {
                total += LineSegments[i].ByteCount + InlineSegments[i].ByteCount + StringSegments[i].ByteCount;
            }

            return total;
        }
    }

    /// <summary>The line records of a function, sorted by address.</summary>
    public ReadOnlySpan<LineRecord> LinesOf(in FunctionRecord function) =>
        LineSegments[function.Segment].Span.Slice(function.FirstLine, function.LineCount);

    /// <summary>The inline ranges of a function, sorted by (depth, address).</summary>
    public ReadOnlySpan<InlineRangeRecord> InlinesOf(in FunctionRecord function) =>
        InlineSegments[function.Segment].Span.Slice(function.FirstInline, function.InlineCount);

    /// <summary>
    /// Functions with more inline ranges than this get a depth directory, so that a lookup can
    /// search each depth's ranges directly; smaller ones are read in one sequential pass.
    /// </summary>
    public const int InlineDirectoryThreshold = 96;

    /// <summary>
    /// A function's depth directory, empty when it has none: entry <c>d</c> is the index (in
    /// <see cref="InlinesOf"/>) of its first range of depth <c>d</c>, for each depth from 0 up to
    /// the first depth it lacks (no inline chain goes deeper), and the last entry ends the last
    /// of those depths. Stored in <see cref="InlineDepths"/> as a count followed by the entries.
    /// </summary>
    public ReadOnlySpan<int> InlineDepthStartsOf(in FunctionRecord function)
    {
        if (function.InlineDepths < 0)
        {
            return default;
        }

        var directory = InlineDepths.Span[function.InlineDepths..];
        return directory.Slice(1, directory[0] + 1);
    }

    /// <summary>The UTF-8 bytes of a string.</summary>
    public ReadOnlySpan<byte> Bytes(StringRef value) =>
        StringSegments[value.Segment].Span.Slice((int)value.Offset, (int)value.Length);
}

/// <summary>The MODULE and INFO records.</summary>
internal sealed record SymbolMetadata(
    SymbolModule? Module,
    string? CodeId,
    string? CodeFile,
    string? Generator,
    string? Url,
    IReadOnlyList<KeyValuePair<string, string>> ExtraInfo);
