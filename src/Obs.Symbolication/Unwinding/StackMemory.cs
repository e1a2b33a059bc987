using Obs.Minidump;
using Obs.SymbolFiles;

namespace Obs.Symbolication.Unwinding;

/// <summary>
/// The memory a thread's stack walk reads: one region of the dump (the thread's stack, or the
/// region that holds its stack pointer). Reads outside it fail, as rust-minidump's do.
/// </summary>
internal readonly struct StackMemory : IUnwindMemory
{
    private readonly MinidumpMemoryRegion _region;

    public StackMemory(MinidumpMemoryRegion region) => _region = region;

    public ulong BaseAddress => _region.BaseAddress;

    /// <summary>The first address past the region.</summary>
    public ulong EndAddress => _region.EndAddress;

    public bool TryReadUInt32(ulong address, out uint value) => _region.TryReadUInt32(address, out value);

    public bool TryReadUInt64(ulong address, out ulong value) => _region.TryReadUInt64(address, out value);

    /// <summary>Reads a pointer of <paramref name="size"/> bytes (4 or 8).</summary>
    public bool TryReadPointer(ulong address, int size, out ulong value)
    {
        if (size == 4)
        {
            var ok = _region.TryReadUInt32(address, out var small);
            value = small;
            return ok;
        }

        return _region.TryReadUInt64(address, out value);
    }
}
