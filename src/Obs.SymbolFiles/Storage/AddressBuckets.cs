namespace Obs.SymbolFiles.Storage;

/// <summary>
/// A radix directory over a sorted table of addresses: the span the table covers is cut into
/// equal power-of-two buckets, about one per entry, and each bucket remembers the last entry at
/// or below its start. A search reads two neighbouring buckets and the entry or two between
/// them, where a binary search over hundreds of thousands of entries makes a chain of dependent
/// reads with as many unpredictable branches.
/// </summary>
/// <remarks>
/// <para>Function addresses in a module are spread fairly evenly, so buckets hold one or two
/// entries. A table whose entries cluster (a hostile file) only makes some buckets crowded;
/// those are binary-searched, so a search never costs more than the plain one.</para>
/// <para>The buckets are built with the index and saved with it; the rest (the base address and
/// the bucket width) follows from the first and last address, so an opened index derives it
/// without reading the buckets. A bucket read from a corrupt file is checked before it is used.</para>
/// </remarks>
internal readonly unsafe struct AddressBuckets
{
    /// <summary>Buckets holding more entries than this are binary-searched rather than scanned.</summary>
    private const int ScanLimit = 8;

    /// <summary>Per bucket: the index of the last entry at or below the bucket's start; one more bucket ends the span.</summary>
    private readonly int* _lastAtOrBelow;
    private readonly int _count;
    private readonly ulong _base;
    private readonly int _shift;

    /// <summary>The directory over <paramref name="sorted"/> stored in <paramref name="buckets"/> (see <see cref="Build"/>).</summary>
    /// <exception cref="SymbolIndexFormatException">The buckets are not as many as <paramref name="sorted"/> calls for.</exception>
    public AddressBuckets(ReadOnlySpan<ulong> sorted, Table<int> buckets)
    {
        var expected = BucketCount(sorted, out _base, out _shift);
        if (buckets.Count != expected)
        {
            ThrowHelper.ThrowCorruptIndex("the function directory does not match the function table");
        }

        _lastAtOrBelow = buckets.Items;
        _count = buckets.Count;
    }

    /// <summary>Builds the buckets of a sorted table of addresses.</summary>
    public static void Build(ReadOnlySpan<ulong> sorted, ref NativeBuffer<int> buckets)
    {
        var count = BucketCount(sorted, out var start0, out var shift);
        buckets.EnsureCapacity(count);
        var index = 0;
        for (var bucket = 0; bucket < count; bucket++)
        {
            // The last bucket's start can lie past the end of the address space: saturate.
            var offset = (ulong)bucket << shift;
            var start = offset >> shift != (ulong)bucket || offset > ulong.MaxValue - start0 ? ulong.MaxValue : start0 + offset;
            while (index + 1 < sorted.Length && sorted[index + 1] <= start)
            {
                index++;
            }

            buckets.Add(index);
        }
    }

    /// <summary>How many buckets a table needs (0 for an empty one), their base and their width as a shift.</summary>
    private static int BucketCount(ReadOnlySpan<ulong> sorted, out ulong start, out int shift)
    {
        start = 0;
        shift = 0;
        if (sorted.IsEmpty)
        {
            return 0;
        }

        start = sorted[0];
        var span = sorted[^1] - start;
        while ((span >> shift) >= (ulong)sorted.Length)
        {
            shift++;
        }

        // A corrupt file's last address can lie below its first: no span, one bucket per entry at most.
        return (int)Math.Min(span >> shift, (ulong)sorted.Length) + 2;
    }

    /// <summary>Hints that <see cref="LastAtOrBelow"/> will soon read the buckets of <paramref name="address"/>.</summary>
    public void PrefetchBuckets(ulong address)
    {
        var bucket = BucketOf(address);
        if (bucket >= 0)
        {
            Prefetch.Read(new ReadOnlySpan<int>(_lastAtOrBelow + bucket, 2));
        }
    }

    /// <summary>
    /// Hints that <see cref="LastAtOrBelow"/> will soon read the entries of <paramref name="sorted"/>
    /// (the table this was built over) between the buckets of <paramref name="address"/>; reads
    /// those buckets (see <see cref="PrefetchBuckets"/>).
    /// </summary>
    public void PrefetchEntries(ReadOnlySpan<ulong> sorted, ulong address)
    {
        var bucket = BucketOf(address);
        if (bucket < 0 || bucket == _count - 1 || !TryGetBracket(sorted, bucket, out var lo, out var hi))
        {
            return;
        }

        // What a scan reads; of a crowded bucket, which is binary-searched, only the first entries.
        Prefetch.ReadAll(sorted[lo..(Math.Min(hi, lo + ScanLimit) + 1)]);
    }

    /// <summary>Index of the last entry of <paramref name="sorted"/> (the table this was built over) at or below <paramref name="address"/>, or -1.</summary>
    /// <exception cref="SymbolIndexFormatException">A bucket read from a saved index points outside the table.</exception>
    public int LastAtOrBelow(ReadOnlySpan<ulong> sorted, ulong address)
    {
        var bucket = BucketOf(address);
        if (bucket < 0)
        {
            return -1;
        }

        if (bucket == _count - 1)
        {
            // Past the start of the bucket after the last entry's.
            return sorted.Length - 1;
        }

        // The answer is at or after this bucket's entry, and at or before the next bucket's
        // (whose start is above the address).
        if (!TryGetBracket(sorted, bucket, out var lo, out var hi))
        {
            ThrowHelper.ThrowCorruptIndex("a function directory entry points outside the function table");
        }

        if (hi - lo > ScanLimit)
        {
            return lo + SortedSearch.LastAtOrBelow(sorted[lo..(hi + 1)], address);
        }

        while (lo < hi && sorted[lo + 1] <= address)
        {
            lo++;
        }

        return lo;
    }

    private bool TryGetBracket(ReadOnlySpan<ulong> sorted, int bucket, out int lo, out int hi)
    {
        lo = _lastAtOrBelow[bucket];
        hi = _lastAtOrBelow[bucket + 1];
        return lo >= 0 && lo <= hi && hi < sorted.Length;
    }

    /// <summary>
    /// The bucket of an address: -1 below the table's first entry (or when the table is empty),
    /// the last bucket (which only ends the span) for an address past the span.
    /// </summary>
    private int BucketOf(ulong address)
    {
        if (_count == 0 || address < _base)
        {
            return -1;
        }

        var bucket = (address - _base) >> _shift;
        return bucket >= (ulong)_count - 1 ? _count - 1 : (int)bucket;
    }
}
