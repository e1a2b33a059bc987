using System.Runtime.CompilerServices;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// Sorts one function's inline ranges by (depth, address), stably. dump_syms writes INLINE
/// records depth-first (0, 1, 2, 1, 2, 0, …), so nearly every function needs this: a counting
/// pass groups the ranges by depth (stable, linear), and an insertion sort, linear on the
/// already-ordered runs that depth-first output leaves, orders each depth by address.
/// </summary>
internal static class InlineRangeSort
{
    private const int StackLimit = 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sort(Span<ParsedInlineRange> ranges)
    {
        if (ranges.Length < 2 || IsSorted(ranges))
        {
            return;
        }

        uint maxDepth = 0;
        foreach (ref readonly var range in ranges)
        {
            maxDepth = Math.Max(maxDepth, range.Depth);
        }

        if (maxDepth >= StackLimit || ranges.Length > 4096)
        {
            StableSort.Sort<ParsedInlineRange, ByDepthThenAddress>(ranges);
            return;
        }

        // Counting sort by depth into a copy, then back.
        Span<int> starts = stackalloc int[(int)maxDepth + 2];
        starts.Clear();
        foreach (ref readonly var range in ranges)
        {
            starts[(int)range.Depth + 1]++;
        }

        for (var d = 1; d < starts.Length; d++)
        {
            starts[d] += starts[d - 1];
        }

        var copy = ranges.Length <= 128 ? stackalloc ParsedInlineRange[ranges.Length] : new ParsedInlineRange[ranges.Length];
        foreach (ref readonly var range in ranges)
        {
            copy[starts[(int)range.Depth]++] = range;
        }

        copy.CopyTo(ranges);

        // Within each depth, order by address (insertion sort keeps equal addresses in file order).
        for (var i = 1; i < ranges.Length; i++)
        {
            var item = ranges[i];
            var j = i - 1;
            while (j >= 0 && ranges[j].Depth == item.Depth && ranges[j].Address > item.Address)
            {
                ranges[j + 1] = ranges[j];
                j--;
            }

            ranges[j + 1] = item;
        }
    }

    private static bool IsSorted(ReadOnlySpan<ParsedInlineRange> ranges)
    {
        for (var i = 1; i < ranges.Length; i++)
        {
            ref readonly var a = ref ranges[i - 1];
            ref readonly var b = ref ranges[i];
            if (a.Depth > b.Depth || (a.Depth == b.Depth && a.Address > b.Address))
            {
                return false;
            }
        }

        return true;
    }
}
