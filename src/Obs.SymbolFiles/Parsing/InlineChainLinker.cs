using System.Buffers;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// Builds a function's line entries and links its inline chains, once, while the index is
/// assembled, so that a lookup reads the chain at an address from the one line entry it finds and
/// writes nothing: each entry names the innermost range of the chain that holds over all of it
/// (<see cref="LineRecord.Chain"/>), and each range its enclosing range
/// (<see cref="InlineRangeRecord.Parent"/>).
/// </summary>
/// <remarks>
/// <para>The chain at an address is rust-minidump's rule: at each depth, the last range (by
/// address, then file order) starting at or below the address, as long as it covers it. It can
/// change only where a range starts or ends, and the covering line record only where a line
/// record starts or ends, so the function is swept from its start to its end, one piece between
/// two such points at a time. Neighbouring pieces with the same line record and chain make one
/// entry. dump_syms starts a line record wherever inlined code starts or ends, so nearly every line
/// record becomes one entry; a line record that a range boundary cuts becomes several (each after
/// the first marked <see cref="LineRecord.ContinuesLineFlag"/>, so that the record's start can be
/// found), and inlined code that no line record covers gets entries of its own
/// (<see cref="LineRecord.NoLineFlag"/>).</para>
/// <para>In a well-nested file each range has one enclosing range. Where ranges overlap so that a
/// range is enclosed by different ranges at different addresses, the range gets a copy per extra
/// enclosing range, right after the function's own ranges, so that every chain is still a walk up
/// parent links and a function's chains lie in one slice (a lookup asks for it all at once).</para>
/// <para>Each depth remembers until where its answer holds (its range ends or the depth's next
/// range starts), and a piece recomputes only from the first depth whose answer may have changed,
/// so deep chains over many line records cost little more than shallow ones.</para>
/// </remarks>
internal static class InlineChainLinker
{
    private const int Unset = int.MinValue;
    private const int StackDepths = 32;

    /// <summary>
    /// Appends the line entries of <paramref name="function"/> to <paramref name="entries"/> and
    /// points the function at them, links its ranges (rewritten in the
    /// <see cref="InlineRangeRecord"/> layout), appends the copies its chains need to
    /// <paramref name="copies"/>, and sets <see cref="FunctionRecord.InlineDepthLimit"/>. Links
    /// name the places that <see cref="PlaceCopies"/> gives the ranges and copies.
    /// </summary>
    /// <param name="function">A kept function.</param>
    /// <param name="lines">The function's line records: sorted by address, not overlapping.</param>
    /// <param name="ranges">The function's ranges, sorted by (depth, address).</param>
    /// <param name="firstIndex">Where the ranges will start in the segment: where they are now, after the copies of the functions before.</param>
    /// <param name="entries">The segment's line entries so far.</param>
    /// <param name="copies">The segment's copies so far.</param>
    /// <param name="copyIndex">Scratch for the copies of one function, created on the first one.</param>
    public static void Link(
        ref FunctionRecord function,
        ReadOnlySpan<LineRecord> lines,
        Span<ParsedInlineRange> ranges,
        int firstIndex,
        ref NativeBuffer<LineRecord> entries,
        ref NativeBuffer<ParsedInlineRange> copies,
        ref Dictionary<long, int>? copyIndex)
    {
        copyIndex?.Clear();
        var firstCopy = copies.Count;
        var depths = CountDepths(ranges);
        int[]? rentedInts = null;
        ulong[]? rentedLongs = null;
        var ints = depths <= StackDepths ? stackalloc int[(3 * StackDepths) + 1] : (rentedInts = ArrayPool<int>.Shared.Rent((3 * depths) + 1));
        var longs = depths <= StackDepths ? stackalloc ulong[StackDepths + 1] : (rentedLongs = ArrayPool<ulong>.Shared.Rent(depths + 1));
        var parents = ArrayPool<int>.Shared.Rent(Math.Max(ranges.Length, 1));
        try
        {
            parents.AsSpan(0, ranges.Length).Fill(Unset);
            var sweep = new Sweep(
                ranges,
                firstIndex,
                (long)firstIndex + ranges.Length - firstCopy,
                ints[..(depths + 1)],
                ints.Slice(depths + 1, depths),
                ints.Slice((2 * depths) + 1, depths),
                longs[..(depths + 1)],
                parents);
            sweep.Start();

            var firstEntry = entries.Count;
            Run(ref sweep, function, lines, ref entries, ref copies, ref copyIndex);

            function.FirstLine = firstEntry;
            function.LineCount = entries.Count - firstEntry;
            function.FirstInline = firstIndex;
            function.InlineCopyCount = copies.Count - firstCopy;
            function.InlineDepthLimit = depths;

            // The parsed depth field becomes the parent link.
            for (var i = 0; i < ranges.Length; i++)
            {
                ranges[i].Depth = unchecked((uint)(parents[i] == Unset ? InlineRangeRecord.NoParent : parents[i]));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(parents);
            if (rentedInts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedInts);
            }

            if (rentedLongs is not null)
            {
                ArrayPool<ulong>.Shared.Return(rentedLongs);
            }
        }
    }

