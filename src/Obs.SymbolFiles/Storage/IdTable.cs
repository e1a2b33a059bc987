namespace Obs.SymbolFiles.Storage;

/// <summary>A record addressed by a numeric id (FILE, INLINE_ORIGIN).</summary>
internal interface IIdentified
{
    uint Id { get; }
}

/// <summary>
/// Records sorted by id. Ids are nearly always 0, 1, 2, … in which case the id is the index and
/// no search is needed.
/// </summary>
internal readonly struct IdTable<T>(Table<T> table, bool dense)
    where T : unmanaged, IIdentified
{
    public Table<T> Table { get; } = table;

    /// <summary>True when record <c>i</c> has id <c>i</c>.</summary>
    public bool Dense { get; } = dense;

    /// <summary>The index of the record with <paramref name="id"/>, or -1.</summary>
    public int Find(uint id)
    {
        var span = Table.Span;
        if (Dense)
        {
            return id < (uint)span.Length ? (int)id : -1;
        }

        int lo = 0, hi = span.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var midId = span[mid].Id;
            if (midId == id)
            {
                return mid;
            }

            if (midId < id)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }
}
