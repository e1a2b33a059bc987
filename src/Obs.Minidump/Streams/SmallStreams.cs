using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>BreakpadInfoStream (0x47670001): which thread wrote the dump and which one asked for it.</summary>
public sealed class MinidumpBreakpadInfo : MinidumpStream
{
    private MinidumpBreakpadInfo(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>Validity bits: 0x1 dump thread id valid, 0x2 requesting thread id valid.</summary>
    public uint Validity { get; private init; }

    /// <summary>The thread that wrote the dump (the handler thread), when valid.</summary>
    public uint? DumpThreadId { get; private init; }

    /// <summary>The thread that asked for the dump (the crashing thread), when valid.</summary>
    public uint? RequestingThreadId { get; private init; }

    internal static MinidumpBreakpadInfo Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var reader = new SpanReader(memory.Span, entry.Location.Rva, dump.IsBigEndian, MinidumpErrorKind.StreamSizeMismatch);
        var validity = reader.ReadUInt32();
        var dumpThread = reader.ReadUInt32();
        var requesting = reader.ReadUInt32();
        return new MinidumpBreakpadInfo(entry)
        {
            Validity = validity,
            DumpThreadId = (validity & 1) != 0 ? dumpThread : null,
            RequestingThreadId = (validity & 2) != 0 ? requesting : null,
        };
    }
}

/// <summary>AssertionInfoStream (0x47670002): an invalid-parameter or pure-virtual-call report.</summary>
public sealed class MinidumpAssertionInfo : MinidumpStream
{
    private MinidumpAssertionInfo(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>The failed expression (may be truncated).</summary>
    public string Expression { get; private init; } = string.Empty;

    /// <summary>The function.</summary>
    public string Function { get; private init; } = string.Empty;

    /// <summary>The source file.</summary>
    public string File { get; private init; } = string.Empty;

    /// <summary>The source line.</summary>
    public uint Line { get; private init; }

    /// <summary>0 unknown, 1 invalid parameter, 2 pure virtual call.</summary>
    public uint Type { get; private init; }

    /// <summary>The type as text: <c>Unknown</c>, <c>InvalidParameter</c>, <c>PureVirtualCall</c>, or a number.</summary>
    public string TypeName => Type switch
    {
        0 => "Unknown",
        1 => "InvalidParameter",
        2 => "PureVirtualCall",
        _ => Type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    internal static MinidumpAssertionInfo Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var rva = entry.Location.Rva;
        var reader = new SpanReader(memory.Span, rva, dump.IsBigEndian, MinidumpErrorKind.StreamSizeMismatch);
        var expression = dump.DecodeUtf16UntilNul(reader.ReadBytes(256), rva);
        var function = dump.DecodeUtf16UntilNul(reader.ReadBytes(256), rva + 256);
        var file = dump.DecodeUtf16UntilNul(reader.ReadBytes(256), rva + 512);
        return new MinidumpAssertionInfo(entry)
        {
            Expression = expression,
            Function = function,
            File = file,
            Line = reader.ReadUInt32(),
            Type = reader.ReadUInt32(),
        };
    }
}

/// <summary>One thread name.</summary>
/// <param name="ThreadId">The thread.</param>
/// <param name="Name">Its name.</param>
public readonly record struct MinidumpThreadName(uint ThreadId, string Name);

/// <summary>ThreadNamesStream (24): names of threads. Unreadable names are dropped one by one (see <see cref="MinidumpStream.Warnings"/>).</summary>
public sealed class MinidumpThreadNames : MinidumpStream
{
    private const int EntrySize = 12;

