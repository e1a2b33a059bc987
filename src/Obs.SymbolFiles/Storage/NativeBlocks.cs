using System.Runtime.InteropServices;

namespace Obs.SymbolFiles.Storage;

/// <summary>
/// Memory for the index's native tables. On Linux, blocks of 4 MiB or more are mapped directly:
/// 2 MiB-aligned and advised for transparent huge pages before they are first touched, grown by
/// remapping their pages (never copied), and unmapped at once when freed. Filling a large index
/// with 4 KiB pages takes a page fault per 4 KiB, and growing by copying makes the kernel zero
/// about twice the final size. Blocks from 64 KiB are mapped too, on ordinary pages, so that
/// disposing an index gives them back at once: from malloc, freed blocks of that size stay in its
/// arenas, and a process that loads and disposes indexes grows. Smaller blocks, and all blocks
/// elsewhere, come from <see cref="NativeMemory"/> and grow by copying.
/// </summary>
internal static unsafe partial class NativeBlocks
{
    private const nuint HugePageSize = 2 << 20;
    private const nuint HugeThreshold = 2 * HugePageSize;
    private const nuint MappedThreshold = 64 << 10;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 2;
    private const int MapAnonymous = 0x20;
    private const int ProtNone = 0;
    private const int MapNoReserve = 0x4000;
    private const int MadviseHugePage = 14;
    private const int MremapMayMove = 1;
    private const int MremapFixed = 2;

    private static bool _mappingUnavailable = !OperatingSystem.IsLinux();

    /// <summary>Allocates <paramref name="length"/> uninitialized bytes; free them with <see cref="Free"/>.</summary>
    public static void* Allocate(nuint length, out bool mapped)
    {
        if (length >= MappedThreshold && !_mappingUnavailable)
        {
            var block = TryMap(length);
            if (block != null)
            {
                mapped = true;
                return block;
            }
        }

        mapped = false;
        return NativeMemory.AlignedAlloc(length, 64);
    }

    /// <summary>
    /// Grows a block from <see cref="Allocate"/> to <paramref name="newLength"/> bytes, keeping its
    /// first <paramref name="usedLength"/> bytes; the old block is gone afterwards.
    /// </summary>
    public static void* Resize(void* block, nuint oldLength, nuint newLength, nuint usedLength, ref bool mapped)
    {
        if (block != null && mapped)
        {
            var moved = TryRemap(block, oldLength, newLength);
            if (moved != null)
            {
                return moved;
            }
        }

        var fresh = Allocate(newLength, out var freshMapped);
        if (block != null)
        {
            Buffer.MemoryCopy(block, fresh, newLength, usedLength);
            Free(block, oldLength, mapped);
        }

        mapped = freshMapped;
        return fresh;
    }

    /// <summary>Frees a block from <see cref="Allocate"/>, given the same length and mapped flag.</summary>
    public static void Free(void* block, nuint length, bool mapped)
    {
        if (block == null)
        {
            return;
        }

        if (mapped)
        {
            _ = Munmap((nint)block, RoundUp(length));
        }
        else
        {
            NativeMemory.AlignedFree(block);
        }
    }

    private static void* TryMap(nuint length)
    {
        try
        {
            var size = RoundUp(length);
            if (length < HugeThreshold)
            {
                var block = Mmap(0, size, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
                return block == -1 ? null : (void*)block;
            }

            var aligned = MapAligned(size, ProtRead | ProtWrite, MapPrivate | MapAnonymous);
            if (aligned == 0)
            {
                return null;
            }

            _ = Madvise(aligned, size, MadviseHugePage);
            return (void*)aligned;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _mappingUnavailable = true;
            return null;
        }
    }

    /// <summary>
    /// Moves a mapped block's pages to a larger, 2 MiB-aligned range without copying (huge pages
    /// stay huge because both ends are aligned); null when the kernel refuses.
    /// </summary>
    private static void* TryRemap(void* block, nuint oldLength, nuint newLength)
    {
        var newSize = RoundUp(newLength);
        if (newLength < HugeThreshold)
        {
            var grown = Mremap((nint)block, RoundUp(oldLength), newSize, MremapMayMove, 0);
            return grown == -1 ? null : (void*)grown;
        }

        var target = MapAligned(newSize, ProtNone, MapPrivate | MapAnonymous | MapNoReserve);
        if (target == 0)
        {
            return null;
        }

        var moved = Mremap((nint)block, RoundUp(oldLength), newSize, MremapMayMove | MremapFixed, target);
        if (moved == -1)
        {
            _ = Munmap(target, newSize);
            return null;
        }

        _ = Madvise(moved, newSize, MadviseHugePage);
        return (void*)moved;
    }

    /// <summary>Maps <paramref name="size"/> bytes at a 2 MiB-aligned address: over-maps by one huge page and trims the ends.</summary>
    private static nint MapAligned(nuint size, int protection, int flags)
    {
        var raw = Mmap(0, size + HugePageSize, protection, flags, -1, 0);
        if (raw == -1)
        {
            return 0;
        }

        var aligned = ((nuint)raw + HugePageSize - 1) & ~(HugePageSize - 1);
        var head = aligned - (nuint)raw;
        if (head > 0)
        {
            _ = Munmap(raw, head);
        }

        if (HugePageSize - head > 0)
        {
            _ = Munmap((nint)(aligned + size), HugePageSize - head);
        }

        return (nint)aligned;
    }

    /// <summary>
    /// Advises the kernel to back a large read-only file mapping (a saved index) with huge pages
    /// (Linux; nothing elsewhere, or under 4 MiB). Pages then read from disk come in as 2 MiB
    /// folios mapped whole, so a lookup's dependent reads also miss the TLB less, as they do on a
    /// built index. Pages the page cache already holds keep the size they were written with.
    /// </summary>
    public static void AdviseHugePages(byte* mapping, long length)
    {
        if (_mappingUnavailable || (ulong)length < HugeThreshold || ((nuint)mapping & (nuint)(Environment.SystemPageSize - 1)) != 0)
        {
            return;
        }

        try
        {
            _ = Madvise((nint)mapping, (nuint)length, MadviseHugePage);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _mappingUnavailable = true;
        }
    }

    /// <summary>The size of a mapping of <paramref name="length"/> bytes: whole huge pages for a huge block, whole pages otherwise.</summary>
    private static nuint RoundUp(nuint length)
    {
        var unit = length >= HugeThreshold ? HugePageSize : (nuint)Environment.SystemPageSize;
        return (length + unit - 1) & ~(unit - 1);
    }

    [LibraryImport("libc.so.6", EntryPoint = "mmap")]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc.so.6", EntryPoint = "mremap")]
    private static partial nint Mremap(nint address, nuint oldLength, nuint newLength, int flags, nint newAddress);

    [LibraryImport("libc.so.6", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc.so.6", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
