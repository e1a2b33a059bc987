namespace Obs.SymbolFiles.Storage;

/// <summary>
/// Anchors a function's inline chains to its line records, so that a lookup reads the chain
/// from the line it finds anyway instead of searching the ranges: each line record gets the
/// innermost range of the chain that covers all of it, and each range its enclosing range
/// (<see cref="LineRecord.InnermostInline"/>, <see cref="InlineRangeRecord.ParentDistance"/>).
/// </summary>
/// <remarks>
/// <para>
/// The chain at an address is the per-depth rule of the lookups: at each depth the last range
/// (by address, then file order) starting at or below the address, as long as it covers it.
/// dump_syms starts a line record wherever inlined code starts or ends, so nearly every line
/// record has one chain throughout; and in a well-nested file each range has one enclosing
/// range. Where either fails (a range boundary inside a line record, or ranges whose enclosing
/// range differs from address to address) the line is marked
/// <see cref="LineRecord.ChainNotAnchored"/> and the lookup searches as before, so the
/// answer is the rule's in every case.
/// </para>
/// <para>
/// One pass over the lines in address order, with a cursor per depth that only moves forward:
/// linear in lines × depth plus ranges. It costs ~40 ns per line record (~0.4 s for a 700 MB
/// file), so it is not done while parsing but on a function's first lookup (see
/// <c>SymbolIndex.AnchorChains</c>): only the functions that crashes reach pay for it.
/// </para>
/// </remarks>
internal static class InlineChainAnchors
{
    /// <summary>Functions whose chains reach deeper than this are not anchored (the sweep's state lives on the stack).</summary>
    public const int MaxDepths = 32;

    /// <summary>
    /// Sets the <see cref="LineRecord.InnermostInline"/> of every line record of a function and
    /// the parent links its chains need; false (nothing written) when its chains can reach
    /// deeper than <see cref="MaxDepths"/>.
    /// </summary>
    /// <param name="lines">The function's line records: sorted by address, not overlapping.</param>
    /// <param name="ranges">The function's inline ranges: sorted by (depth, address), stably; no parent links yet (as parsed).</param>
    public static bool Anchor(Span<LineRecord> lines, Span<InlineRangeRecord> ranges)
    {
        if (ranges.IsEmpty)
        {
            foreach (ref var line in lines)
            {
                line.InnermostInline = LineRecord.NoInline;
            }

            return true;
        }

        // depthStarts[d] is the first range of depth d, for the depths 0..depthCount-1 that a
        // chain can reach (none goes past a missing depth); depthStarts[depthCount] ends them.
        Span<int> depthStarts = stackalloc int[MaxDepths + 1];
        var depthCount = 0;
        var r = 0;
        while (r < ranges.Length && ranges[r].Depth == (uint)depthCount)
        {
            if (depthCount == MaxDepths)
            {
                return false;
            }

            depthStarts[depthCount++] = r;
            while (r < ranges.Length && ranges[r].Depth == (uint)(depthCount - 1))
            {
                r++;
            }
        }

        depthStarts[depthCount] = r;
        var sweep = new Sweep(ranges, depthStarts[..(depthCount + 1)], stackalloc int[depthCount], stackalloc int[depthCount], stackalloc ulong[depthCount]);
        foreach (ref var line in lines)
        {
            line.InnermostInline = sweep.ChainOver(line.Address, line.Address + line.Size);
        }

        return true;
    }