    /// <summary>
    /// Moves each function's ranges to where <see cref="Link"/> said they would be and puts its
    /// copies right after them, in place: from the last function to the first, each move is to a
    /// higher index, over ranges already moved or past the end. (Building a new table instead
    /// would hold both while the segment is linked.)
    /// </summary>
    /// <param name="segmentRanges">The segment's linked ranges.</param>
    /// <param name="functions">The segment's functions, in the order of their ranges.</param>
    /// <param name="records">The function table <paramref name="functions"/> indexes.</param>
    /// <param name="copies">The segment's copies, in the same order.</param>
    public static void PlaceCopies(ref NativeBuffer<ParsedInlineRange> segmentRanges, ReadOnlySpan<int> functions, ReadOnlySpan<FunctionRecord> records, ReadOnlySpan<ParsedInlineRange> copies)
    {
        if (copies.IsEmpty)
        {
            return;
        }

        segmentRanges.AddRange(copies); // room for them; every range and copy is then put in place
        var span = segmentRanges.Span;
        var copyEnd = copies.Length;
        for (var i = functions.Length - 1; i >= 0 && copyEnd > 0; i--)
        {
            ref readonly var function = ref records[functions[i]];
            var copyStart = copyEnd - function.InlineCopyCount;
            span.Slice(function.FirstInline - copyStart, function.InlineCount).CopyTo(span[function.FirstInline..]);
            copies[copyStart..copyEnd].CopyTo(span[(function.FirstInline + function.InlineCount)..]);
            copyEnd = copyStart;
        }
    }

