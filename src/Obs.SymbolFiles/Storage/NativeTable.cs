using System.Runtime.InteropServices;

namespace Obs.SymbolFiles.Storage;

/// <summary>
/// An immutable, fixed-length table of blittable records in native memory, freed when the
/// table is finalized. It is the storage of a finished <see cref="SymbolIndex"/>: records hold
/// no references (names are offsets into a byte table), so a table can later be written to
/// disk as is and mapped back.
/// </summary>
/// <remarks>
/// Readers take a <see cref="Span"/> and must keep the owning object reachable while they use
/// it (<see cref="SymbolIndex"/> lookups end with <see cref="GC.KeepAlive(object)"/>).
/// </remarks>
internal sealed unsafe class NativeTable<T>
    where T : unmanaged
{
    private T* _items;

    public NativeTable(T* items, int count)
    {
        _items = items;
        Count = count;
    }

    private NativeTable()
    {
    }

    ~NativeTable()
    {
        if (_items != null)
        {
            NativeMemory.Free(_items);
            _items = null;
        }
    }

    /// <summary>A table with no records.</summary>
    public static NativeTable<T> Empty { get; } = new();

    /// <summary>Number of records.</summary>
    public int Count { get; }

    /// <summary>The records.</summary>
    public ReadOnlySpan<T> Span => new(_items, Count);

    /// <summary>Size of the table in bytes.</summary>
    public long ByteCount => (long)Count * sizeof(T);
}
