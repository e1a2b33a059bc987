using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>A MINIDUMP_MEMORY_DESCRIPTOR: where a block of process memory was and where its bytes are in the file.</summary>
/// <param name="StartOfMemoryRange">Address of the block in the crashed process.</param>
/// <param name="Memory">Location of the bytes in the file.</param>
public readonly record struct MinidumpMemoryDescriptor(ulong StartOfMemoryRange, MinidumpLocation Memory);

/// <summary>A block of process memory captured in the dump.</summary>
public sealed class MinidumpMemoryRegion
{
    private readonly bool _bigEndian;

    internal MinidumpMemoryRegion(ulong baseAddress, ReadOnlyMemory<byte> bytes, long fileOffset, bool bigEndian)
    {
        BaseAddress = baseAddress;
        Bytes = bytes;
        FileOffset = fileOffset;
        _bigEndian = bigEndian;
    }

    /// <summary>Address of the first byte in the crashed process.</summary>
    public ulong BaseAddress { get; }

    /// <summary>Number of bytes.</summary>
    public ulong Size => (ulong)Bytes.Length;

    /// <summary>Address one past the last byte (saturates at <see cref="ulong.MaxValue"/>).</summary>
    public ulong EndAddress => ulong.MaxValue - BaseAddress < Size ? ulong.MaxValue : BaseAddress + Size;

    /// <summary>The captured bytes.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>File offset of the first byte.</summary>
    public long FileOffset { get; }

    /// <summary>Whether <paramref name="address"/> is inside the region.</summary>
    public bool Contains(ulong address) => address >= BaseAddress && address - BaseAddress < Size;

    /// <summary>Copies the memory at <paramref name="address"/> into <paramref name="destination"/> if all of it is in the region.</summary>
    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (address < BaseAddress)
        {
            return false;
        }

        var offset = address - BaseAddress;
        if (offset > Size || (ulong)destination.Length > Size - offset)
        {
            return false;
        }

        Bytes.Span.Slice((int)offset, destination.Length).CopyTo(destination);
        return true;
    }

    /// <summary>Reads a u32 at <paramref name="address"/> in the dump's byte order.</summary>
    public bool TryReadUInt32(ulong address, out uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        if (!TryRead(address, buffer))
        {
            value = 0;
            return false;
        }

        value = _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(buffer) : BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        return true;
    }

    /// <summary>Reads a u64 at <paramref name="address"/> in the dump's byte order.</summary>
    public bool TryReadUInt64(ulong address, out ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        if (!TryRead(address, buffer))
        {
            value = 0;
            return false;
        }

        value = _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(buffer) : BinaryPrimitives.ReadUInt64LittleEndian(buffer);
        return true;
    }
}

/// <summary>Regions of captured memory with an address lookup; the common shape of MemoryList and Memory64List.</summary>
public abstract class MinidumpMemoryRegionList : MinidumpStream
{
    private RangeIndex _index = RangeIndex.Empty;

    private protected MinidumpMemoryRegionList(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>The readable regions, in file order.</summary>
    public ImmutableArray<MinidumpMemoryRegion> Regions { get; private protected set; }

    /// <summary>
    /// The region containing <paramref name="address"/>, or null. Overlapping regions are resolved
    /// as rust-minidump does: sorted by address, the first one wins.
    /// </summary>
    public MinidumpMemoryRegion? FindRegion(ulong address)
    {
        var index = _index.Find(address);
        return index < 0 ? null : Regions[index];
    }

    private protected void BuildIndex(MinidumpMemoryRegion[] regions)
    {
        Regions = ImmutableCollectionsMarshal.AsImmutableArray(regions);
        var ranges = new List<(ulong, ulong, int)>(regions.Length);
        for (var i = 0; i < regions.Length; i++)
        {
            if (regions[i].Size != 0)
            {
                ranges.Add((regions[i].BaseAddress, regions[i].EndAddress - 1, i));
            }
        }

        _index = RangeIndex.Build([.. ranges]);
    }
}

/// <summary>MemoryListStream (5): memory regions, each with its own file location.</summary>
public sealed class MinidumpMemoryList : MinidumpMemoryRegionList
{
    private const int EntrySize = 16;

    private MinidumpMemoryList(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>Every descriptor as written, including the ones skipped because they cannot be read.</summary>
    public ImmutableArray<MinidumpMemoryDescriptor> Descriptors { get; private init; }

    internal static MinidumpMemoryList Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var (start, count) = ListLayout.Classic(data, entry.Location.Rva, dump.IsBigEndian, EntrySize);
        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian) { Position = start };
        var descriptors = new MinidumpMemoryDescriptor[count];
        var regions = new List<MinidumpMemoryRegion>(count);
        var warnings = default(WarningCollector);
        for (var i = 0; i < count; i++)
        {
            var descriptor = new MinidumpMemoryDescriptor(reader.ReadUInt64(), new MinidumpLocation(reader.ReadUInt32(), reader.ReadUInt32()));
            descriptors[i] = descriptor;
            var location = descriptor.Memory;
            if (location.Rva == 0 || location.DataSize == 0 || !dump.TryGetRange(location.Rva, location.DataSize, out var s, out var l))
            {
                warnings.Add($"memory region {i} at 0x{descriptor.StartOfMemoryRange:x} ({location.DataSize} bytes at 0x{location.Rva:x}) cannot be read; skipped");
                continue;
            }

            regions.Add(new MinidumpMemoryRegion(descriptor.StartOfMemoryRange, dump.Data.Slice(s, l), s, dump.IsBigEndian));
        }

        var list = new MinidumpMemoryList(entry)
        {
            Descriptors = ImmutableCollectionsMarshal.AsImmutableArray(descriptors),
            Warnings = warnings.ToList(),
        };
        list.BuildIndex([.. regions]);
        return list;
    }
}

/// <summary>Memory64ListStream (9): full-memory regions stored one after another from a base offset.</summary>
public sealed class MinidumpMemory64List : MinidumpMemoryRegionList
{
    private MinidumpMemory64List(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>File offset of the first region's bytes.</summary>
    public ulong BaseRva { get; private init; }

    internal static MinidumpMemory64List Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian);
        var count = reader.ReadUInt64();
        var baseRva = reader.ReadUInt64();
        if ((ulong)data.Length != 16 + (count * 16) || count > (ulong)data.Length / 16)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamSizeMismatch,
                $"{count} ranges need {16 + (count * 16)} bytes, the stream has {data.Length}", entry.Location.Rva);
        }

        var regions = new MinidumpMemoryRegion[(int)count];
        var rva = baseRva;
        for (var i = 0; i < regions.Length; i++)
        {
            var address = reader.ReadUInt64();
            var size = reader.ReadUInt64();
            if (!dump.TryGetRange(rva, size, out var s, out var l))
            {
                ThrowHelper.Throw(MinidumpErrorKind.StreamReadFailure,
                    $"range {i} ({size} bytes at file offset 0x{rva:x}) lies outside the file", reader.FileOffset - 16);
            }

            regions[i] = new MinidumpMemoryRegion(address, dump.Data.Slice(s, l), s, dump.IsBigEndian);
            rva += size;
        }

        var list = new MinidumpMemory64List(entry) { BaseRva = baseRva };
        list.BuildIndex(regions);
        return list;
    }
}
