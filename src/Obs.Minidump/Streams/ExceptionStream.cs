using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>ExceptionStream (6): the exception (or signal) that caused the dump, and the context at that point.</summary>
public sealed class MinidumpExceptionStream : MinidumpStream
{
    private const int Size = 168;
    private readonly MinidumpFile _dump;

    private MinidumpExceptionStream(MinidumpFile dump, MinidumpDirectoryEntry entry) : base(entry)
    {
        _dump = dump;
    }

    /// <summary>The thread that raised the exception (or asked for the dump).</summary>
    public uint ThreadId { get; private init; }

    /// <summary>Windows: the exception code. Linux: the signal number. macOS: the Mach exception type.</summary>
    public uint ExceptionCode { get; private init; }

    /// <summary>Windows: exception flags. Linux: <c>si_code</c>. macOS: the Mach code.</summary>
    public uint ExceptionFlags { get; private init; }

    /// <summary>Address of a nested EXCEPTION_RECORD in the crashed process.</summary>
    public ulong ExceptionRecord { get; private init; }

    /// <summary>The faulting address or instruction pointer (Linux: <c>si_addr</c>).</summary>
    public ulong ExceptionAddress { get; private init; }

    /// <summary>How many of <see cref="ExceptionInformation"/>'s entries are in use, as written (may exceed 15).</summary>
    public uint NumberParameters { get; private init; }

    /// <summary>All 15 parameter slots.</summary>
    public ImmutableArray<ulong> ExceptionInformation { get; private init; }

    /// <summary>Where the exception's CPU context is.</summary>
    public MinidumpLocation ContextLocation { get; private init; }

    /// <summary>The CPU context at the exception.</summary>
    /// <exception cref="MinidumpException">There is no system info, the architecture has no supported layout, or the context is damaged.</exception>
    public MinidumpContext GetContext() => _dump.ReadContext(ContextLocation);

    /// <summary>
    /// The crash reason as rust-minidump words it (<c>EXCEPTION_ACCESS_VIOLATION_WRITE</c>,
    /// <c>SIGSEGV / SEGV_MAPERR</c>, <c>EXC_BAD_ACCESS / KERN_INVALID_ADDRESS</c>, ...), for the OS
    /// and CPU of <paramref name="systemInfo"/> (null: unknown OS).
    /// </summary>
    public string GetCrashReason(MinidumpSystemInfo? systemInfo) =>
        CrashReason.Format(this, systemInfo?.Os ?? MinidumpOs.Unknown, systemInfo?.Cpu ?? MinidumpCpu.Unknown);

    /// <summary>
    /// The crash address: <c>ExceptionInformation[1]</c> for a Windows access violation or in-page
    /// error with at least two parameters, otherwise <see cref="ExceptionAddress"/>; truncated to 32
    /// bits on 32-bit CPUs.
    /// </summary>
    public ulong GetCrashAddress(MinidumpSystemInfo? systemInfo)
    {
        var os = systemInfo?.Os ?? MinidumpOs.Unknown;
        var address = os == MinidumpOs.Windows && ExceptionCode is 0xc0000005 or 0xc0000006 && NumberParameters >= 2
            ? ExceptionInformation[1]
            : ExceptionAddress;
        return systemInfo?.PointerSize == 4 ? address & 0xffffffff : address;
    }

    internal static MinidumpExceptionStream Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        if (data.Length < Size)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamSizeMismatch,
                $"the exception stream needs {Size} bytes, the stream has {data.Length}", entry.Location.Rva);
        }

        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian);
        var threadId = reader.ReadUInt32();
        reader.Skip(4);
        var code = reader.ReadUInt32();
        var flags = reader.ReadUInt32();
        var record = reader.ReadUInt64();
        var address = reader.ReadUInt64();
        var parameters = reader.ReadUInt32();
        reader.Skip(4);
        var information = new ulong[15];
        for (var i = 0; i < information.Length; i++)
        {
            information[i] = reader.ReadUInt64();
        }

        return new MinidumpExceptionStream(dump, entry)
        {
            ThreadId = threadId,
            ExceptionCode = code,
            ExceptionFlags = flags,
            ExceptionRecord = record,
            ExceptionAddress = address,
            NumberParameters = parameters,
            ExceptionInformation = ImmutableCollectionsMarshal.AsImmutableArray(information),
            ContextLocation = new MinidumpLocation(reader.ReadUInt32(), reader.ReadUInt32()),
        };
    }
}
