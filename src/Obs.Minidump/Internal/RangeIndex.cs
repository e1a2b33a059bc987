namespace Obs.Minidump.Internal;

/// <summary>
/// Address ranges sorted by start, for lookups by address. Built as rust-minidump's
/// <c>into_rangemap_safe</c> does: ranges are sorted by start, and a range that overlaps one
/// already kept is dropped.
/// </summary>
internal sealed class RangeIndex
{
    private readonly ulong[] _starts;
    private readonly ulong[] _lasts;
    private readonly int[] _values;

    private RangeIndex(ulong[] starts, ulong[] lasts, int[] values)
    {
        _starts = starts;
        _lasts = lasts;
        _values = values;
    }

    public static readonly RangeIndex Empty = new([], [], []);

    /// <summary>Number of ranges kept.</summary>
    public int Count => _values.Length;

    /// <summary>Builds the index from inclusive ranges <c>[start, last]</c> and their values.</summary>
    public static RangeIndex Build((ulong Start, ulong Last, int Value)[] keys)
    {
        if (keys.Length == 0)
        {
            return Empty;
        }

        var ranges = keys;
        var order = new int[ranges.Length];
        Array.Sort(keys);
        var starts = new ulong[ranges.Length];
        var lasts = new ulong[ranges.Length];
        var kept = 0;
        foreach (var (start, last, value) in keys)
        {
            if (kept > 0 && start <= lasts[kept - 1])
            {
                continue;
            }

            starts[kept] = start;
            lasts[kept] = last;
            order[kept] = value;
            kept++;
        }

        return new RangeIndex(starts[..kept], lasts[..kept], order[..kept]);
    }

    /// <summary>The value of the range containing <paramref name="address"/>, or -1.</summary>
    public int Find(ulong address)
    {
        var index = Array.BinarySearch(_starts, address);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return index >= 0 && address <= _lasts[index] ? _values[index] : -1;
    }
}
