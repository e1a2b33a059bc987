using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

/// <summary>
/// What covers an address: the function, its source position and the inlined calls at that
/// address. Follows rust-minidump: the outer (real) function's position is the call site of
/// its depth-0 inlinee when inlined code covers the address, else the line record's; inlined
/// frames are numbered innermost first. Valid while the reference it was obtained through is
/// held (see <see cref="SymbolIndexReference"/>).
/// </summary>
public readonly struct SymbolLookupResult
{
    private readonly SymbolIndexReference? _source;

    /// <summary>The line entry covering the address (an index into the function's), or -1.</summary>
    private readonly int _line;

    /// <summary>The innermost range of the chain (an index into the function's segment), or -1; the rest of the chain is its parents.</summary>
    private readonly int _innermost;

    internal SymbolLookupResult(SymbolIndexReference source, ulong address, SymbolFunction function, int line, int inlineFrameCount, int innermost)
    {
        _source = source;
        Address = address;
        Function = function;
        _line = line;
        InlineFrameCount = inlineFrameCount;
        _innermost = innermost;
    }

    /// <summary>The address looked up.</summary>
    public ulong Address { get; }

    /// <summary>False for <c>default</c>: what <see cref="SymbolIndexReference.TryLookup"/> gives for an address nothing covers.</summary>
    public bool IsFound => _source is not null;

    /// <summary>The FUNC (or PUBLIC) covering the address.</summary>
    public SymbolFunction Function { get; }

    /// <summary>Address minus the function's start.</summary>
    public ulong FunctionOffset => Address - Function.Address;

    /// <summary>True when a PUBLIC record, not a FUNC, was found: no source position or inline frames.</summary>
    public bool IsFromPublic => Function.IsPublic;

    /// <summary>Number of inlined calls at the address (0 when none).</summary>
    public int InlineFrameCount { get; }

    /// <summary>
    /// Start of the line record covering the address (where the record starts before its function,
    /// the function's start), or null when none does.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public ulong? LineAddress
    {
        get
        {
            var core = Source.Enter();
            try
            {
                if (_line < 0 || !Entry(core).HasLine)
                {
                    return null;
                }

                // A record that range boundaries cut is several entries: its start is the first's.
                var entries = core.View.LinesOf(core.View.Function(Function.Record));
                var first = _line;
                while (first > 0 && entries[first].ContinuesLine)
                {
                    first--;
                }

                return entries[first].Address;
            }
            finally
            {
                Source.Exit();
            }
        }
    }

    /// <summary>
    /// The source line of the outer function at this address: the call site of the outermost
    /// inlined call, or the line record's line. Null when unknown (a line number of 0 counts as
    /// unknown, as in rust-minidump).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public uint? Line
    {
        get
        {
            var core = Source.Enter();
            try
            {
                return InlineFrameCount > 0 ? NonZero(RangeAtDepth(core, 0).CallLine) : LineRecordLine(core);
            }
            finally
            {
                Source.Exit();
            }
        }
    }

    /// <summary>The source file of the outer function's position (the full path of the FILE record), or null.</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public string? File
    {
        get
        {
            var core = Source.Enter();
            try
            {
                return FileId(core) is { } id ? core.GetFileName(id) : null;
            }
            finally
            {
                Source.Exit();
            }
        }
    }

    /// <summary>The source file of the outer function's position, as UTF-8 (empty when unknown): a span into the index, valid while the reference this was obtained through is held.</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public ReadOnlySpan<byte> FileUtf8
    {
        get
        {
            var core = Source.Enter();
            try
            {
                return FileId(core) is { } id ? core.GetFileNameUtf8(id) : default;
            }
            finally
            {
                Source.Exit();
            }
        }
    }

    private SymbolIndexReference Source => ThrowHelper.RequireSource(_source, "lookup result");

    /// <summary>
    /// An inlined call at the address: index 0 is the innermost (the code actually executing),
    /// <see cref="InlineFrameCount"/> − 1 the one called directly by the outer function. Each call
    /// walks the chain up to the frame; <see cref="InlineFrames"/> reads them all in one walk.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not below <see cref="InlineFrameCount"/>.</exception>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    public InlineFrame GetInlineFrame(int index)
    {
        if ((uint)index >= (uint)InlineFrameCount)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(index));
        }

        var core = Source.Enter();
        try
        {
            var callee = index == 0 ? -1 : RangeIndex(core, InlineFrameCount - index);
            return Frame(core, index, ref callee);
        }
        finally
        {
            Source.Exit();
        }
    }

    /// <summary>
    /// The inlined calls at the address, innermost first: what <see cref="GetInlineFrame"/> gives
    /// for 0 to <see cref="InlineFrameCount"/> − 1, found in one walk up the chain. Enumerate
    /// with <c>foreach (var frame in result.InlineFrames)</c>.
    /// </summary>
    public InlineFrameEnumerator InlineFrames => new(this);

    /// <summary>The frame at <paramref name="index"/> for <see cref="InlineFrameEnumerator"/>, whose walk up the chain carries <paramref name="callee"/>.</summary>
    internal InlineFrame NextFrame(int index, ref int callee)
    {
        var core = Source.Enter();
        try
        {
            return Frame(core, index, ref callee);
        }
        finally
        {
            Source.Exit();
        }
    }

    /// <summary>
    /// The frame at <paramref name="index"/>, given (for an index above 0) the range one depth
    /// deeper, <paramref name="callee"/>; sets <paramref name="callee"/> to the frame's range, the
    /// callee of the next frame out.
    /// </summary>
    private InlineFrame Frame(SymbolIndexCore core, int index, ref int callee)
    {
        ref readonly var function = ref core.View.Function(Function.Record);
        if (index == 0)
        {
            // The innermost inlined function is where the line record points.
            ref readonly var innermost = ref core.View.Range(function, _innermost);
            callee = _innermost;
            return new InlineFrame(Source, innermost.OriginName, innermost.Address, innermost.Size, LineRecordFile(core), LineRecordLine(core));
        }

        // Its position is the call site of the inlined call it makes (one depth deeper).
        ref readonly var calleeRange = ref core.View.Range(function, callee);
        callee = calleeRange.Parent;
        ref readonly var range = ref core.View.Range(function, callee);
        return new InlineFrame(Source, range.OriginName, range.Address, range.Size, CallFile(calleeRange), NonZero(calleeRange.CallLine));
    }

    private ref readonly LineRecord Entry(SymbolIndexCore core) => ref core.View.LinesOf(core.View.Function(Function.Record))[_line];

    private uint? LineRecordLine(SymbolIndexCore core) => _line >= 0 && Entry(core) is { HasLine: true } entry ? NonZero(entry.Line) : null;

    private uint? LineRecordFile(SymbolIndexCore core) => _line >= 0 && Entry(core) is { HasLine: true } entry ? entry.File : null;

    private uint? FileId(SymbolIndexCore core) => InlineFrameCount > 0 ? CallFile(RangeAtDepth(core, 0)) : LineRecordFile(core);

    private ref readonly InlineRangeRecord RangeAtDepth(SymbolIndexCore core, int depth) =>
        ref core.View.Range(core.View.Function(Function.Record), RangeIndex(core, depth));

    /// <summary>The chain's range at a depth (below <see cref="InlineFrameCount"/>): the innermost range followed up its parents.</summary>
    private int RangeIndex(SymbolIndexCore core, int depth)
    {
        ref readonly var function = ref core.View.Function(Function.Record);
        var range = _innermost;
        for (var d = InlineFrameCount - 1; d > depth; d--)
        {
            range = core.View.Range(function, range).Parent;
        }

        return range;
    }

    private static uint? CallFile(in InlineRangeRecord range) =>
        range.CallFile == InlineRangeRecord.NoFile ? null : range.CallFile;

    private static uint? NonZero(uint line) => line == 0 ? null : line;
}

