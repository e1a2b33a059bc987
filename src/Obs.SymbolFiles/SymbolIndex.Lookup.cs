using System.Runtime.CompilerServices;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

public sealed partial class SymbolIndex
{
    /// <summary>
    /// Looks up a module-relative address: the FUNC that covers it, with its source line and
    /// the chain of inlined calls; else a PUBLIC by the fallback rule (see
    /// <see cref="TryFindFunction"/>). False when neither applies.
    /// </summary>
    public bool TryLookup(ulong address, out SymbolLookupResult result)
    {
        var function = FindFunctionIndex(address);
        if (function >= 0)
        {
            // One address: ask for all the inline ranges the chain could need at once, rather
            // than following the chain's links one cache miss after another.
            AnchorChains(function);
            var lineGuess = PrefetchFunctionData(function, address, withInlines: true);
            PrefetchInlineDepths(function, address);
            result = CompleteLookup(function, address, FindLineIndex(function, address, lineGuess));
            return true;
        }

        return TryLookupPublic(address, out result);
    }

    /// <summary>
    /// Looks up many addresses at once: <c>results[i]</c> is what <see cref="TryLookup"/> gives
    /// for <c>addresses[i]</c>, or <c>default</c> (<see cref="SymbolLookupResult.IsFound"/>
    /// false) when nothing covers it. Returns the number of addresses found.
    /// </summary>
    /// <remarks>
    /// On a large index a lookup waits mostly on memory: the function record, then its line
    /// record, then the inline ranges of the chain that the line record names (one depth after
    /// another), then the names, each a cache miss. This overlaps the misses of neighbouring
    /// addresses (each step is taken for a group of addresses before the next step starts) and
    /// leaves the names of the results in cache. Decode the names of a batch before looking up
    /// the next one: batches of a few dozen to a few hundred addresses keep them cached.
    /// <see cref="EnumerateLookups"/> also overlaps the lookups with that decoding.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="addresses"/>.</exception>
    public int LookupMany(ReadOnlySpan<ulong> addresses, Span<SymbolLookupResult> results)
    {
        if (results.Length < addresses.Length)
        {
            ThrowHelper.ThrowArgument(nameof(results), "The results span is shorter than the addresses span.");
        }

        var group = default(LookupGroup);
        for (var start = 0; start < addresses.Length; start += LookupGroup.Capacity)
        {
            var count = Math.Min(LookupGroup.Capacity, addresses.Length - start);
            group.Start(addresses.Slice(start, count));
            while (group.TakeStep(this, results.Slice(start, count)))
            {
            }
        }

        var found = 0;
        foreach (ref readonly var result in results[..addresses.Length])
        {
            found += result.IsFound ? 1 : 0;
        }

        GC.KeepAlive(this);
        return found;
    }

    /// <summary>
    /// Looks up a sequence of addresses, handing out one result per address in input order:
    /// what <see cref="TryLookup"/> gives, or <c>default</c> (<see cref="SymbolLookupResult.IsFound"/>
    /// false) when nothing covers it. Enumerate with <c>foreach (ref readonly var result in
    /// index.EnumerateLookups(addresses))</c>.
    /// </summary>
    /// <remarks>
    /// The lookups are overlapped as in <see cref="LookupMany"/>, and also with the caller's
    /// work on the results before them (see <see cref="SymbolLookupEnumerator"/>): on a large
    /// index, when each result's names are turned into strings, somewhat faster than
    /// <see cref="LookupMany"/>, and no array of results is needed.
    /// </remarks>
    public SymbolLookupEnumerator EnumerateLookups(ReadOnlySpan<ulong> addresses) => new(this, addresses);

