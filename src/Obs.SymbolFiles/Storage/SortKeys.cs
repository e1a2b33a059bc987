namespace Obs.SymbolFiles.Storage;

/// <summary>
/// A record's sort key: an address, then a second key (range end or depth). The tables are
/// sorted by these keys when they are built and searched by them afterwards.
/// </summary>
internal interface ISortKey<T>
    where T : unmanaged
{
    static abstract ulong Primary(in T record);

    static abstract ulong Secondary(in T record);
}

/// <summary>Ranges: start, then end.</summary>
internal readonly struct ByRange : ISortKey<FunctionRecord>, ISortKey<LineRecord>, ISortKey<CfiInitRecord>
{
    public static ulong Primary(in FunctionRecord record) => record.Address;

    public static ulong Secondary(in FunctionRecord record) => record.Address + record.Size;

    public static ulong Primary(in LineRecord record) => record.Address;

    public static ulong Secondary(in LineRecord record) => record.Address + record.Size;

    public static ulong Primary(in CfiInitRecord record) => record.Address;

    public static ulong Secondary(in CfiInitRecord record) => record.Address + record.Size;
}

/// <summary>Address only; ties keep file order.</summary>
internal readonly struct ByAddress : ISortKey<PublicRecord>, ISortKey<StackWinRecord>, ISortKey<CfiDeltaRecord>
{
    public static ulong Primary(in PublicRecord record) => record.Address;

    public static ulong Secondary(in PublicRecord record) => 0;

    public static ulong Primary(in StackWinRecord record) => record.Address;

    public static ulong Secondary(in StackWinRecord record) => 0;

    public static ulong Primary(in CfiDeltaRecord record) => record.Address;

    public static ulong Secondary(in CfiDeltaRecord record) => 0;
}

/// <summary>Parsed inline ranges: depth, then address (the order the chain linker sweeps them in).</summary>
internal readonly struct ByDepthThenAddress : ISortKey<ParsedInlineRange>
{
    public static ulong Primary(in ParsedInlineRange record) => record.Depth;

    public static ulong Secondary(in ParsedInlineRange record) => record.Address;
}

/// <summary>FILE and INLINE_ORIGIN records: by id.</summary>
internal readonly struct ById : ISortKey<FileRecord>, ISortKey<OriginRecord>
{
    public static ulong Primary(in FileRecord record) => record.Id;

    public static ulong Secondary(in FileRecord record) => 0;

    public static ulong Primary(in OriginRecord record) => record.Id;

    public static ulong Secondary(in OriginRecord record) => 0;
}
