using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

/// <summary>
/// What covers an address: the function, its source position and the inlined calls at that
/// address. Follows rust-minidump: the outer (real) function's position is the call site of
/// its depth-0 inlinee when inlined code covers the address, else the line record's; inlined
/// frames are numbered innermost first.
/// </summary>
public readonly struct SymbolLookupResult
{
    /// <summary><see cref="_innermost"/> value: the chain's ranges are searched for, one depth at a time, when asked for.</summary>
    internal const int SearchedChain = -2;

    private readonly SymbolIndex? _index;
    private readonly int _line;

    /// <summary>
    /// The innermost range of an anchored chain (its parents are the rest of the chain; see
    /// <see cref="InlineRangeRecord.ParentDistance"/>), -1 without inlined calls, or
    /// <see cref="SearchedChain"/>. One index rather than a range per depth keeps the result
    /// small: results are copied into the caller's span, and read a few times at most.
    /// </summary>
    private readonly int _innermost;

    internal SymbolLookupResult(SymbolIndex index, ulong address, SymbolFunction function, int line, int inlineFrameCount, int innermost)
    {
        _index = index;
        Address = address;
        Function = function;
        _line = line;
        InlineFrameCount = inlineFrameCount;
        _innermost = innermost;
    }

    /// <summary>The address looked up.</summary>
    public ulong Address { get; }

    /// <summary>False for <c>default</c>: what <see cref="SymbolIndex.LookupMany"/> and <see cref="SymbolIndex.EnumerateLookups"/> give for an address nothing covers.</summary>
    public bool IsFound => _index is not null;

    /// <summary>The FUNC (or PUBLIC) covering the address.</summary>
    public SymbolFunction Function { get; }

    /// <summary>Address minus the function's start.</summary>
    public ulong FunctionOffset => Address - Function.Address;

    /// <summary>True when a PUBLIC record, not a FUNC, was found: no source position or inline frames.</summary>
    public bool IsFromPublic => Function.IsPublic;

    /// <summary>Number of inlined calls at the address (0 when none).</summary>
    public int InlineFrameCount { get; }

    /// <summary>Start of the line record covering the address, or null.</summary>
    public ulong? LineAddress => _line >= 0 ? LineRecord.Address : null;

    /// <summary>
    /// The source line of the outer function at this address: the call site of the outermost
    /// inlined call, or the line record's line. Null when unknown (a line number of 0 counts as
    /// unknown, as in rust-minidump).
    /// </summary>
    public uint? Line => InlineFrameCount > 0 ? NonZero(RangeAtDepth(0).CallLine) : LineRecordLine;

    /// <summary>The source file of the outer function's position, as UTF-8 (empty when unknown).</summary>
    public ReadOnlySpan<byte> FileUtf8 => FileId is { } id ? Index.GetFileNameUtf8(id) : default;

    private SymbolIndex Index => _index ?? throw new InvalidOperationException("The lookup result is empty (default).");

    private ref readonly LineRecord LineRecord => ref Index.View.LinesOf(Function.Record)[_line];

    private uint? LineRecordLine => _line >= 0 ? NonZero(LineRecord.Line) : null;

    private uint? LineRecordFile => _line >= 0 ? LineRecord.File : null;

    private uint? FileId => InlineFrameCount > 0 ? CallFile(RangeAtDepth(0)) : LineRecordFile;

    /// <summary>The source file of the outer function's position (the full path of the FILE record), or null.</summary>
    public string? GetFile() => FileId is { } id ? Index.GetFileName(id) : null;

    /// <summary>
    /// An inlined call at the address: index 0 is the innermost (the code actually executing),
    /// <see cref="InlineFrameCount"/> − 1 the one called directly by the outer function.
    /// </summary>
    public InlineFrame GetInlineFrame(int index)
    {
        if ((uint)index >= (uint)InlineFrameCount)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(index));
        }

        var ranges = Index.View.InlinesOf(Function.Record);
        if (index == 0)
        {
            // The innermost inlined function is where the line record points.
            ref readonly var innermost = ref ranges[RangeIndex(ranges, InlineFrameCount - 1)];
            return new InlineFrame(Index, innermost.OriginName, innermost.Address, innermost.Size, LineRecordFile, LineRecordLine);
        }

        // Its position is the call site of the inlined call it makes (one depth deeper).
        var calleeDepth = InlineFrameCount - index;
        var calleeIndex = RangeIndex(ranges, calleeDepth);
        ref readonly var callee = ref ranges[calleeIndex];
        ref readonly var range = ref ranges[CallerRange(ranges, calleeIndex, calleeDepth)];
        return new InlineFrame(Index, range.OriginName, range.Address, range.Size, CallFile(callee), NonZero(callee.CallLine));
    }

    private ref readonly InlineRangeRecord RangeAtDepth(int depth)
    {
        var ranges = Index.View.InlinesOf(Function.Record);
        return ref ranges[RangeIndex(ranges, depth)];
    }

    /// <summary>The chain's range at a depth (below <see cref="InlineFrameCount"/>): an anchored chain's innermost range followed up its parents, else searched for.</summary>
    private int RangeIndex(ReadOnlySpan<InlineRangeRecord> ranges, int depth)
    {
        if (_innermost < 0)
        {
            return SymbolIndex.FindInlineAtDepth(ranges, (uint)depth, Address);
        }

        var range = _innermost;
        for (var d = InlineFrameCount - 1; d > depth; d--)
        {
            range = ranges[range].ParentOf(range);
        }

        return range;
    }

    /// <summary>
    /// The chain's range one depth above <paramref name="range"/>, its range at
    /// <paramref name="depth"/> (above 0): the parent link of an anchored chain, without walking
    /// down from the innermost range again as <see cref="RangeIndex"/> would; else searched for.
    /// </summary>
    private int CallerRange(ReadOnlySpan<InlineRangeRecord> ranges, int range, int depth) =>
        _innermost >= 0 ? ranges[range].ParentOf(range) : SymbolIndex.FindInlineAtDepth(ranges, (uint)(depth - 1), Address);

    private static uint? CallFile(in InlineRangeRecord range) =>
        range.CallFile == InlineRangeRecord.NoFile ? null : range.CallFile;

    private static uint? NonZero(uint line) => line == 0 ? null : line;
}