    /// <summary>
    /// Asks for what finding an address's line in a function reads, and its name: the few line
    /// records around the one the address most likely falls in (returned as that guess, for
    /// <see cref="FindLineIndex"/>) and, <paramref name="withInlines"/>, the function's inline
    /// ranges (or, for a big function, its depth directory). These lie in unrelated places, so
    /// their cache misses overlap.
    /// </summary>
    private int PrefetchFunctionData(int function, ulong address, bool withInlines)
    {
        ref readonly var record = ref _view.Function(function);
        Prefetch.ReadAll(_view.Bytes(record.Name));
        if (withInlines)
        {
            PrefetchInlineSearch(record);
        }

        var lines = _view.LinesOf(record);
        if (lines.IsEmpty)
        {
            return 0;
        }

        var guess = GuessIndex(record, lines.Length, address);
        Prefetch.ReadAll(lines[Math.Max(guess - 1, 0)..Math.Min(guess + 2, lines.Length)]);
        return guess;
    }

    /// <summary>Asks for what searching a function's inline ranges reads first: all of them, or for a big function its depth directory.</summary>
    private void PrefetchInlineSearch(in FunctionRecord record)
    {
        if (record.InlineDepths < 0)
        {
            // All that the sequential chain scan reads.
            Prefetch.ReadAll(_view.InlinesOf(record));
        }
        else
        {
            // The count and the first depths; few functions go deeper than a cache line's worth.
            var directory = _tables.InlineDepths.Span[record.InlineDepths..];
            Prefetch.ReadAll(directory[..Math.Min(directory.Length, 16)]);
        }
    }

    /// <summary>
    /// The first step of a <see cref="LookupGroup"/>'s inline chain: asks for the innermost range
    /// that the line record names and returns it (the next link to follow), or -1. A line whose
    /// chain is not anchored gets its ranges asked for, for the search that will follow. Also
    /// asks for the line's slot in the file-name cache (<see cref="CompleteLookup"/> reads it).
    /// </summary>
    private int BeginInlineChain(int function, ulong address, int line)
    {
        ref readonly var record = ref _view.Function(function);
        if (line >= 0)
        {
            PrefetchFileSlot(_view.LinesOf(record)[line].File);
        }

        var innermost = AnchoredInnermost(function, line);
        if (innermost == LineRecord.ChainNotAnchored)
        {
            PrefetchInlineSearch(record);
            PrefetchInlineDepths(function, address);
            return -1;
        }

        if (innermost >= 0)
        {
            Prefetch.ReadAll(_view.InlinesOf(record).Slice(innermost, 1));
        }

        return innermost;
    }

    /// <summary>
    /// A step of a <see cref="LookupGroup"/>'s inline chain: asks for the parent of a range and
    /// returns it, or -1 at depth 0; and asks for the range's call-site slot in the file-name
    /// cache. (Asking for its origin name here as well, rather than at the end, was slower.)
    /// </summary>
    private int FollowInlineLink(int function, int range)
    {
        var ranges = _view.InlinesOf(_view.Function(function));
        PrefetchFileSlot(ranges[range].CallFile);
        var parent = ranges[range].ParentOf(range);
        if (parent >= 0)
        {
            Prefetch.ReadAll(ranges.Slice(parent, 1));
        }

        return parent;
    }

    /// <summary>
    /// For a function with a depth directory, asks for the inline ranges around where the
    /// address most likely falls at each depth (<see cref="SearchInlineDepths"/> starts there).
    /// </summary>
    private void PrefetchInlineDepths(int function, ulong address)
    {
        ref readonly var record = ref _view.Function(function);
        var starts = _tables.InlineDepthStartsOf(record);
        if (starts.IsEmpty)
        {
            return;
        }

        var ranges = _view.InlinesOf(record);
        for (var depth = 0; depth + 1 < starts.Length && depth < InlineChain.Length; depth++)
        {
            var level = ranges[starts[depth]..starts[depth + 1]];
            var guess = GuessIndex(record, level.Length, address);
            Prefetch.ReadAll(level[Math.Max(guess - 1, 0)..Math.Min(guess + 2, level.Length)]);
        }
    }

