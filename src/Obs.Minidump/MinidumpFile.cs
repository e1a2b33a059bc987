using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>
/// A minidump opened for reading: its header, its directory, and typed views of its streams.
/// </summary>
/// <remarks>
/// Opening validates the header and the directory only; each stream is decoded the first time it
/// is asked for, and a damaged stream throws a <see cref="MinidumpException"/> from its own getter
/// without affecting the others. Instances are thread-safe. A file opened with
/// <see cref="Open(string)"/> is memory-mapped until <see cref="Dispose"/>; do not dispose it
/// while views taken from it are still in use. Which exception means what (the file could not be
/// read, or it was read but is not valid) is the same for every entry point; see
/// <see cref="MinidumpException"/>.
/// </remarks>
public sealed partial class MinidumpFile : IDisposable
{
    /// <summary>The MINIDUMP_HEADER signature, "MDMP" read as a little-endian u32.</summary>
    public const uint Signature = 0x504d444d;

    /// <summary>The low 16 bits of every minidump version.</summary>
    public const ushort FormatVersion = 42899;

    private const int HeaderSize = 32;
    private const int DirectoryEntrySize = 12;

    private readonly ReadOnlyMemory<byte> _data;
    private readonly IDisposable? _owner;
    private readonly Dictionary<uint, int> _entryByType;
    private readonly object?[] _streams;
    private readonly List<string> _warnings = [];
    private readonly MinidumpSystemInfo? _systemInfo;
    private long _decodeBudget;

    private MinidumpFile(ReadOnlyMemory<byte> data, IDisposable? owner)
    {
        _data = data;
        _owner = owner;
        // Decoded text may not grow past the size of the file (plus slack): a file whose strings
        // all point at the same large range cannot make the reader allocate quadratically.
        _decodeBudget = (2L * data.Length) + (4L << 20);

        if (data.Length > MaxLength)
        {
            throw TooLarge(MaxLength);
        }

        var span = data.Span;
        if (span.Length < HeaderSize)
        {
            throw new MinidumpException(MinidumpErrorKind.MissingHeader,
                $"the file has {span.Length} bytes, fewer than the {HeaderSize}-byte header", 0);
        }

        var reader = new SpanReader(span[..HeaderSize], 0, bigEndian: false, MinidumpErrorKind.MissingHeader);
        var signature = reader.ReadUInt32();
        if (signature != Signature)
        {
            if (signature != 0x4d444d50)
            {
                throw new MinidumpException(MinidumpErrorKind.HeaderMismatch,
                    $"signature 0x{signature:x8} is not MDMP", 0);
            }

            IsBigEndian = true;
            reader = new SpanReader(span[..HeaderSize], 0, bigEndian: true, MinidumpErrorKind.MissingHeader);
            signature = reader.ReadUInt32();
        }

        var version = reader.ReadUInt32();
        if ((version & 0xffff) != FormatVersion)
        {
            throw new MinidumpException(MinidumpErrorKind.VersionMismatch,
                $"version 0x{version:x8} is not a minidump version (low 16 bits must be 0x{FormatVersion:x4})", 4);
        }

        Header = new MinidumpHeader(signature, version, reader.ReadUInt32(), reader.ReadUInt32(),
            reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt64());

        var count = Header.StreamCount;
        var rva = (ulong)Header.StreamDirectoryRva;
        if (rva + ((ulong)count * DirectoryEntrySize) > (ulong)span.Length)
        {
            throw new MinidumpException(MinidumpErrorKind.MissingDirectory,
                $"the directory of {count} entries at 0x{rva:x} does not fit in the {span.Length}-byte file",
                Math.Min((long)rva, span.Length));
        }

        var entries = new MinidumpDirectoryEntry[count];
        _entryByType = new Dictionary<uint, int>(Math.Min((int)count, 64));
        var dir = new SpanReader(span.Slice((int)rva, (int)count * DirectoryEntrySize), (long)rva, IsBigEndian,
            MinidumpErrorKind.MissingDirectory);
        for (var i = 0; i < entries.Length; i++)
        {
            var type = dir.ReadUInt32();
            var size = dir.ReadUInt32();
            var streamRva = dir.ReadUInt32();
            var entry = new MinidumpDirectoryEntry(i, (MinidumpStreamType)type, new MinidumpLocation(size, streamRva));
            entries[i] = entry;
            // rust-minidump warns about every repeated type, test.dmp's two empty UnusedStream entries included.
            if (_entryByType.TryGetValue(type, out var previous))
            {
                _warnings.Add($"the dump has several streams of type 0x{type:x} " +
                    $"({MinidumpStreamTypes.GetName((MinidumpStreamType)type) ?? "unknown"}), at indices {previous} and {i}; using {i}");
            }

            _entryByType[type] = i;
        }

        Directory = ImmutableCollectionsMarshal.AsImmutableArray(entries);
        _streams = new object?[entries.Length];

        // Thread and exception contexts, module ids and pointer sizes depend on the system info,
        // so it is read up front; a damaged one only leaves those things unknown.
        try
        {
            _systemInfo = GetSystemInfo();
        }
        catch (MinidumpException ex)
        {
            _warnings.Add($"the system info stream cannot be read: {ex.Message}");
        }
    }

