using System.IO.MemoryMappedFiles;

namespace Obs.SymbolFiles.Storage;

/// <summary>The memory an index's <see cref="Table{T}"/>s point into; disposing it frees (or unmaps) all of it at once.</summary>
internal abstract class IndexMemory : IDisposable
{
    /// <summary>True for a memory-mapped index file (its pages belong to the page cache), false for native memory the parse filled.</summary>
    public abstract bool IsMapped { get; }

    /// <summary>
    /// Frees the block a table starts at ahead of the rest, when its tables will not be read again
    /// (see <see cref="SymbolIndexCore.FreeTableEarly"/>); nothing for a mapped file or a null table.
    /// </summary>
    public virtual unsafe void FreeEarly(void* items)
    {
    }

    public abstract void Dispose();
}

/// <summary>The native blocks of a built index, each taken over from a finished <see cref="NativeBuffer{T}"/>.</summary>
internal sealed unsafe class NativeIndexMemory : IndexMemory
{
    private readonly List<(nint Block, nuint Length, bool Mapped)> _blocks = [];

    public override bool IsMapped => false;

    /// <summary>Takes over a buffer's block (the buffer is left empty) and returns its records as a table.</summary>
    public Table<T> Adopt<T>(ref NativeBuffer<T> buffer)
        where T : unmanaged
    {
        var count = buffer.Count;
        var block = buffer.Detach(out var length, out var mapped);
        if (block == null)
        {
            return default;
        }

        lock (_blocks)
        {
            _blocks.Add(((nint)block, length, mapped));
        }

        return new Table<T>((T*)block, count);
    }

    public override void FreeEarly(void* items)
    {
        lock (_blocks)
        {
            for (var i = 0; i < _blocks.Count; i++)
            {
                var (block, length, mapped) = _blocks[i];
                if (block == (nint)items)
                {
                    _blocks.RemoveAt(i);
                    NativeBlocks.Free((void*)block, length, mapped);
                    return;
                }
            }
        }
    }

    public override void Dispose()
    {
        lock (_blocks)
        {
            foreach (var (block, length, mapped) in _blocks)
            {
                NativeBlocks.Free((void*)block, length, mapped);
            }

            _blocks.Clear();
        }
    }
}

/// <summary>A saved index file mapped read-only into the address space.</summary>
internal sealed unsafe class MappedIndexMemory : IndexMemory
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _pointer;

    /// <summary>Maps <paramref name="length"/> bytes (more than zero) of an open file.</summary>
    public MappedIndexMemory(FileStream stream, long length)
    {
        _file = MemoryMappedFile.CreateFromFile(stream, mapName: null, length, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        try
        {
            _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointer = pointer + _view.PointerOffset;
            Length = length;
            NativeBlocks.AdviseHugePages(_pointer, length);
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    public override bool IsMapped => true;

    /// <summary>The first byte of the file.</summary>
    public byte* Pointer => _pointer;

    /// <summary>The mapped length: the whole file.</summary>
    public long Length { get; }

    public override void Dispose()
    {
        if (_pointer != null)
        {
            _pointer = null;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }

        _view.Dispose();
        _file.Dispose();
    }
}
