namespace Obs.SymbolFiles.Storage;

/// <summary>
/// A radix directory over a sorted table of addresses: the span the table covers is cut into
/// equal power-of-two buckets, about one per entry, and each bucket remembers the last entry at
/// or below its start. A search reads two neighbouring buckets and the entry or two between
/// them, where a binary search over 320,000 entries makes nineteen dependent reads with as many
/// unpredictable branches.
/// </summary>
/// <remarks>
/// Function addresses in a module are spread fairly evenly, so buckets hold one or two entries.
/// A table whose entries cluster (a hostile file) only makes some buckets crowded; those are
/// binary-searched, so a search never costs more than the plain one.
/// </remarks>
internal sealed class AddressBuckets
{
    /// <summary>Buckets holding more entries than this are binary-searched rather than scanned.</summary>
    private const int ScanLimit = 8;

    /// <summary>Per bucket: the index of the last entry at or below the bucket's start; one more bucket ends the span.</summary>
    private readonly int[] _lastAtOrBelow;
    private readonly ulong _base;
    private readonly int _shift;

    public AddressBuckets(ReadOnlySpan<ulong> sorted)
    {
        if (sorted.IsEmpty)
        {
            _lastAtOrBelow = [];
            return;
        }

        _base = sorted[0];
        var span = sorted[^1] - _base;
        while ((span >> _shift) >= (ulong)sorted.Length)
        {
            _shift++;
        }

        _lastAtOrBelow = new int[(int)(span >> _shift) + 2];
        var index = 0;
        for (var bucket = 0; bucket < _lastAtOrBelow.Length; bucket++)
        {
            // The last bucket's start can lie past the end of the address space: saturate.
            var offset = (ulong)bucket << _shift;
            var start = offset >> _shift != (ulong)bucket || offset > ulong.MaxValue - _base ? ulong.MaxValue : _base + offset;
            while (index + 1 < sorted.Length && sorted[index + 1] <= start)
            {
                index++;
            }

            _lastAtOrBelow[bucket] = index;
        }
    }

    /// <summary>Hints that <see cref="LastAtOrBelow"/> will soon read the buckets of <paramref name="address"/>.</summary>
    public void PrefetchBuckets(ulong address)
    {
        var bucket = BucketOf(address);
        if (bucket >= 0)
        {
            Prefetch.Element(_lastAtOrBelow, bucket);
            Prefetch.Element(_lastAtOrBelow, bucket + 1);
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
        if (bucket < 0 || bucket == _lastAtOrBelow.Length - 1)
        {
            return;
        }

        // What a scan reads; of a crowded bucket, which is binary-searched, only the first entries.
        var lo = _lastAtOrBelow[bucket];
        var hi = _lastAtOrBelow[bucket + 1];
        Prefetch.ReadAll(sorted[lo..(Math.Min(hi, lo + ScanLimit) + 1)]);
    }

    /// <summary>Index of the last entry of <paramref name="sorted"/> (the table this was built over) at or below <paramref name="address"/>, or -1.</summary>
    public int LastAtOrBelow(ReadOnlySpan<ulong> sorted, ulong address)
    {
        var bucket = BucketOf(address);
        if (bucket < 0)
        {
            return -1;
        }

        if (bucket == _lastAtOrBelow.Length - 1)
        {
            // Past the start of the bucket after the last entry's.
            return sorted.Length - 1;
        }

        // The answer is at or after this bucket's entry, and at or before the next bucket's
        // (whose start is above the address).
        var lo = _lastAtOrBelow[bucket];
        var hi = _lastAtOrBelow[bucket + 1];
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

    /// <summary>
    /// The bucket of an address: -1 below the table's first entry (or when the table is empty),
    /// the last bucket (which only ends the span) for an address past the span.
    /// </summary>
    private int BucketOf(ulong address)
    {
        if (_lastAtOrBelow.Length == 0 || address < _base)
        {
            return -1;
        }

        var bucket = (address - _base) >> _shift;
        return bucket >= (ulong)_lastAtOrBelow.Length - 1 ? _lastAtOrBelow.Length - 1 : (int)bucket;
    }
}