    private MinidumpThreadNames(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    private Dictionary<uint, string> _byId = [];

    /// <summary>The readable names, in file order.</summary>
    public ImmutableArray<MinidumpThreadName> Names { get; private init; }

    /// <summary>The name of <paramref name="threadId"/> (the last one if it repeats), or null.</summary>
    public string? GetName(uint threadId) => _byId.TryGetValue(threadId, out var name) ? name : null;

    internal static MinidumpThreadNames Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var (start, count) = ListLayout.Classic(data, entry.Location.Rva, dump.IsBigEndian, EntrySize);
        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian) { Position = start };
        var names = ImmutableArray.CreateBuilder<MinidumpThreadName>(count);
        var warnings = default(WarningCollector);
        for (var i = 0; i < count; i++)
        {
            var threadId = reader.ReadUInt32();
            var rva = reader.ReadUInt64();
            if (dump.ReadMinidumpString(rva) is { } name)
            {
                names.Add(new MinidumpThreadName(threadId, name));
            }
            else
            {
                warnings.Add($"the name of thread 0x{threadId:x} (at 0x{rva:x}) cannot be read; dropped");
            }
        }

        var byId = new Dictionary<uint, string>(names.Count);
        foreach (var name in names)
        {
            byId[name.ThreadId] = name.Name;
        }

        return new MinidumpThreadNames(entry) { Names = names.DrainToImmutable(), Warnings = warnings.ToList(), _byId = byId };
    }
}

/// <summary>One MINIDUMP_THREAD_INFO.</summary>
/// <param name="ThreadId">The thread.</param>
/// <param name="DumpFlags">Thread state flags.</param>
/// <param name="DumpError">HRESULT of the capture.</param>
/// <param name="ExitStatus">Exit status.</param>
/// <param name="CreateTime">Creation time (FILETIME).</param>
/// <param name="ExitTime">Exit time (FILETIME).</param>
/// <param name="KernelTime">Kernel time.</param>
/// <param name="UserTime">User time.</param>
/// <param name="StartAddress">Start address.</param>
/// <param name="Affinity">Affinity mask.</param>
public readonly record struct MinidumpThreadInfo(uint ThreadId, uint DumpFlags, uint DumpError, uint ExitStatus,
    ulong CreateTime, ulong ExitTime, ulong KernelTime, ulong UserTime, ulong StartAddress, ulong Affinity);

/// <summary>ThreadInfoListStream (17): per-thread times and state.</summary>
public sealed class MinidumpThreadInfoList : MinidumpStream
{
    private MinidumpThreadInfoList(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>The entries, in file order.</summary>
    public ImmutableArray<MinidumpThreadInfo> Threads { get; private init; }

    internal static MinidumpThreadInfoList Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var (start, count) = ListLayout.Extended(data, entry.Location.Rva, dump.IsBigEndian, 64);
        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian) { Position = start };
        var infos = new MinidumpThreadInfo[count];
        for (var i = 0; i < infos.Length; i++)
        {
            infos[i] = new MinidumpThreadInfo(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(),
                reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64());
        }

        return new MinidumpThreadInfoList(entry) { Threads = ImmutableCollectionsMarshal.AsImmutableArray(infos) };
    }
}

/// <summary>One MINIDUMP_MEMORY_INFO: a virtual memory region and its state.</summary>
/// <param name="BaseAddress">Region start.</param>
/// <param name="AllocationBase">Start of the allocation the region belongs to.</param>
/// <param name="AllocationProtection">Protection at allocation.</param>
/// <param name="RegionSize">Region size.</param>
/// <param name="State">0x1000 commit, 0x2000 reserve, 0x10000 free.</param>
/// <param name="Protection">PAGE_* protection.</param>
/// <param name="Type">0x20000 private, 0x40000 mapped, 0x1000000 image.</param>
public readonly record struct MinidumpMemoryInfo(ulong BaseAddress, ulong AllocationBase, uint AllocationProtection,
    ulong RegionSize, uint State, uint Protection, uint Type)
{
    /// <summary>Readable: READONLY, READWRITE, EXECUTE_READ or EXECUTE_READWRITE.</summary>
    public bool IsReadable => (Protection & 0xff) is 0x02 or 0x04 or 0x20 or 0x40;

    /// <summary>Writable: READWRITE, WRITECOPY, EXECUTE_READWRITE or EXECUTE_WRITECOPY.</summary>
    public bool IsWritable => (Protection & 0xff) is 0x04 or 0x08 or 0x40 or 0x80;

    /// <summary>Executable: any EXECUTE_* protection.</summary>
    public bool IsExecutable => (Protection & 0xff) is 0x10 or 0x20 or 0x40 or 0x80;
}

