using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

internal sealed partial class SymbolIndexCore
{
    /// <summary>
    /// The most inline ranges (with their copies) of one function that <see cref="TryLookup"/>
    /// asks for before it knows the chain: a few cache lines. Asking for all of a big function's
    /// ranges would spend memory bandwidth on many that the address's chain does not reach.
    /// </summary>
    private const int PrefetchedRangesLimit = 48;

    /// <summary>
    /// Looks up one address. On a large index a lookup waits mostly on memory, so what it will
    /// read is asked for as soon as it is known, letting the cache misses overlap: the function's
    /// name, the line entries around the likely one and the function's ranges at once (so that
    /// the walk up the chain finds its ranges in cache rather than missing once per depth), then
    /// the names and files of the frames the caller will most likely read next.
    /// </summary>
    public bool TryLookup(SymbolIndexReference source, ulong address, out SymbolLookupResult result)
    {
        var function = FindFunctionIndex(address);
        if (function < 0)
        {
            return TryLookupPublic(source, address, out result);
        }

        ref readonly var record = ref _view.Function(function);
        Prefetch.ReadAll(_view.Bytes(record.Name));
        var ranges = _view.RangesOf(record);
        Prefetch.ReadAll(ranges[..Math.Min(ranges.Length, PrefetchedRangesLimit)]);
        var lines = _view.LinesOf(record);
        var guess = GuessIndex(record, lines.Length, address);
        Prefetch.ReadAll(lines[Math.Max(guess - 1, 0)..Math.Min(guess + 2, lines.Length)]);

        var line = FindLineIndex(function, address, guess);
        var innermost = -1;
        if (line >= 0)
        {
            innermost = lines[line].Innermost;
            if (lines[line].HasLine)
            {
                PrefetchFileName(lines[line].File);
            }
        }

        var depth = 0;
        for (var range = innermost; range >= 0;)
        {
            depth = CheckChainLength(record, depth + 1);
            ref readonly var inline = ref _view.Range(record, range);
            if (!inline.OriginName.IsMissing)
            {
                Prefetch.ReadAll(_view.Bytes(inline.OriginName));
            }

            PrefetchFileName(inline.CallFile);
            range = inline.Parent;
        }

        GC.KeepAlive(this);
        result = new SymbolLookupResult(source, address, new SymbolFunction(source, function, isPublic: false), line, depth, innermost);
        return true;
    }

    /// <summary>
    /// The number of steps a chain's walk has taken, checked against its function's depth limit
    /// and its segment's number of ranges: a corrupt saved index can link ranges into a cycle, and
    /// the second bound keeps the walk (and what reads the chain) proportional to the file.
    /// </summary>
    internal int CheckChainLength(in FunctionRecord function, int steps)
    {
        // Compared as signed values: a corrupt negative limit must stop the walk, not lift the bound.
        var limit = Math.Min(Math.Min(function.InlineDepthLimit, InlineRangeRecord.MaxDepth), _view.SegmentRangeCount(function));
        if (steps > limit)
        {
            ThrowHelper.ThrowCorruptIndex("an inline chain is deeper than its function allows");
        }

        return steps;
    }

    private bool TryLookupPublic(SymbolIndexReference source, ulong address, out SymbolLookupResult result)
    {
        var publicIndex = FindPublicIndex(address);
        if (publicIndex >= 0)
        {
            result = new SymbolLookupResult(source, address, new SymbolFunction(source, publicIndex, isPublic: true), -1, 0, innermost: -1);
            return true;
        }

        result = default;
        return false;
    }

    public bool TryFindFunction(SymbolIndexReference source, ulong address, out SymbolFunction function)
    {
        var index = FindFunctionIndex(address);
        if (index >= 0)
        {
            function = new SymbolFunction(source, index, isPublic: false);
            return true;
        }

        index = FindPublicIndex(address);
        function = index >= 0 ? new SymbolFunction(source, index, isPublic: true) : default;
        return index >= 0;
    }

    public bool TryFindNearestPublic(SymbolIndexReference source, ulong address, out SymbolFunction publicSymbol)
    {
        var index = SortedSearch.LastAtOrBelow<PublicRecord, ByAddress>(Tables.Publics.Span, address);
        publicSymbol = index >= 0 ? new SymbolFunction(source, index, isPublic: true) : default;
        return index >= 0;
    }

