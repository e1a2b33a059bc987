namespace Obs.SymbolFiles.Storage;

/// <summary>
/// The tables of a finished index. Functions, CFI INITs and both STACK WIN tables are sorted by
/// address with no overlaps; each function's lines are sorted by address and its inline ranges
/// by (depth, address); publics are sorted by address.
/// </summary>
internal sealed record SymbolTables(
    NativeTable<FunctionRecord> Functions,
    NativeTable<ulong> FunctionStarts,
    NativeTable<LineRecord> Lines,
    NativeTable<InlineRangeRecord> InlineRanges,
    NativeTable<PublicRecord> Publics,
    IdTable<FileRecord> Files,
    IdTable<OriginRecord> Origins,
    NativeTable<CfiInitRecord> CfiInits,
    NativeTable<CfiDeltaRecord> CfiDeltas,
    NativeTable<StackWinRecord> StackWinFrameData,
    NativeTable<StackWinRecord> StackWinFpo,
    NativeTable<byte> Strings)
{
    /// <summary>Bytes of native memory the tables occupy.</summary>
    public long ByteCount =>
        Functions.ByteCount + FunctionStarts.ByteCount + Lines.ByteCount + InlineRanges.ByteCount +
        Publics.ByteCount + Files.Table.ByteCount + Origins.Table.ByteCount + CfiInits.ByteCount +
        CfiDeltas.ByteCount + StackWinFrameData.ByteCount + StackWinFpo.ByteCount + Strings.ByteCount;
}

/// <summary>The MODULE and INFO records.</summary>
internal sealed record SymbolMetadata(
    SymbolModule? Module,
    string? CodeId,
    string? CodeFile,
    string? Generator,
    string? Url,
    IReadOnlyList<KeyValuePair<string, string>> ExtraInfo);