    /// <summary>The inline chain of an address inside a function whose line (or -1) is known, asking for the names and files the caller will most likely read next.</summary>
    private SymbolLookupResult CompleteLookup(int function, ulong address, int line)
    {
        ref readonly var record = ref _view.Function(function);
        var inlines = _view.InlinesOf(record);
        if (line >= 0)
        {
            PrefetchFileName(_view.LinesOf(record)[line].File);
        }

        var innermost = AnchoredInnermost(function, line);
        int depth;
        if (innermost == LineRecord.ChainNotAnchored)
        {
            var chain = default(InlineChain);
            depth = FindInlineChain(record, address, ref chain);
            for (var d = 0; d < depth && d < InlineChain.Length; d++)
            {
                PrefetchFrameNames(inlines[chain[d]]);
            }

            innermost = SymbolLookupResult.SearchedChain;
        }
        else
        {
            // The innermost range and its parents, one per depth (the anchoring links them so).
            depth = innermost >= 0 ? inlines[innermost].Depth + 1 : 0;
            for (var range = innermost; range >= 0; range = inlines[range].ParentOf(range))
            {
                PrefetchFrameNames(inlines[range]);
            }
        }

        GC.KeepAlive(this);
        return new SymbolLookupResult(this, address, new SymbolFunction(this, function, isPublic: false), line, depth, innermost);
    }

    /// <summary>Asks for an inlined call's origin name and its call site's file name.</summary>
    private void PrefetchFrameNames(in InlineRangeRecord range)
    {
        if (!range.OriginName.IsMissing)
        {
            Prefetch.ReadAll(_view.Bytes(range.OriginName));
        }

        PrefetchFileName(range.CallFile);
    }

    // States of a function in _chainAnchors.
    private const byte AnchorsNotBuilt = 0;
    private const byte AnchorsBuilding = 1;
    private const byte AnchorsBuilt = 2;
    private const byte AnchorsTooDeep = 3;

    /// <summary>
    /// Makes sure a function's inline chains are anchored to its line records (see
    /// <see cref="InlineChainAnchors"/>), anchoring them now on its first lookup; false while
    /// another thread is at it, or when the function's chains are too deep to anchor. Lookups
    /// then search the ranges instead, with the same result.
    /// </summary>
    /// <remarks>
    /// <para>The anchors are the one part of the tables written after parsing: the thread that
    /// claims the function (a CAS on its state) writes them, then publishes them with a release
    /// write of the state. Readers use them only after an acquire read of that state, and the
    /// fields written are read by nothing else.</para>
    /// <para>A later on-disk index would have to store the states with the tables, or anchor every
    /// function before writing them.</para>
    /// </remarks>
    private bool AnchorChains(int function)
    {
        ref var state = ref _chainAnchors[function];
        var current = Volatile.Read(ref state);
        if (current != AnchorsNotBuilt)
        {
            return current == AnchorsBuilt;
        }

        if (Interlocked.CompareExchange(ref state, AnchorsBuilding, AnchorsNotBuilt) != AnchorsNotBuilt)
        {
            return false;
        }

        ref readonly var record = ref _view.Function(function);
        var lines = _tables.LineSegments[record.Segment].WritableSpan.Slice(record.FirstLine, record.LineCount);
        var ranges = _tables.InlineSegments[record.Segment].WritableSpan.Slice(record.FirstInline, record.InlineCount);
        var anchored = InlineChainAnchors.Anchor(lines, ranges);
        Volatile.Write(ref state, anchored ? AnchorsBuilt : AnchorsTooDeep);
        GC.KeepAlive(this);
        return anchored;
    }

    /// <summary>The innermost range anchored to a line record, once its function is anchored; else <see cref="LineRecord.ChainNotAnchored"/>.</summary>
    private int AnchoredInnermost(int function, int line) =>
        line >= 0 && Volatile.Read(ref _chainAnchors[function]) == AnchorsBuilt
            ? _view.LinesOf(_view.Function(function))[line].InnermostInline
            : LineRecord.ChainNotAnchored;