    public bool TryFindCfiRules(SymbolIndexReference source, ulong address, out CfiRules rules)
    {
        var inits = Tables.CfiInits.Span;
        var index = SortedSearch.LastAtOrBelow<CfiInitRecord, ByRange>(inits, address);
        if (index < 0 || address - inits[index].Address >= inits[index].Size)
        {
            rules = default;
            return false;
        }

        ref readonly var init = ref inits[index];
        var end = init.Rules.Offset + init.Rules.Length;
        var deltas = Checked.Slice(Tables.CfiDeltas.Span, init.FirstDelta, init.DeltaCount);
        var applied = 0;
        while (applied < deltas.Length && deltas[applied].Address <= address)
        {
            end = deltas[applied].RulesEnd;
            applied++;
        }

        if (end < init.Rules.Offset || end - init.Rules.Offset > int.MaxValue)
        {
            ThrowHelper.ThrowCorruptIndex("a STACK CFI row's rules end before its INIT's");
        }

        // Checked here, so that reading the rules later cannot fail.
        _ = _view.SegmentBytes(init.Rules.Segment, init.Rules.Offset, (int)(end - init.Rules.Offset));
        rules = new CfiRules(source, init.Address, init.Size, init.Rules.Segment, init.Rules.Offset, (int)(end - init.Rules.Offset), applied);
        GC.KeepAlive(this);
        return true;
    }

    public bool TryFindStackWin(SymbolIndexReference source, ulong address, out StackWinFrameInfo info)
    {
        if (TryFindStackWinRecord(address, out var record))
        {
            info = new StackWinFrameInfo(source, record);
            return true;
        }

        info = default;
        return false;
    }

    /// <summary>The STACK WIN record covering an address: a FrameData one first, then an FPO one (rust-minidump's and Breakpad's order).</summary>
    private bool TryFindStackWinRecord(ulong address, out StackWinRecord record) =>
        FindStackWinRecord(Tables.StackWinFrameData.Span, address, out record) ||
        FindStackWinRecord(Tables.StackWinFpo.Span, address, out record);

    public bool TryGetParameterSize(ulong address, out uint parameterSize)
    {
        if (TryFindStackWinRecord(address, out var record))
        {
            parameterSize = record.ParameterSize;
            return true;
        }

        var function = FindFunctionIndex(address);
        parameterSize = function >= 0 ? _view.Function(function).ParameterSize : 0;
        GC.KeepAlive(this);
        return function >= 0;
    }

    private int FindFunctionIndex(ulong address)
    {
        var index = LastFunctionAtOrBelow(address);
        return FunctionCovers(index, address) ? index : -1;
    }

    /// <summary>The last function starting at or below the address, or -1 (see <see cref="AddressBuckets"/>).</summary>
    private int LastFunctionAtOrBelow(ulong address) =>
        _functionSearch.LastAtOrBelow(_view.FunctionStarts, address);

    private bool FunctionCovers(int function, ulong address)
    {
        if (function < 0)
        {
            return false;
        }

        ref readonly var record = ref _view.Function(function);
        return address - record.Address < record.Size;
    }

    private int FindPublicIndex(ulong address)
    {
        var publics = Tables.Publics.Span;
        var index = SortedSearch.LastAtOrBelow<PublicRecord, ByAddress>(publics, address);
        if (index < 0 || publics[index].Address == 0)
        {
            return -1;
        }

        // Not when a FUNC starts between the PUBLIC and the address.
        var preceding = LastFunctionAtOrBelow(address);
        if (preceding >= 0 && publics[index].Address <= _view.FunctionStarts[preceding])
        {
            return -1;
        }

        return index;
    }

    /// <summary>
    /// The line entry covering the address, as an index into the function's entries, or -1;
    /// <paramref name="guess"/> is <see cref="GuessIndex"/>'s.
    /// </summary>
    private int FindLineIndex(int function, ulong address, int guess)
    {
        var lines = _view.LinesOf(_view.Function(function));
        if (lines.IsEmpty)
        {
            return -1;
        }

        var index = SortedSearch.LastAtOrBelow<LineRecord, ByRange>(lines, address, Math.Clamp(guess, 0, lines.Length - 1));
        return index >= 0 && address - lines[index].Address < lines[index].Size ? index : -1;
    }

    /// <summary>
    /// Where the entry of an address most likely is among <paramref name="count"/> entries
    /// sorted by address, taking them as evenly spread over the function's range (compilers emit
    /// a line record every few bytes).
    /// </summary>
    private static int GuessIndex(in FunctionRecord function, int count, ulong address)
    {
        var offset = address - function.Address;
        if (offset >= function.Size)
        {
            return 0;
        }

        // offset < 2^32 and count < 2^31: the product fits.
        return (int)(offset * (ulong)count / function.Size);
    }

    private static bool FindStackWinRecord(ReadOnlySpan<StackWinRecord> records, ulong address, out StackWinRecord record)
    {
        var index = SortedSearch.LastAtOrBelow<StackWinRecord, ByAddress>(records, address);
        if (index >= 0 && address - records[index].Address < records[index].Size)
        {
            record = records[index];
            return true;
        }

        record = default;
        return false;
    }
}