/// <summary>An inlined call covering the looked-up address.</summary>
public readonly struct InlineFrame
{
    /// <summary>The name rust-minidump gives an inlined function whose INLINE_ORIGIN is missing.</summary>
    public const string MissingOriginName = "<name omitted>";

    private readonly SymbolIndex? _index;
    private readonly StringRef _name;
    private readonly uint? _file;

    internal InlineFrame(SymbolIndex index, StringRef name, ulong address, uint size, uint? file, uint? line)
    {
        _index = index;
        _name = name;
        Address = address;
        Size = size;
        _file = file;
        Line = line;
    }

    /// <summary>Start of the INLINE address range that covers the looked-up address.</summary>
    public ulong Address { get; }

    /// <summary>Size of that range.</summary>
    public uint Size { get; }

    /// <summary>The source line executing in this inlined function: the call site of the next deeper call, or the line record's line. Null when unknown.</summary>
    public uint? Line { get; }

    /// <summary>The inlined function's name as UTF-8 (empty when its INLINE_ORIGIN is missing).</summary>
    public ReadOnlySpan<byte> FunctionNameUtf8 => _name.IsMissing ? default : Index.StringBytes(_name);

    /// <summary>The source file as UTF-8 (empty when unknown).</summary>
    public ReadOnlySpan<byte> FileUtf8 => _file is { } id ? Index.GetFileNameUtf8(id) : default;

    private SymbolIndex Index => _index ?? throw new InvalidOperationException("The inline frame is empty (default).");

    /// <summary>Decodes the inlined function's name; <see cref="MissingOriginName"/> when its INLINE_ORIGIN is missing.</summary>
    public string GetFunctionName() => _name.IsMissing ? MissingOriginName : Index.DecodeString(_name);

    /// <summary>The source file (the full path of the FILE record), or null.</summary>
    public string? GetFile() => _file is { } id ? Index.GetFileName(id) : null;
}