/// <summary>An inlined call covering the looked-up address. Valid while the reference it was obtained through is held.</summary>
public readonly struct InlineFrame
{
    /// <summary>The name rust-minidump gives an inlined function whose INLINE_ORIGIN is missing.</summary>
    public const string MissingOriginName = "<name omitted>";

    private readonly SymbolIndexReference? _source;
    private readonly StringRef _name;
    private readonly uint? _file;

    internal InlineFrame(SymbolIndexReference source, StringRef name, ulong address, uint size, uint? file, uint? line)
    {
        _source = source;
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

    /// <summary>The inlined function's name (decoded on each call: a new string); <see cref="MissingOriginName"/> when its INLINE_ORIGIN is missing.</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public string Name
    {
        get
        {
            var source = Source;
            if (_name.IsMissing)
            {
                return MissingOriginName;
            }

            var core = source.Enter();
            try
            {
                return core.DecodeString(_name);
            }
            finally
            {
                source.Exit();
            }
        }
    }

    /// <summary>The inlined function's name as UTF-8 (empty when its INLINE_ORIGIN is missing): a span into the index, valid while the reference this was obtained through is held.</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public ReadOnlySpan<byte> NameUtf8
    {
        get
        {
            var source = Source;
            if (_name.IsMissing)
            {
                return default;
            }

            var core = source.Enter();
            try
            {
                return core.StringBytes(_name);
            }
            finally
            {
                source.Exit();
            }
        }
    }

    /// <summary>The source file (the full path of the FILE record), or null.</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public string? File
    {
        get
        {
            var source = Source;
            if (_file is not { } id)
            {
                return null;
            }

            var core = source.Enter();
            try
            {
                return core.GetFileName(id);
            }
            finally
            {
                source.Exit();
            }
        }
    }

    /// <summary>The source file as UTF-8 (empty when unknown): a span into the index, valid while the reference this was obtained through is held.</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public ReadOnlySpan<byte> FileUtf8
    {
        get
        {
            var source = Source;
            if (_file is not { } id)
            {
                return default;
            }

            var core = source.Enter();
            try
            {
                return core.GetFileNameUtf8(id);
            }
            finally
            {
                source.Exit();
            }
        }
    }

    private SymbolIndexReference Source => ThrowHelper.RequireSource(_source, "inline frame");
}

/// <summary>
/// Enumerates a lookup's inline frames, innermost first (see <see cref="SymbolLookupResult.InlineFrames"/>).
/// Valid while the reference the lookup was obtained through is held.
/// </summary>
public struct InlineFrameEnumerator
{
    private readonly SymbolLookupResult _result;
    private int _index;
    private int _callee;

    internal InlineFrameEnumerator(SymbolLookupResult result)
    {
        _result = result;
        _index = -1;
        _callee = -1;
    }

    /// <summary>The frame the enumerator is at.</summary>
    public InlineFrame Current { readonly get; private set; }

    /// <summary>Returns this enumerator, for <c>foreach</c>.</summary>
    public readonly InlineFrameEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next frame out; false after the outermost.</summary>
    /// <exception cref="ObjectDisposedException">The reference the lookup was obtained through has been disposed.</exception>
    public bool MoveNext()
    {
        if (_index + 1 >= _result.InlineFrameCount)
        {
            return false;
        }

        _index++;
        Current = _result.NextFrame(_index, ref _callee);
        return true;
    }
}
