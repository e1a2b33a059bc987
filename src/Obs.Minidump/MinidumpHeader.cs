namespace Obs.Minidump;

/// <summary>The 32-byte MINIDUMP_HEADER at the start of the file.</summary>
public sealed class MinidumpHeader
{
    internal MinidumpHeader(uint signature, uint version, uint streamCount, uint streamDirectoryRva,
        uint checksum, uint timeDateStamp, ulong flags)
    {
        Signature = signature;
        Version = version;
        StreamCount = streamCount;
        StreamDirectoryRva = streamDirectoryRva;
        Checksum = checksum;
        TimeDateStamp = timeDateStamp;
        Flags = flags;
    }

    /// <summary>The <c>MDMP</c> signature, <c>0x504d444d</c> (as read in the dump's byte order).</summary>
    public uint Signature { get; }

    /// <summary>The format version; the low 16 bits are 42899 (0xa793), the high ones depend on the writer.</summary>
    public uint Version { get; }

    /// <summary>Number of directory entries.</summary>
    public uint StreamCount { get; }

    /// <summary>File offset of the stream directory.</summary>
    public uint StreamDirectoryRva { get; }

    /// <summary>Checksum (usually 0; not verified).</summary>
    public uint Checksum { get; }

    /// <summary>When the dump was written, as a <c>time_t</c>.</summary>
    public uint TimeDateStamp { get; }

    /// <summary>MINIDUMP_TYPE flags the writer used.</summary>
    public ulong Flags { get; }
}

/// <summary>A (size, file offset) pair: MINIDUMP_LOCATION_DESCRIPTOR.</summary>
/// <param name="DataSize">Size in bytes.</param>
/// <param name="Rva">File offset.</param>
public readonly record struct MinidumpLocation(uint DataSize, uint Rva);

/// <summary>One entry of the stream directory.</summary>
/// <param name="Index">Position of the entry in the directory.</param>
/// <param name="StreamType">The stream type (possibly a value <see cref="MinidumpStreamType"/> does not name).</param>
/// <param name="Location">Where the stream's bytes are.</param>
public readonly record struct MinidumpDirectoryEntry(int Index, MinidumpStreamType StreamType, MinidumpLocation Location);
