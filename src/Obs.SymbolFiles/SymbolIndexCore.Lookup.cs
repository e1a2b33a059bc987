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
    /// Looks up one address: what <see cref="LookupGroup"/>'s steps find, found one after the
    /// other. The group's schedule pays only when several addresses' cache misses can overlap;
    /// for one address its bookkeeping would only add work. Instead, the function's name, the
    /// line entries around the likely one and the function's ranges are asked for at once, so
    /// that the walk up the chain finds its ranges in cache rather than missing once per depth.
    /// </summary>
    public bool TryLookup(SymbolIndexReference source, ulong address, out SymbolLookupResult result)
    {
        var function = FindFunctionIndex(address);
        if (function < 0)
        {
            return TryLookupPublic(source, address, out result);
        }

        ref readonly var record = ref _view.Function(function);
        var guess = PrefetchFunctionData(function, address);
        var ranges = _view.RangesOf(record);
        Prefetch.ReadAll(ranges[..Math.Min(ranges.Length, PrefetchedRangesLimit)]);
        var lines = _view.LinesOf(record);
        var line = FindLineIndex(function, address, guess);
        var innermost = line >= 0 ? lines[line].Innermost : -1;
        var depth = 0;
        for (var range = innermost; range >= 0; range = _view.Range(record, range).Parent)
        {
            depth = CheckChainLength(record, depth + 1);
        }

        // Asks for the names and files too: reading them one after another is most of a
        // symbolication's misses on a large index.
        result = CompleteLookup(source, function, address, line, innermost, depth);
        return true;
    }

    /// <summary>
    /// Asks for what finding an address's line entry in a function reads, and its name: the few
    /// entries around the one the address most likely falls in (returned as that guess, for
    /// <see cref="FindLineIndex"/>). These lie in unrelated places, so their cache misses overlap.
    /// </summary>
    private int PrefetchFunctionData(int function, ulong address)
    {
        ref readonly var record = ref _view.Function(function);
        Prefetch.ReadAll(_view.Bytes(record.Name));
        var lines = _view.LinesOf(record);
        if (lines.IsEmpty)
        {
            return 0;
        }

        var guess = GuessIndex(record, lines.Length, address);
        Prefetch.ReadAll(lines[Math.Max(guess - 1, 0)..Math.Min(guess + 2, lines.Length)]);
        return guess;
    }

    /// <summary>
    /// The first step of an address's inline chain: asks for the innermost range that its line
    /// entry names and returns it (the first link to follow), or -1; and asks for the entry's slot
    /// in the file-name cache (<see cref="CompleteLookup"/> reads it).
    /// </summary>
    private int BeginInlineChain(int function, int line)
    {
        if (line < 0)
        {
            return -1;
        }

        ref readonly var record = ref _view.Function(function);
        ref readonly var entry = ref _view.LinesOf(record)[line];
        if (entry.HasLine)
        {
            PrefetchFileSlot(entry.File);
        }

        var innermost = entry.Innermost;
        if (innermost >= 0)
        {
            Prefetch.Read(new ReadOnlySpan<InlineRangeRecord>(in _view.Range(record, innermost)));
        }

        return innermost;
    }

    /// <summary>
    /// A step up an inline chain: asks for the parent of a range and returns it, or -1 at depth 0;
    /// and asks for the range's call-site slot in the file-name cache.
    /// </summary>
    private int FollowInlineLink(int function, int range)
    {
        ref readonly var record = ref _view.Function(function);
        ref readonly var inline = ref _view.Range(record, range);
        PrefetchFileSlot(inline.CallFile);
        var parent = inline.Parent;
        if (parent >= 0)
        {
            Prefetch.Read(new ReadOnlySpan<InlineRangeRecord>(in _view.Range(record, parent)));
        }

        return parent;
    }

    /// <summary>The result for an address inside a function whose line entry (or -1) and chain are known, asking for the names and files the caller will most likely read next.</summary>
    private SymbolLookupResult CompleteLookup(SymbolIndexReference source, int function, ulong address, int line, int innermost, int depth)
    {
        ref readonly var record = ref _view.Function(function);
        if (line >= 0 && _view.LinesOf(record)[line] is { HasLine: true } entry)
        {
            PrefetchFileName(entry.File);
        }

        // The chain's walk in InlineLinks counted its depth, within the function's limit.
        var range = innermost;
        for (var step = 0; step < depth; step++)
        {
            ref readonly var inline = ref _view.Range(record, range);
            if (!inline.OriginName.IsMissing)
            {
                Prefetch.ReadAll(_view.Bytes(inline.OriginName));
            }

            PrefetchFileName(inline.CallFile);
            range = inline.Parent;
        }

        GC.KeepAlive(this);
        return new SymbolLookupResult(source, address, new SymbolFunction(source, function, isPublic: false), line, depth, innermost);
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
    /// Finds the line entry of an address among the entries around <paramref name="line"/>
    /// (<see cref="GuessIndex"/>'s guess, whose cache lines were asked for): true with the
    /// answer of <see cref="FindLineIndex"/> when they bracket the address. Otherwise false,
    /// with a better guess, interpolated between the nearest of those entries and the end of
    /// the function on the address's side, whose entries are asked for. Entry sizes vary, so a
    /// big function's first guess is often a few entries off; refining it for a whole group
    /// of addresses at once overlaps the cache misses that a search from the first guess would
    /// take one after another.
    /// </summary>
    private bool TryFindLineNearGuess(int function, ulong address, ref int line)
    {
        ref readonly var record = ref _view.Function(function);
        var lines = _view.LinesOf(record);
        if (lines.IsEmpty)
        {
            line = -1;
            return true;
        }

        // The entries asked for: line - 1 to line + 1.
        var low = Math.Clamp(line - 1, 0, lines.Length - 1);
        var high = Math.Clamp(line + 1, 0, lines.Length - 1);
        if (lines[low].Address > address)
        {
            if (low == 0)
            {
                line = -1;
                return true;
            }

            // Below them: interpolate over the entries before low.
            var span = lines[low].Address - record.Address;
            line = span == 0 || lines[low].Address < record.Address ? 0 : (int)Math.Min((ulong)(low - 1), (address - record.Address) * (ulong)low / span);
        }
        else if (lines[high].Address > address || high == lines.Length - 1 || address - lines[high].Address < lines[high].Size)
        {
            // Bracketed (entries do not overlap, so an entry covering the address is the last at or below it).
            var index = high;
            while (lines[index].Address > address)
            {
                index--;
            }

            line = address - lines[index].Address < lines[index].Size ? index : -1;
            return true;
        }
        else
        {
            // Above them: interpolate over the entries after high.
            var span = record.End - lines[high].Address;
            var step = span == 0 || record.End < lines[high].Address ? 1 : (address - lines[high].Address) * (ulong)(lines.Length - high) / span;
            line = high + (int)Math.Clamp(step, 1, (ulong)(lines.Length - 1 - high));
        }

        Prefetch.ReadAll(lines[Math.Max(line - 1, 0)..Math.Min(line + 2, lines.Length)]);
        return false;
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