/// <summary>MemoryInfoListStream (16): the process's virtual memory regions.</summary>
public sealed class MinidumpMemoryInfoList : MinidumpStream
{
    private MinidumpMemoryInfoList(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    private RangeIndex _index = RangeIndex.Empty;

    /// <summary>The regions, in file order.</summary>
    public ImmutableArray<MinidumpMemoryInfo> Regions { get; private init; }

    /// <summary>The region containing <paramref name="address"/> (overlaps resolved as for modules: the lowest start wins), or null.</summary>
    public MinidumpMemoryInfo? FindRegion(ulong address)
    {
        var index = _index.Find(address);
        return index < 0 ? null : Regions[index];
    }

    internal static MinidumpMemoryInfoList Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var (start, count) = ListLayout.Extended(data, entry.Location.Rva, dump.IsBigEndian, 48, wideCount: true);
        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian) { Position = start };
        var regions = new MinidumpMemoryInfo[count];
        for (var i = 0; i < regions.Length; i++)
        {
            var baseAddress = reader.ReadUInt64();
            var allocationBase = reader.ReadUInt64();
            var allocationProtection = reader.ReadUInt32();
            reader.Skip(4);
            var size = reader.ReadUInt64();
            var state = reader.ReadUInt32();
            var protection = reader.ReadUInt32();
            var type = reader.ReadUInt32();
            reader.Skip(4);
            regions[i] = new MinidumpMemoryInfo(baseAddress, allocationBase, allocationProtection, size, state, protection, type);
        }

        var ranges = new List<(ulong, ulong, int)>(regions.Length);
        for (var i = 0; i < regions.Length; i++)
        {
            var region = regions[i];
            if (region.RegionSize != 0)
            {
                var last = ulong.MaxValue - region.BaseAddress < region.RegionSize - 1 ? ulong.MaxValue : region.BaseAddress + region.RegionSize - 1;
                ranges.Add((region.BaseAddress, last, i));
            }
        }

        return new MinidumpMemoryInfoList(entry)
        {
            Regions = ImmutableCollectionsMarshal.AsImmutableArray(regions),
            _index = RangeIndex.Build([.. ranges]),
        };
    }
}

/// <summary>One MINIDUMP_HANDLE_OBJECT_INFORMATION in a handle's chain.</summary>
/// <param name="InfoType">0 none, 1 thread, 2–3 mutant, 4–5 process, 6 event, 7 section, 8 semaphore.</param>
/// <param name="Data">The OS-specific payload after the 12-byte header.</param>
public readonly record struct MinidumpHandleObjectInfo(uint InfoType, ReadOnlyMemory<byte> Data);

/// <summary>One MINIDUMP_HANDLE_DESCRIPTOR (v1) or MINIDUMP_HANDLE_DESCRIPTOR_2 (v2).</summary>
public sealed class MinidumpHandleDescriptor
{
    internal MinidumpHandleDescriptor()
    {
    }

    /// <summary>The handle value (Windows) or file descriptor (Linux).</summary>
    public ulong Handle { get; internal init; }

    /// <summary>The object type name, or null.</summary>
    public string? TypeName { get; internal init; }

    /// <summary>The object name, or null.</summary>
    public string? ObjectName { get; internal init; }

    /// <summary>Attributes.</summary>
    public uint Attributes { get; internal init; }

    /// <summary>Granted access.</summary>
    public uint GrantedAccess { get; internal init; }

    /// <summary>Handle count.</summary>
    public uint HandleCount { get; internal init; }

    /// <summary>Pointer count.</summary>
    public uint PointerCount { get; internal init; }

    /// <summary>v2: the object-information chain, up to the first entry that cannot be read.</summary>
    public ImmutableArray<MinidumpHandleObjectInfo> ObjectInfos { get; internal init; } = [];
}

