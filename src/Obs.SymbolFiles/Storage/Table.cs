namespace Obs.SymbolFiles.Storage;

/// <summary>
/// A finished table of blittable records: a pointer and a count into memory that an
/// <see cref="IndexMemory"/> owns, either native memory the parse filled or a memory-mapped
/// index file. Records hold no references (names are offsets into a byte table), so the same
/// bytes serve both.
/// </summary>
/// <remarks>
/// A table is valid while its memory is: <see cref="SymbolIndexCore"/> frees the memory only
/// when the last reference to the index is released.
/// </remarks>
internal readonly unsafe struct Table<T>
    where T : unmanaged
{
    public Table(T* items, int count)
    {
        Items = items;
        Count = count;
    }

    /// <summary>The first record (null for an empty table).</summary>
    public T* Items { get; }

    /// <summary>Number of records.</summary>
    public int Count { get; }

    /// <summary>The records.</summary>
    public ReadOnlySpan<T> Span => new(Items, Count);

    /// <summary>Size of the table in bytes.</summary>
    public long ByteCount => (long)Count * sizeof(T);
}
