using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>One MINIDUMP_THREAD: a thread's id, state, stack and CPU context.</summary>
public sealed class MinidumpThread
{
    private readonly MinidumpFile _dump;

    internal MinidumpThread(MinidumpFile dump, uint threadId, uint suspendCount, uint priorityClass, uint priority,
        ulong teb, MinidumpMemoryDescriptor stack, MinidumpLocation context)
    {
        _dump = dump;
        ThreadId = threadId;
        SuspendCount = suspendCount;
        PriorityClass = priorityClass;
        Priority = priority;
        Teb = teb;
        Stack = stack;
        ContextLocation = context;
    }

    /// <summary>OS thread id.</summary>
    public uint ThreadId { get; }

    /// <summary>Suspend count (greater than 0 when the thread was suspended).</summary>
    public uint SuspendCount { get; }

    /// <summary>Priority class.</summary>
    public uint PriorityClass { get; }

    /// <summary>Priority.</summary>
    public uint Priority { get; }

    /// <summary>Address of the thread environment block (Windows) or equivalent.</summary>
    public ulong Teb { get; }

    /// <summary>The captured stack as the thread entry describes it.</summary>
    public MinidumpMemoryDescriptor Stack { get; }

    /// <summary>Where the thread's CPU context is in the file.</summary>
    public MinidumpLocation ContextLocation { get; }

    /// <summary>
    /// The thread's CPU context, read with the layout the system info's architecture selects.
    /// </summary>
    /// <exception cref="MinidumpException">There is no system info, the architecture has no supported layout, or the context is damaged.</exception>
    public MinidumpContext GetContext() => _dump.ReadContext(ContextLocation);

    /// <summary>
    /// The thread's stack memory: the region its own descriptor points at, or, when that
    /// descriptor is empty or out of bounds, the memory-list region that contains the stack's start
    /// address (Windows dumps sometimes leave the descriptor's RVA at 0). Null when neither exists.
    /// </summary>
    public MinidumpMemoryRegion? GetStackMemory()
    {
        var location = Stack.Memory;
        if (location.Rva != 0 && location.DataSize != 0 && _dump.TryGetRange(location.Rva, location.DataSize, out var start, out var length))
        {
            return new MinidumpMemoryRegion(Stack.StartOfMemoryRange, _dump.Data.Slice(start, length), start, _dump.IsBigEndian);
        }

        return _dump.FindMemoryRegion(Stack.StartOfMemoryRange);
    }

    /// <summary>
    /// The thread's last Win32 error (GetLastError), read from the u32 at TEB + 13 pointers when
    /// that memory was captured; null otherwise.
    /// </summary>
    public uint? GetLastError()
    {
        var pointerSize = _dump.CachedSystemInfo?.PointerSize ?? 0;
        if (pointerSize == 0 || Teb == 0)
        {
            return null;
        }

        var address = Teb + (13UL * (ulong)pointerSize);
        return address >= Teb && _dump.FindMemoryRegion(address) is { } region && region.TryReadUInt32(address, out var value)
            ? value
            : null;
    }
}

/// <summary>ThreadListStream (3): the threads of the process.</summary>
public sealed class MinidumpThreadList : MinidumpStream
{
    private const int EntrySize = 48;
    private readonly Dictionary<uint, int> _indexById;

    private MinidumpThreadList(MinidumpDirectoryEntry entry, MinidumpThread[] threads) : base(entry)
    {
        Threads = ImmutableCollectionsMarshal.AsImmutableArray(threads);
        _indexById = new Dictionary<uint, int>(threads.Length);
        for (var i = 0; i < threads.Length; i++)
        {
            // Repeated ids: the later thread wins, as in rust-minidump.
            _indexById[threads[i].ThreadId] = i;
        }
    }

    /// <summary>The threads, in file order.</summary>
    public ImmutableArray<MinidumpThread> Threads { get; }

    /// <summary>The index of the thread with <paramref name="threadId"/> (the last one if ids repeat), or -1.</summary>
    public int IndexOf(uint threadId) => _indexById.TryGetValue(threadId, out var index) ? index : -1;

    /// <summary>The thread with <paramref name="threadId"/>, or null.</summary>
    public MinidumpThread? FindThread(uint threadId) => _indexById.TryGetValue(threadId, out var index) ? Threads[index] : null;

    internal static MinidumpThreadList Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var (start, count) = ListLayout.Classic(data, entry.Location.Rva, dump.IsBigEndian, EntrySize);
        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian) { Position = start };
        var threads = new MinidumpThread[count];
        for (var i = 0; i < threads.Length; i++)
        {
            threads[i] = new MinidumpThread(dump,
                threadId: reader.ReadUInt32(),
                suspendCount: reader.ReadUInt32(),
                priorityClass: reader.ReadUInt32(),
                priority: reader.ReadUInt32(),
                teb: reader.ReadUInt64(),
                stack: new MinidumpMemoryDescriptor(reader.ReadUInt64(), new MinidumpLocation(reader.ReadUInt32(), reader.ReadUInt32())),
                context: new MinidumpLocation(reader.ReadUInt32(), reader.ReadUInt32()));
        }

        return new MinidumpThreadList(entry, threads);
    }
}