/// <summary>HandleDataStream (12): the process's open handles.</summary>
public sealed class MinidumpHandleDataStream : MinidumpStream
{
    private MinidumpHandleDataStream(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>Descriptor size: 32 (v1) or 40 (v2).</summary>
    public uint DescriptorSize { get; private init; }

    /// <summary>The handles, in file order.</summary>
    public ImmutableArray<MinidumpHandleDescriptor> Handles { get; private init; }

    internal static MinidumpHandleDataStream Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var rva = entry.Location.Rva;
        var header = new SpanReader(data, rva, dump.IsBigEndian);
        var headerSize = header.ReadUInt32();
        var descriptorSize = header.ReadUInt32();
        var count = header.ReadUInt32();
        header.Skip(4);
        if (count > 0 && descriptorSize is not (32 or 40))
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamReadFailure, $"handle descriptor size {descriptorSize} is neither 32 nor 40", rva + 4);
        }

        if ((ulong)headerSize + ((ulong)count * descriptorSize) > (ulong)data.Length)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamSizeMismatch,
                $"{count} handle descriptors of {descriptorSize} bytes after a {headerSize}-byte header do not fit in {data.Length} bytes", rva);
        }

        var reader = new SpanReader(data, rva, dump.IsBigEndian) { Position = (int)headerSize };
        var handles = new MinidumpHandleDescriptor[count];
        // Every object-info entry takes at least 12 bytes of the file: a chain cannot honestly be longer.
        var infoBudget = dump.Length / 12;
        for (var i = 0; i < handles.Length; i++)
        {
            var handle = reader.ReadUInt64();
            var typeRva = reader.ReadUInt32();
            var nameRva = reader.ReadUInt32();
            var attributes = reader.ReadUInt32();
            var access = reader.ReadUInt32();
            var handleCount = reader.ReadUInt32();
            var pointerCount = reader.ReadUInt32();
            var infos = ImmutableArray<MinidumpHandleObjectInfo>.Empty;
            if (descriptorSize == 40)
            {
                var infoRva = reader.ReadUInt32();
                reader.Skip(4);
                infos = ReadObjectInfos(dump, infoRva, ref infoBudget);
            }

            handles[i] = new MinidumpHandleDescriptor
            {
                Handle = handle,
                TypeName = typeRva == 0 ? null : dump.ReadMinidumpString(typeRva),
                ObjectName = nameRva == 0 ? null : dump.ReadMinidumpString(nameRva),
                Attributes = attributes,
                GrantedAccess = access,
                HandleCount = handleCount,
                PointerCount = pointerCount,
                ObjectInfos = infos,
            };
        }

        return new MinidumpHandleDataStream(entry)
        {
            DescriptorSize = descriptorSize,
            Handles = ImmutableCollectionsMarshal.AsImmutableArray(handles),
        };
    }

    private static ImmutableArray<MinidumpHandleObjectInfo> ReadObjectInfos(MinidumpFile dump, uint rva, ref long budget)
    {
        if (rva == 0)
        {
            return [];
        }

        var builder = ImmutableArray.CreateBuilder<MinidumpHandleObjectInfo>();
        HashSet<uint>? seen = null;
        while (rva != 0 && budget-- > 0)
        {
            if (!dump.TryGetRange(rva, 12, out var start, out _))
            {
                break;
            }

            var reader = new SpanReader(dump.Span.Slice(start, 12), start, dump.IsBigEndian);
            var next = reader.ReadUInt32();
            var type = reader.ReadUInt32();
            var size = reader.ReadUInt32();
            if (type > 9 || size < 12 || !dump.TryGetRange((ulong)rva + 12, size - 12, out var dataStart, out var dataLength))
            {
                break;
            }

            // A chain that loops back on itself ends at the first repeat.
            if (!(seen ??= []).Add(rva))
            {
                break;
            }

            builder.Add(new MinidumpHandleObjectInfo(type, dump.Data.Slice(dataStart, dataLength)));
            rva = next;
        }

        return builder.DrainToImmutable();
    }
}