    /// <summary>
    /// The chain at each line of a function, in address order. Consecutive lines mostly share
    /// the outer part of their chain, so each depth remembers until where its answer holds, and
    /// a line recomputes only from the first depth whose answer may have changed.
    /// </summary>
    private ref struct Sweep
    {
        private readonly Span<InlineRangeRecord> _ranges;

        /// <summary>Entry d: the first range of depth d; the last entry ends the last depth.</summary>
        private readonly Span<int> _depthStarts;

        /// <summary>Per depth: the last range starting at or below the addresses swept so far (below the depth's start if none).</summary>
        private readonly Span<int> _cursors;

        /// <summary>Per depth below <see cref="_failingDepth"/>: the chain's range.</summary>
        private readonly Span<int> _chain;

        /// <summary>
        /// Per depth up to <see cref="_failingDepth"/>: the address from which the depth's answer
        /// may differ (its range ends, or the depth's next range starts).
        /// </summary>
        private readonly Span<ulong> _validUntil;

        /// <summary>The depth where the current chain stops (the depth count when it reaches every depth); -1 when there is no current chain.</summary>
        private int _failingDepth;

        public Sweep(Span<InlineRangeRecord> ranges, Span<int> depthStarts, Span<int> cursors, Span<int> chain, Span<ulong> validUntil)
        {
            _ranges = ranges;
            _depthStarts = depthStarts;
            _cursors = cursors;
            _chain = chain;
            _validUntil = validUntil;
            _failingDepth = -1;
            for (var d = 0; d < cursors.Length; d++)
            {
                cursors[d] = depthStarts[d] - 1;
            }
        }

        /// <summary>
        /// The innermost range of the chain that holds at every address of [start, end) (lines
        /// come in address order), linking the chain's ranges to their parents;
        /// <see cref="LineRecord.ChainNotAnchored"/> when the chain changes inside, or a range
        /// already has another parent.
        /// </summary>
        public int ChainOver(ulong start, ulong end)
        {
            // Keep the outer depths whose answers hold to the line's end (no range of theirs
            // starts or ends before it); recompute from the first that may have changed.
            var depth = 0;
            var last = Math.Min(_failingDepth, _cursors.Length - 1);
            while (depth <= last && _validUntil[depth] >= end)
            {
                depth++;
            }

            if (depth > _failingDepth && _failingDepth >= 0)
            {
                return Innermost(_failingDepth);
            }

            for (; depth < _cursors.Length; depth++)
            {
                // The last range of this depth starting at or below the start.
                var depthEnd = _depthStarts[depth + 1];
                ref var cursor = ref _cursors[depth];
                while (cursor + 1 < depthEnd && _ranges[cursor + 1].Address <= start)
                {
                    cursor++;
                }

                // A range of this depth starting inside the line would change the answer there.
                var nextStart = cursor + 1 < depthEnd ? _ranges[cursor + 1].Address : ulong.MaxValue;
                if (nextStart < end)
                {
                    return NotAnchored();
                }

                if (cursor < _depthStarts[depth] || start - _ranges[cursor].Address >= _ranges[cursor].Size)
                {
                    // The chain stops here (this range ends at or below the start) until the
                    // depth's next range starts.
                    _validUntil[depth] = nextStart;
                    _failingDepth = depth;
                    return Innermost(depth);
                }

                ref var range = ref _ranges[cursor];
                var rangeEnd = range.Address + range.Size;
                if (rangeEnd < end)
                {
                    return NotAnchored();
                }

                // The parent link: set by the first line that reaches the range, and it must agree
                // with every later one. (A range of depth 0 has none; a deeper one, one at a
                // distance of 1 or more, so 0 means "not set yet".)
                var parent = Innermost(depth);
                if (depth > 0 && range.ParentDistance == 0)
                {
                    if (cursor - parent > ushort.MaxValue)
                    {
                        return NotAnchored();
                    }

                    range.ParentDistance = (ushort)(cursor - parent);
                }
                else if (range.ParentOf(cursor) != parent)
                {
                    return NotAnchored();
                }

                _chain[depth] = cursor;
                _validUntil[depth] = Math.Min(rangeEnd, nextStart);
            }

            _failingDepth = _cursors.Length;
            return Innermost(_failingDepth);
        }

        /// <summary>The innermost range of the chain's depths below <paramref name="depth"/>.</summary>
        private readonly int Innermost(int depth) => depth > 0 ? _chain[depth - 1] : LineRecord.NoInline;

        private int NotAnchored()
        {
            // The next line starts over from depth 0 (the cursors stay valid: lines only move forward).
            _failingDepth = -1;
            return LineRecord.ChainNotAnchored;
        }
    }
}
