using System.Runtime.CompilerServices;

namespace Obs.SymbolFiles.Storage;

/// <summary>
/// A growable array of blittable records in native memory, used while a symbol file is parsed.
/// </summary>
/// <remarks>
/// Native memory is used instead of <c>List&lt;T&gt;</c> because the tables of a large symbol
/// file are about as large as the file: a freed block goes back to the OS at once instead of
/// waiting for a gen-2 GC, untouched capacity is never resident, and large blocks use huge pages
/// and grow without copying (<see cref="NativeBlocks"/>). Capacity doubles; the finished buffer
/// is handed to a <see cref="NativeIndexMemory"/> as is.
/// </remarks>
internal unsafe struct NativeBuffer<T> : IDisposable
    where T : unmanaged
{
    private T* _items;
    private int _count;
    private int _capacity;
    private bool _mapped;

    /// <summary>Number of records.</summary>
    public readonly int Count => _count;

    /// <summary>The records, valid until the next <see cref="Add(in T)"/>.</summary>
    public readonly Span<T> Span => new(_items, _count);

    /// <summary>A reference to record <paramref name="index"/> (unchecked beyond a debug assert).</summary>
    public readonly ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            System.Diagnostics.Debug.Assert((uint)index < (uint)_count);
            return ref _items[index];
        }
    }

    /// <summary>Appends a record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in T item)
    {
        if (_count == _capacity)
        {
            Grow(_count + 1);
        }

        _items[_count++] = item;
    }

    /// <summary>Appends a span of records.</summary>
    public void AddRange(ReadOnlySpan<T> items)
    {
        if (items.Length > _capacity - _count)
        {
            Grow(checked(_count + items.Length));
        }

        items.CopyTo(new Span<T>(_items + _count, items.Length));
        _count += items.Length;
    }

    /// <summary>Drops every record at or after <paramref name="count"/>.</summary>
    public void Truncate(int count)
    {
        System.Diagnostics.Debug.Assert((uint)count <= (uint)_count);
        _count = count;
    }

    /// <summary>Ensures room for <paramref name="capacity"/> records in total.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _capacity)
        {
            Grow(capacity);
        }
    }

    /// <summary>
    /// Hands the block over (see <see cref="NativeIndexMemory.Adopt{T}"/>, which frees it later)
    /// and leaves this buffer empty; null when there are no records (the block, if any, is freed).
    /// The block keeps its capacity beyond the records; the part never written is address space
    /// rather than resident memory, since large blocks are mapped, or come from malloc's own
    /// mappings, and their pages are faulted in on first write.
    /// </summary>
    public T* Detach(out nuint blockLength, out bool mapped)
    {
        if (_count == 0)
        {
            Dispose();
            blockLength = 0;
            mapped = false;
            return null;
        }

        var items = _items;
        blockLength = CapacityBytes;
        mapped = _mapped;
        _items = null;
        _count = 0;
        _capacity = 0;
        return items;
    }

    /// <summary>Frees the memory.</summary>
    public void Dispose()
    {
        NativeBlocks.Free(_items, CapacityBytes, _mapped);
        _items = null;
        _count = 0;
        _capacity = 0;
    }

    private readonly nuint CapacityBytes => (nuint)_capacity * (nuint)sizeof(T);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int required)
    {
        // Array.MaxLength keeps every table addressable by Span<T>.
        var max = Array.MaxLength;
        if (required > max)
        {
            ThrowHelper.ThrowTooLarge();
        }

        var capacity = _capacity == 0 ? 64 : (int)Math.Min((long)_capacity * 2, max);
        if (capacity < required)
        {
            capacity = required;
        }

        var bytes = (nuint)capacity * (nuint)sizeof(T);
        var items = (T*)NativeBlocks.Resize(_items, CapacityBytes, bytes, (nuint)_count * (nuint)sizeof(T), ref _mapped);
        _items = items;
        _capacity = capacity;
    }
}