    private bool TryLookupPublic(ulong address, out SymbolLookupResult result)
    {
        var publicIndex = FindPublicIndex(address);
        if (publicIndex >= 0)
        {
            result = new SymbolLookupResult(this, address, new SymbolFunction(this, publicIndex, isPublic: true), -1, 0, innermost: -1);
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>
    /// Finds the function at a module-relative address: the FUNC whose range covers it; else the
    /// nearest PUBLIC at or below it, provided no FUNC starts between that PUBLIC and the address
    /// (rust-minidump's and Breakpad's rule). PUBLIC records at address 0 are never used, as in
    /// Breakpad, whose resolver ignores them (they are placeholders such as Mach-O's
    /// <c>_mh_execute_header</c> or ntdll's zero-address publics).
    /// </summary>
    public bool TryFindFunction(ulong address, out SymbolFunction function)
    {
        var index = FindFunctionIndex(address);
        if (index >= 0)
        {
            function = new SymbolFunction(this, index, isPublic: false);
            return true;
        }

        index = FindPublicIndex(address);
        function = index >= 0 ? new SymbolFunction(this, index, isPublic: true) : default;
        return index >= 0;
    }

    /// <summary>
    /// The PUBLIC record nearest at or below an address, whatever FUNC records say (the raw
    /// query behind the fallback rule of <see cref="TryFindFunction"/>).
    /// </summary>
    public bool TryFindNearestPublic(ulong address, out SymbolFunction publicSymbol)
    {
        var index = SortedSearch.LastAtOrBelow<PublicRecord, Parsing.ByAddress>(_tables.Publics.Span, address);
        publicSymbol = index >= 0 ? new SymbolFunction(this, index, isPublic: true) : default;
        return index >= 0;
    }

    /// <summary>
    /// The STACK CFI rules in force at an address: the covering <c>STACK CFI INIT</c> rules
    /// followed by every <c>STACK CFI</c> row of that block at or below the address, in address
    /// order, one per line (later rules override earlier ones for the same register).
    /// </summary>
    public bool TryFindCfiRules(ulong address, out CfiRules rules)
    {
        var inits = _tables.CfiInits.Span;
        var index = SortedSearch.LastAtOrBelow<CfiInitRecord, Parsing.ByRange>(inits, address);
        if (index < 0 || address - inits[index].Address >= inits[index].Size)
        {
            rules = default;
            return false;
        }

        ref readonly var init = ref inits[index];
        var end = init.Rules.Offset + init.Rules.Length;
        var deltas = _tables.CfiDeltas.Span.Slice(init.FirstDelta, init.DeltaCount);
        var applied = 0;
        while (applied < deltas.Length && deltas[applied].Address <= address)
        {
            end = deltas[applied].RulesEnd;
            applied++;
        }

        rules = new CfiRules(this, init.Address, init.Size, init.Rules.Segment, init.Rules.Offset, (int)(end - init.Rules.Offset), applied);
        GC.KeepAlive(this);
        return true;
    }

    /// <summary>
    /// The STACK WIN record covering an address: a FrameData (type 4) record if one covers it,
    /// else an FPO (type 0) record, as Breakpad and rust-minidump prefer.
    /// </summary>
    public bool TryFindStackWin(ulong address, out StackWinFrameInfo info)
    {
        if (FindStackWinRecord(_tables.StackWinFrameData.Span, address, out var record) ||
            FindStackWinRecord(_tables.StackWinFpo.Span, address, out record))
        {
            info = new StackWinFrameInfo(this, record);
            return true;
        }

        info = default;
        return false;
    }

    /// <summary>
    /// The size of the parameters a function at this address takes on the stack: from STACK WIN
    /// FrameData, else FPO, else the FUNC record (rust-minidump's order).
    /// </summary>
    public bool TryGetParameterSize(ulong address, out uint parameterSize)
    {
        if (FindStackWinRecord(_tables.StackWinFrameData.Span, address, out var record) ||
            FindStackWinRecord(_tables.StackWinFpo.Span, address, out record))
        {
            parameterSize = record.ParameterSize;
            return true;
        }

        var function = FindFunctionIndex(address);
        parameterSize = function >= 0 ? _view.Function(function).ParameterSize : 0;
        GC.KeepAlive(this);
        return function >= 0;
    }

    internal int FindFunctionIndex(ulong address)
    {
        var index = LastFunctionAtOrBelow(address);
        return FunctionCovers(index, address) ? index : -1;
    }

    /// <summary>
    /// The last function starting at or below the address, or -1: two neighbouring buckets of
    /// <see cref="AddressBuckets"/> and the one or two starts between them, where a binary search
    /// over 320,000 starts costs a chain of dependent cache misses (~340 ns each on a large file
    /// here).
    /// </summary>
    private int LastFunctionAtOrBelow(ulong address) =>
        _functionStartBuckets.LastAtOrBelow(_view.FunctionStarts, address);

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
        var publics = _tables.Publics.Span;
        var index = SortedSearch.LastAtOrBelow<PublicRecord, Parsing.ByAddress>(publics, address);
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
    /// The line record covering the address, as an index into the function's lines, or -1;
    /// <paramref name="guess"/> is <see cref="GuessIndex"/>'s.
    /// </summary>
    private int FindLineIndex(int function, ulong address, int guess)
    {
        var lines = _view.LinesOf(_view.Function(function));
        if (lines.IsEmpty)
        {
            return -1;
        }

        var index = SortedSearch.LastAtOrBelow<LineRecord, Parsing.ByRange>(lines, address, guess);
        return index >= 0 && address - lines[index].Address < lines[index].Size ? index : -1;
    }

    /// <summary>
    /// Finds the line record of an address among the records around <paramref name="line"/>
    /// (<see cref="GuessIndex"/>'s guess, whose cache lines were asked for): true with the
    /// answer of <see cref="FindLineIndex"/> when they bracket the address. Otherwise false,
    /// with a better guess, interpolated between the nearest of those records and the end of
    /// the function on the address's side, whose records are asked for. Line sizes vary, so a
    /// big function's first guess is often a few records off; refining it for a whole group
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

        // The records asked for: line - 1 to line + 1.
        var low = Math.Max(line - 1, 0);
        var high = Math.Min(line + 1, lines.Length - 1);
        if (lines[low].Address > address)
        {
            if (low == 0)
            {
                line = -1;
                return true;
            }

            // Below them: interpolate over the records before low.
            var span = lines[low].Address - record.Address;
            line = span == 0 ? 0 : (int)Math.Min((ulong)(low - 1), (address - record.Address) * (ulong)low / span);
        }
        else if (lines[high].Address > address || high == lines.Length - 1 || address - lines[high].Address < lines[high].Size)
        {
            // Bracketed (kept line records do not overlap, so a record covering the address is the last at or below it).
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
            // Above them: interpolate over the records after high.
            var span = record.End - lines[high].Address;
            var step = span == 0 ? 1 : (address - lines[high].Address) * (ulong)(lines.Length - high) / span;
            line = high + (int)Math.Clamp(step, 1, (ulong)(lines.Length - 1 - high));
        }

        Prefetch.ReadAll(lines[Math.Max(line - 1, 0)..Math.Min(line + 2, lines.Length)]);
        return false;
    }

    /// <summary>
    /// Where the record of an address most likely is among <paramref name="count"/> records
    /// sorted by address, taking them as evenly spread over the function's range. Line records
    /// nearly are (compilers emit a row every few bytes); a depth's inline ranges less so, but
    /// the search that starts from the guess only pays for its distance.
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


    /// <summary>How deep the inlined calls at the address go; the range of each depth goes into <paramref name="chain"/> (as far as it holds).</summary>
    private int FindInlineChain(in FunctionRecord function, ulong address, ref InlineChain chain)
    {
        var ranges = _view.InlinesOf(function);
        return function.InlineDepths < 0
            ? ScanInlineChain(ranges, address, ref chain)
            : SearchInlineDepths(function, ranges, _tables.InlineDepthStartsOf(function), address, ref chain);
    }

    /// <summary>
    /// One pass over a function's ranges (sorted by depth, then address), keeping for each depth
    /// the last range starting at or below the address: the same answer as a binary search per
    /// depth, but a sequential read of a few cache lines instead of chains of dependent misses.
    /// </summary>
    private static int ScanInlineChain(ReadOnlySpan<InlineRangeRecord> ranges, ulong address, ref InlineChain chain)
    {
        var depth = 0;
        var candidate = -1;
        for (var i = 0; i < ranges.Length; i++)
        {
            ref readonly var range = ref ranges[i];
            if (range.Depth != depth)
            {
                // Moving past this depth: it holds only if its last range at or below covers the address.
                if (range.Depth != depth + 1 || !Covers(ranges, candidate, address))
                {
                    break;
                }

                chain[depth] = candidate;
                depth++;
                candidate = -1;
                if (depth == InlineChain.Length)
                {
                    return SearchInlineChainFrom(ranges, address, depth);
                }
            }

            if (range.Address <= address)
            {
                candidate = i;
            }
        }

        if (Covers(ranges, candidate, address))
        {
            chain[depth] = candidate;
            depth++;
        }

        return depth;
    }

    private static bool Covers(ReadOnlySpan<InlineRangeRecord> ranges, int index, ulong address) =>
        index >= 0 && address - ranges[index].Address < ranges[index].Size;

    /// <summary>
    /// The chain of a function with a depth directory: each depth's ranges are searched from
    /// the guessed position (<see cref="PrefetchInlineDepths"/> asked for the records there), so
    /// a depth costs a cache line or two rather than a binary search's chain of misses.
    /// </summary>
    private static int SearchInlineDepths(in FunctionRecord function, ReadOnlySpan<InlineRangeRecord> ranges, ReadOnlySpan<int> starts, ulong address, ref InlineChain chain)
    {
        var depth = 0;
        for (; depth + 1 < starts.Length; depth++)
        {
            var first = starts[depth];
            var level = ranges[first..starts[depth + 1]];
            var index = SortedSearch.LastAtOrBelow<InlineRangeRecord, Parsing.ByAddress>(level, address, GuessIndex(function, level.Length, address));
            if (index < 0 || address - level[index].Address >= level[index].Size)
            {
                break;
            }

            if (depth < InlineChain.Length)
            {
                chain[depth] = first + index;
            }
        }

        return depth;
    }

    /// <summary>Counts the depths past those a searched chain holds (<see cref="InlineChain.Length"/>).</summary>
    private static int SearchInlineChainFrom(ReadOnlySpan<InlineRangeRecord> ranges, ulong address, int depth)
    {
        while (FindInlineAtDepth(ranges, (uint)depth, address) >= 0)
        {
            depth++;
        }

        return depth;
    }

    /// <summary>The inline range of one depth that covers the address, as an index into the function's ranges, or -1.</summary>
    internal static int FindInlineAtDepth(ReadOnlySpan<InlineRangeRecord> ranges, uint depth, ulong address)
    {
        // Ranges are sorted by (depth, address): find the last one at or below (depth, address).
        int lo = 0, hi = ranges.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            ref readonly var range = ref ranges[mid];
            if (range.Depth < depth || (range.Depth == depth && range.Address <= address))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        var index = lo - 1;
        if (index < 0)
        {
            return -1;
        }

        ref readonly var found = ref ranges[index];
        return found.Depth == depth && address - found.Address < found.Size ? index : -1;
    }

    private static bool FindStackWinRecord(ReadOnlySpan<StackWinRecord> records, ulong address, out StackWinRecord record)
    {
        var index = SortedSearch.LastAtOrBelow<StackWinRecord, Parsing.ByAddress>(records, address);
        if (index >= 0 && address - records[index].Address < records[index].Size)
        {
            record = records[index];
            return true;
        }

        record = default;
        return false;
    }
}

/// <summary>The inline range found at each depth by a search of a function's ranges, as indices into them.</summary>
[InlineArray(Length)]
internal struct InlineChain
{
    public const int Length = 16;

    private int _element0;
}
