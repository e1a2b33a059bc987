using System.Runtime.CompilerServices;

namespace Obs.SymbolFiles.Storage;

/// <summary>Searches over tables sorted by a key: the last entry whose key is at or below a value.</summary>
internal static class SortedSearch
{
    /// <summary>Index of the last value at or below <paramref name="address"/>, or -1.</summary>
    public static int LastAtOrBelow(ReadOnlySpan<ulong> sorted, ulong address)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (sorted[mid] <= address)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo - 1;
    }

    /// <summary>
    /// The last of the sorted records starting at or below the address, or -1: a galloping
    /// search out from <paramref name="guess"/>, then a binary search of the bracket it found.
    /// A good guess costs one or two records, all in the cache lines asked for in advance.
    /// </summary>
    public static int LastAtOrBelow<T, TKey>(ReadOnlySpan<T> records, ulong address, int guess)
        where T : unmanaged
        where TKey : ISortKey<T>
    {
        // Invariant: lo is -1 or starts at or below the address; hi is records.Length or starts above it.
        int lo, hi;
        long step = 1;
        if (TKey.Primary(records[guess]) <= address)
        {
            lo = guess;
            hi = guess + 1;
            while (hi < records.Length && TKey.Primary(records[hi]) <= address)
            {
                lo = hi;
                step <<= 1;
                hi = (int)Math.Min(lo + step, records.Length);
            }
        }
        else
        {
            hi = guess;
            lo = guess - 1;
            while (lo >= 0 && TKey.Primary(records[lo]) > address)
            {
                hi = lo;
                step <<= 1;
                lo = (int)Math.Max(hi - step, -1);
            }
        }

        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (TKey.Primary(records[mid]) <= address)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Index of the last record whose address is at or below <paramref name="address"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LastAtOrBelow<T, TKey>(ReadOnlySpan<T> records, ulong address)
        where T : unmanaged
        where TKey : ISortKey<T>
    {
        int lo = 0, hi = records.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (TKey.Primary(records[mid]) <= address)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo - 1;
    }
}