    private static void Run(
        ref Sweep sweep,
        in FunctionRecord function,
        ReadOnlySpan<LineRecord> lines,
        ref NativeBuffer<LineRecord> entries,
        ref NativeBuffer<ParsedInlineRange> copies,
        ref Dictionary<long, int>? copyIndex)
    {
        var end = function.End;
        var address = function.Address;
        var line = 0;
        var lastEntry = -1;
        var lastLine = -1;
        while (address < end)
        {
            var innermost = sweep.ChainAt(address, ref copies, ref copyIndex, out var next);

            while (line < lines.Length && lines[line].Address + lines[line].Size <= address)
            {
                line++;
            }

            var hasLine = line < lines.Length && lines[line].Address <= address;
            if (hasLine)
            {
                next = Math.Min(next, lines[line].Address + lines[line].Size);
            }
            else if (line < lines.Length)
            {
                next = Math.Min(next, lines[line].Address);
            }

            next = Math.Min(next, end);
            if (hasLine || innermost >= 0)
            {
                if (innermost >= (int)LineRecord.InnermostMask)
                {
                    ThrowHelper.ThrowTooLarge();
                }

                var entryLine = hasLine ? line : -1;
                var contiguous = lastEntry >= 0 && entries[lastEntry].Address + entries[lastEntry].Size == address;
                var chain = (hasLine ? 0 : LineRecord.NoLineFlag) | (uint)(innermost + 1);
                if (contiguous && lastLine == entryLine && entries[lastEntry].Innermost == innermost)
                {
                    // The same line record (or the same gap) with the same chain: one entry.
                    entries[lastEntry].Size += (uint)(next - address);
                }
                else
                {
                    // A piece of the line record the entry before covers (a range boundary cut it).
                    if (hasLine && contiguous && lastLine == entryLine)
                    {
                        chain |= LineRecord.ContinuesLineFlag;
                    }

                    var lineNumber = hasLine ? lines[line].Line : 0;
                    var file = hasLine ? lines[line].File : 0;
                    entries.Add(new LineRecord { Address = address, Size = (uint)(next - address), Line = lineNumber, File = file, Chain = chain });
                    lastEntry = entries.Count - 1;
                    lastLine = entryLine;
                }
            }

            address = next;
        }
    }

    /// <summary>How many depths, from 0 on, a chain can reach: none goes past a depth that has no range.</summary>
    private static int CountDepths(ReadOnlySpan<ParsedInlineRange> ranges)
    {
        var depths = 0;
        for (var r = 0; r < ranges.Length && ranges[r].Depth == (uint)depths && depths < InlineRangeRecord.MaxDepth; depths++)
        {
            while (r < ranges.Length && ranges[r].Depth == (uint)depths)
            {
                r++;
            }
        }

        return depths;
    }

