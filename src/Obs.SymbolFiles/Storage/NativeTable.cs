namespace Obs.SymbolFiles.Storage;

/// <summary>
/// An immutable (but see <see cref="WritableSpan"/>), fixed-length table of blittable records
/// in native memory (a block from <see cref="NativeBlocks"/>, handed over by
/// <see cref="NativeBuffer{T}"/>), freed when the table is finalized. It is the storage of a
/// finished <see cref="SymbolIndex"/>: records hold no references (names are offsets into a
/// byte table), so a table can later be written to disk as is and mapped back.
/// </summary>
/// <remarks>
/// Readers take a <see cref="Span"/> and must keep the owning object reachable while they use
/// it (<see cref="SymbolIndex"/> lookups end with <see cref="GC.KeepAlive(object)"/>).
/// </remarks>
internal sealed unsafe class NativeTable<T>
    where T : unmanaged
{
    private readonly nuint _blockLength;
    private readonly bool _mapped;
    private T* _items;

    public NativeTable(T* items, int count, nuint blockLength, bool mapped)
    {
        _items = items;
        Count = count;
        _blockLength = blockLength;
        _mapped = mapped;
    }

    private NativeTable()
    {
    }

    ~NativeTable()
    {
        NativeBlocks.Free(_items, _blockLength, _mapped);
        _items = null;
    }

    /// <summary>A table with no records.</summary>
    public static NativeTable<T> Empty { get; } = new();

    /// <summary>Number of records.</summary>
    public int Count { get; }

    /// <summary>The first record (null for an empty table); for a <see cref="TableView"/>.</summary>
    public T* Items => _items;

    /// <summary>The records.</summary>
    public ReadOnlySpan<T> Span => new(_items, Count);

    /// <summary>
    /// The records, writable: only for the inline chain anchors, which a lookup writes once per
    /// function before any reader may use them (see <c>SymbolIndex.AnchorChains</c>).
    /// </summary>
    public Span<T> WritableSpan => new(_items, Count);

    /// <summary>Size of the table in bytes.</summary>
    public long ByteCount => (long)Count * sizeof(T);
}