    /// <summary>
    /// The largest minidump a <see cref="MinidumpFile"/> holds, in bytes (<see cref="Array.MaxLength"/>,
    /// just under 2 GiB): its offsets and spans are 32-bit.
    /// </summary>
    public const int MaxLength = 0x7FFFFFC7;

    /// <summary>
    /// Opens the minidump at <paramref name="path"/>, memory-mapped and read-only (a file that cannot
    /// be mapped, such as a named pipe, is read into memory).
    /// </summary>
    /// <exception cref="IOException">The file could not be read: it does not exist
    /// (<see cref="FileNotFoundException"/>, <see cref="DirectoryNotFoundException"/>) or an I/O error
    /// occurred. The BCL's exception, not wrapped.</exception>
    /// <exception cref="UnauthorizedAccessException">The file could not be read: no permission, or
    /// <paramref name="path"/> names a directory.</exception>
    /// <exception cref="MinidumpException">The file was read but is not a valid minidump: its header
    /// or directory is missing or invalid, or it is larger than <see cref="MaxLength"/>
    /// (<see cref="MinidumpErrorKind.TooLarge"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or not a valid path.</exception>
    public static MinidumpFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        MappedMemory mapped;
        try
        {
            if (!stream.CanSeek)
            {
                return new MinidumpFile(BoundedStreamReader.ReadToEnd(stream, MaxLength), null);
            }

            if (stream.Length == 0)
            {
                // An empty file cannot be mapped; it is simply too short.
                return new MinidumpFile(ReadOnlyMemory<byte>.Empty, null);
            }

            if (stream.Length > MaxLength)
            {
                throw TooLarge(MaxLength);
            }

            mapped = MappedMemory.Open(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        try
        {
            return new MinidumpFile(mapped.Memory, mapped);
        }
        catch
        {
            ((IDisposable)mapped).Dispose();
            throw;
        }
    }

    /// <summary>Reads a minidump held in memory. The memory must not change while the instance is used.</summary>
    /// <exception cref="MinidumpException">The header or directory is invalid, or <paramref name="data"/> is
    /// larger than <see cref="MaxLength"/>.</exception>
    public static MinidumpFile Read(ReadOnlyMemory<byte> data) => new(data, null);

    /// <summary>
    /// Reads a minidump from <paramref name="stream"/>, from its position to its end, for example an
    /// upload that a service receives: no file is needed. The stream is read into memory, but never
    /// more than <paramref name="maxBytes"/> of it: a longer stream (an endless one included) is
    /// rejected once one byte past the limit has arrived, and a seekable stream whose length is over
    /// the limit is rejected before any read. The stream is not disposed.
    /// </summary>
    /// <param name="stream">A readable stream.</param>
    /// <param name="maxBytes">The largest minidump accepted, in bytes; values above <see cref="MaxLength"/> mean <see cref="MaxLength"/>.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <exception cref="IOException">The stream could not be read. The stream's own exception, not wrapped.</exception>
    /// <exception cref="MinidumpException">The stream was read but is not a valid minidump: its header or
    /// directory is missing or invalid, or it holds more than <paramref name="maxBytes"/> bytes
    /// (<see cref="MinidumpErrorKind.TooLarge"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is null or cannot be read, or
    /// <paramref name="maxBytes"/> is negative (<see cref="ArgumentOutOfRangeException"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed while it was read.</exception>
    public static async ValueTask<MinidumpFile> ReadAsync(Stream stream, long maxBytes, CancellationToken cancellationToken = default)
    {
        var data = await BoundedStreamReader.ReadToEndAsync(stream, maxBytes, cancellationToken).ConfigureAwait(false);
        return new MinidumpFile(data, null);
    }

    /// <summary>The header.</summary>
    public MinidumpHeader Header { get; }

    /// <summary>Whether the dump was written big-endian (every integer and UTF-16 string is then big-endian).</summary>
    public bool IsBigEndian { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long Length => _data.Length;

    /// <summary>The whole file.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Every directory entry, in file order (duplicates included).</summary>
    public ImmutableArray<MinidumpDirectoryEntry> Directory { get; }

    /// <summary>Problems found while opening that did not stop it (duplicate stream types, an unreadable system info).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>
    /// Finds the directory entry of a stream type. When a type appears more than once, the last
    /// entry wins.
    /// </summary>
    public bool TryGetEntry(MinidumpStreamType type, out MinidumpDirectoryEntry entry)
    {
        if (_entryByType.TryGetValue((uint)type, out var index))
        {
            entry = Directory[index];
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>The bytes of a stream.</summary>
    /// <exception cref="MinidumpException">The stream lies outside the file (<see cref="MinidumpErrorKind.StreamReadFailure"/>).</exception>
    public ReadOnlyMemory<byte> GetStreamData(MinidumpDirectoryEntry entry)
    {
        var location = entry.Location;
        if (!TryGetRange(location.Rva, location.DataSize, out var start, out var length))
        {
            throw new MinidumpException(MinidumpErrorKind.StreamReadFailure,
                $"stream {entry.Index} ({DescribeType(entry.StreamType)}) of {location.DataSize} bytes at 0x{location.Rva:x} lies outside the {Length}-byte file",
                Math.Min(location.Rva, Length));
        }

        return _data.Slice(start, length);
    }

    /// <summary>
    /// Decodes the stream of a directory entry into its typed view (a <see cref="MinidumpRawStream"/>
    /// for types this library does not decode). Results are cached per entry.
    /// </summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpStream GetStream(MinidumpDirectoryEntry entry)
    {
        if ((uint)entry.Index >= (uint)_streams.Length || Directory[entry.Index] != entry)
        {
            throw new ArgumentException("the entry is not one of this dump's directory entries", nameof(entry));
        }

        if (Volatile.Read(ref _streams[entry.Index]) is MinidumpStream cached)
        {
            return cached;
        }

        var parsed = ParseStream(entry);
        return (MinidumpStream)(Interlocked.CompareExchange(ref _streams[entry.Index], parsed, null) ?? parsed);
    }

    /// <summary>Releases the memory mapping of a file opened with <see cref="Open(string)"/>.</summary>
    public void Dispose() => _owner?.Dispose();

    private T? Get<T>(MinidumpStreamType type) where T : MinidumpStream =>
        TryGetEntry(type, out var entry) ? (T)GetStream(entry) : null;

    private MinidumpStream ParseStream(MinidumpDirectoryEntry entry)
    {
        var memory = GetStreamData(entry);
        return entry.StreamType switch
        {
            MinidumpStreamType.ThreadList => MinidumpThreadList.Parse(this, entry, memory),
            MinidumpStreamType.ModuleList => MinidumpModuleList.Parse(this, entry, memory),
            MinidumpStreamType.MemoryList => MinidumpMemoryList.Parse(this, entry, memory),
            MinidumpStreamType.Exception => MinidumpExceptionStream.Parse(this, entry, memory),
            MinidumpStreamType.SystemInfo => MinidumpSystemInfo.Parse(this, entry, memory),
            MinidumpStreamType.Memory64List => MinidumpMemory64List.Parse(this, entry, memory),
            MinidumpStreamType.HandleData => MinidumpHandleDataStream.Parse(this, entry, memory),
            MinidumpStreamType.UnloadedModuleList => MinidumpUnloadedModuleList.Parse(this, entry, memory),
            MinidumpStreamType.MiscInfo => MinidumpMiscInfo.Parse(this, entry, memory),
            MinidumpStreamType.MemoryInfoList => MinidumpMemoryInfoList.Parse(this, entry, memory),
            MinidumpStreamType.ThreadInfoList => MinidumpThreadInfoList.Parse(this, entry, memory),
            MinidumpStreamType.ThreadNames => MinidumpThreadNames.Parse(this, entry, memory),
            MinidumpStreamType.BreakpadInfo => MinidumpBreakpadInfo.Parse(this, entry, memory),
            MinidumpStreamType.AssertionInfo => MinidumpAssertionInfo.Parse(this, entry, memory),
            MinidumpStreamType.LinuxCpuInfo or MinidumpStreamType.LinuxProcStatus or MinidumpStreamType.LinuxLsbRelease
                or MinidumpStreamType.LinuxEnviron or MinidumpStreamType.MozLinuxLimits or MinidumpStreamType.MozSoftErrors
                => MinidumpTextStream.Parse(this, entry, memory),
            MinidumpStreamType.LinuxCmdLine => MinidumpLinuxCommandLine.Parse(this, entry, memory),
            MinidumpStreamType.LinuxAuxv => MinidumpLinuxAuxv.Parse(this, entry, memory),
            MinidumpStreamType.LinuxMaps => MinidumpLinuxMaps.Parse(this, entry, memory),
            MinidumpStreamType.LinuxDsoDebug => MinidumpLinuxDsoDebug.Parse(this, entry, memory),
            MinidumpStreamType.CrashpadInfo => MinidumpCrashpadInfo.Parse(this, entry, memory),
            MinidumpStreamType.MozMacosCrashInfo => MinidumpMacCrashInfo.Parse(this, entry, memory),
            MinidumpStreamType.MozMacosBootargs => MinidumpMacBootargs.Parse(this, entry, memory),
            _ => new MinidumpRawStream(entry, memory),
        };
    }

    /// <summary>The error for an input over <paramref name="limit"/> bytes (the caller's limit, or <see cref="MaxLength"/>).</summary>
    internal static MinidumpException TooLarge(long limit) =>
        limit >= MaxLength
            ? new MinidumpException(MinidumpErrorKind.TooLarge,
                $"the input is larger than {MaxLength} bytes, the largest minidump this reader holds", MaxLength)
            : new MinidumpException(MinidumpErrorKind.TooLarge, $"the input is larger than the limit of {limit} bytes", limit);

    internal static string DescribeType(MinidumpStreamType type) =>
        MinidumpStreamTypes.GetName(type) ?? $"0x{(uint)type:x}";

    /// <summary>The system info read when the dump was opened, or null.</summary>
    internal MinidumpSystemInfo? CachedSystemInfo => _systemInfo ?? (TryGetEntry(MinidumpStreamType.SystemInfo, out var e)
        ? Volatile.Read(ref _streams[e.Index]) as MinidumpSystemInfo
        : null);

    internal ReadOnlySpan<byte> Span => _data.Span;

    /// <summary>Checks that [rva, rva + size) lies in the file.</summary>
    internal bool TryGetRange(ulong rva, ulong size, out int start, out int length)
    {
        var fileLength = (ulong)_data.Length;
        if (rva > fileLength || size > fileLength - rva)
        {
            start = 0;
            length = 0;
            return false;
        }

        start = (int)rva;
        length = (int)size;
        return true;
    }

    /// <summary>Takes <paramref name="bytes"/> of text out of the per-dump decoding budget.</summary>
    internal void ChargeDecoding(long bytes, long offset)
    {
        if (Interlocked.Add(ref _decodeBudget, -bytes) < 0)
        {
            ThrowHelper.Throw(MinidumpErrorKind.DataError,
                "the dump's strings decode to more text than the file could hold", offset);
        }
    }
}