    /// <summary>The chain at each piece of a function, in address order.</summary>
    private ref struct Sweep
    {
        /// <summary>The function's ranges, sorted by (depth, address).</summary>
        private readonly ReadOnlySpan<ParsedInlineRange> _ranges;

        /// <summary>Where the function's ranges will start in the segment: a link to range r is <c>_first + r</c>.</summary>
        private readonly int _first;

        /// <summary>A link to the copy at index k of the segment's copies is <c>_copyBase + k</c> (the function's copies follow its ranges).</summary>
        private readonly long _copyBase;

        /// <summary>Entry d: the first range (function-relative) of depth d; the last entry ends the last depth.</summary>
        private readonly Span<int> _depthStarts;

        /// <summary>Per depth: the last range starting at or below the addresses swept so far (below the depth's start if none).</summary>
        private readonly Span<int> _cursors;

        /// <summary>Per depth below <see cref="_stop"/>: the chain's range, as linked (an index into the segment; a copy's, where one was needed).</summary>
        private readonly Span<int> _chain;

        /// <summary>Entry d: the least, over the depths below d, of the address from which the depth's answer may differ.</summary>
        private readonly Span<ulong> _validPrefix;

        /// <summary>Per range (function-relative): its parent link so far, or <see cref="Unset"/>.</summary>
        private readonly int[] _parents;

        /// <summary>The depth where the current chain stops (the depth count when it reaches every depth); -1 before the first piece.</summary>
        private int _stop;

        public Sweep(ReadOnlySpan<ParsedInlineRange> ranges, int first, long copyBase, Span<int> depthStarts, Span<int> cursors, Span<int> chain, Span<ulong> validPrefix, int[] parents)
        {
            _ranges = ranges;
            _first = first;
            _copyBase = copyBase;
            _depthStarts = depthStarts;
            _cursors = cursors;
            _chain = chain;
            _validPrefix = validPrefix;
            _parents = parents;
            _stop = -1;
        }

        /// <summary>Finds where each depth's ranges start among the function's ranges.</summary>
        public readonly void Start()
        {
            var count = _ranges.Length;
            var depths = _cursors.Length;
            var r = 0;
            for (var d = 0; d < depths; d++)
            {
                _depthStarts[d] = r;
                _cursors[d] = r - 1;
                while (r < count && _ranges[r].Depth == (uint)d)
                {
                    r++;
                }
            }

            _depthStarts[depths] = r;
            _validPrefix[0] = ulong.MaxValue;
        }

        /// <summary>
        /// The innermost range of the chain at <paramref name="address"/> (addresses come in
        /// increasing order), linked to its parents, or -1; <paramref name="next"/> is where the
        /// chain may change next.
        /// </summary>
        public int ChainAt(ulong address, ref NativeBuffer<ParsedInlineRange> copies, ref Dictionary<long, int>? copyIndex, out ulong next)
        {
            var depths = _cursors.Length;
            var depth = FirstExpiredDepth(address);
            if (depth >= 0)
            {
                for (; depth < depths; depth++)
                {
                    var depthEnd = _depthStarts[depth + 1];
                    ref var cursor = ref _cursors[depth];
                    while (cursor + 1 < depthEnd && _ranges[cursor + 1].Address <= address)
                    {
                        cursor++;
                    }

                    var nextStart = cursor + 1 < depthEnd ? _ranges[cursor + 1].Address : ulong.MaxValue;
                    if (cursor < _depthStarts[depth] || address - _ranges[cursor].Address >= _ranges[cursor].Size)
                    {
                        // The chain stops here until the depth's next range starts.
                        SetValidUntil(depth, nextStart);
                        break;
                    }

                    ref readonly var range = ref _ranges[cursor];
                    var rangeEnd = range.Address + range.Size < range.Address ? ulong.MaxValue : range.Address + range.Size;
                    SetValidUntil(depth, Math.Min(nextStart, rangeEnd));
                    _chain[depth] = Link(cursor, depth == 0 ? InlineRangeRecord.NoParent : _chain[depth - 1], ref copies, ref copyIndex);
                }

                _stop = depth;
            }

            next = _validPrefix[Math.Min(_stop, depths - 1) + 1];
            return _stop > 0 ? _chain[_stop - 1] : -1;
        }

        /// <summary>The first depth whose answer may differ at <paramref name="address"/>, or -1 when the chain holds.</summary>
        private readonly int FirstExpiredDepth(ulong address)
        {
            if (_stop < 0)
            {
                return 0;
            }

            // Depths up to the stopping one carry an answer; the prefix minima fall with depth.
            var top = Math.Min(_stop, _cursors.Length - 1);
            if (top < 0 || _validPrefix[top + 1] > address)
            {
                return -1;
            }

            int lo = 0, hi = top;
            while (lo < hi)
            {
                var mid = (lo + hi) >> 1;
                if (_validPrefix[mid + 1] <= address)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            return lo;
        }

        private readonly void SetValidUntil(int depth, ulong until)
        {
            _validPrefix[depth + 1] = Math.Min(_validPrefix[depth], until);
        }

        /// <summary>Links a range (function-relative) to its parent and returns the range to use: itself, or its copy with that parent.</summary>
        private readonly int Link(int range, int parent, ref NativeBuffer<ParsedInlineRange> copies, ref Dictionary<long, int>? copyIndex)
        {
            ref var linked = ref _parents[range];
            if (linked == Unset)
            {
                linked = parent;
                return _first + range;
            }

            if (linked == parent)
            {
                return _first + range;
            }

            copyIndex ??= [];
            var key = ((long)range << 32) | (uint)parent;
            if (copyIndex.TryGetValue(key, out var copy))
            {
                return copy;
            }

            if (_copyBase + copies.Count >= int.MaxValue - 1)
            {
                ThrowHelper.ThrowTooLarge();
            }

            copy = (int)(_copyBase + copies.Count);
            var record = _ranges[range];
            record.Depth = unchecked((uint)parent);
            copies.Add(record);
            copyIndex[key] = copy;
            return copy;
        }
    }
}
