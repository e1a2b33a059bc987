using System.Buffers;
using System.Runtime.CompilerServices;

using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// Stable sorting of record spans by (primary, secondary). The overlap policy's "first wins"
/// depends on file order among equal keys, so ties keep their input order. Symbol files are
/// nearly always sorted already; <see cref="IsSorted"/> lets callers skip the sort.
/// </summary>
internal static class StableSort
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsSorted<T, TKey>(ReadOnlySpan<T> records)
        where T : unmanaged
        where TKey : ISortKey<T>
    {
        for (var i = 1; i < records.Length; i++)
        {
            if (Compare<T, TKey>(records[i - 1], records[i]) > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Sorts <paramref name="records"/> in place, stably.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sort<T, TKey>(Span<T> records)
        where T : unmanaged
        where TKey : ISortKey<T>
    {
        if (records.Length < 2 || IsSorted<T, TKey>(records))
        {
            return;
        }

        var order = ArrayPool<int>.Shared.Rent(records.Length);
        var copy = ArrayPool<T>.Shared.Rent(records.Length);
        try
        {
            SortedOrder<T, TKey>(records, order.AsSpan(0, records.Length));
            records.CopyTo(copy);
            for (var i = 0; i < records.Length; i++)
            {
                records[i] = copy[order[i]];
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<T>.Shared.Return(copy);
        }
    }

    /// <summary>Writes into <paramref name="order"/> the indices of <paramref name="records"/> in stable sorted order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SortedOrder<T, TKey>(ReadOnlySpan<T> records, Span<int> order)
        where T : unmanaged
        where TKey : ISortKey<T>
    {
        var keys = ArrayPool<Key>.Shared.Rent(records.Length);
        try
        {
            for (var i = 0; i < records.Length; i++)
            {
                keys[i] = new Key(TKey.Primary(records[i]), TKey.Secondary(records[i]), i);
            }

            // The index as the last key makes the unstable introsort stable.
            keys.AsSpan(0, records.Length).Sort();
            for (var i = 0; i < records.Length; i++)
            {
                order[i] = keys[i].Index;
            }
        }
        finally
        {
            ArrayPool<Key>.Shared.Return(keys);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Compare<T, TKey>(in T a, in T b)
        where T : unmanaged
        where TKey : ISortKey<T>
    {
        var c = TKey.Primary(a).CompareTo(TKey.Primary(b));
        return c != 0 ? c : TKey.Secondary(a).CompareTo(TKey.Secondary(b));
    }

    private readonly record struct Key(ulong Primary, ulong Secondary, int Index) : IComparable<Key>
    {
        public int CompareTo(Key other)
        {
            var c = Primary.CompareTo(other.Primary);
            if (c != 0)
            {
                return c;
            }

            c = Secondary.CompareTo(other.Secondary);
            return c != 0 ? c : Index.CompareTo(other.Index);
        }
    }
}
