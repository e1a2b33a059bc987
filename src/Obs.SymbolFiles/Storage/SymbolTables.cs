namespace Obs.SymbolFiles.Storage;

/// <summary>
/// The tables of a finished index. Functions, CFI INITs and both STACK WIN tables are sorted by
/// address with no overlaps; each function's line entries are sorted by address; publics are
/// sorted by address. Line entries, inline ranges and strings are segmented (see
/// <see cref="FunctionRecord.Segment"/> and <see cref="StringRef.Segment"/>): segment <c>k</c>
/// of each holds the records of the same functions.
/// </summary>
internal sealed record SymbolTables(
    Table<FunctionRecord> Functions,
    Table<ulong> FunctionStarts,
    Table<int> FunctionBuckets,
    Table<LineRecord>[] LineSegments,
    Table<InlineRangeRecord>[] InlineSegments,
    Table<byte>[] StringSegments,
    Table<PublicRecord> Publics,
    IdTable<FileRecord> Files,
    Table<CfiInitRecord> CfiInits,
    Table<CfiDeltaRecord> CfiDeltas,
    Table<StackWinRecord> StackWinFrameData,
    Table<StackWinRecord> StackWinFpo)
{
    /// <summary>Bytes the tables occupy.</summary>
    public long ByteCount
    {
        get
        {
            var total = Functions.ByteCount + FunctionStarts.ByteCount + FunctionBuckets.ByteCount + Publics.ByteCount + Files.Table.ByteCount +
                CfiInits.ByteCount + CfiDeltas.ByteCount + StackWinFrameData.ByteCount + StackWinFpo.ByteCount;
            for (var i = 0; i < LineSegments.Length; i++)
            {
                total += LineSegments[i].ByteCount + InlineSegments[i].ByteCount + StringSegments[i].ByteCount;
            }

            return total;
        }
    }
}

/// <summary>The MODULE and INFO records.</summary>
internal sealed record SymbolMetadata(
    SymbolModule? Module,
    string? CodeId,
    string? CodeFile,
    string? Generator,
    string? Url,
    IReadOnlyList<KeyValuePair<string, string>> ExtraInfo);
