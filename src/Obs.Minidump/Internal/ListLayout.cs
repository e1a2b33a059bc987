namespace Obs.Minidump.Internal;

/// <summary>The two ways a minidump list stream lays out its entries.</summary>
internal static class ListLayout
{
    /// <summary>
    /// A classic list: u32 count, then the entries. The stream must be exactly
    /// <c>4 + count × entrySize</c> bytes, or 4 bytes more, in which case the 4 bytes are padding
    /// right after the count (the old Breakpad Mac writer).
    /// </summary>
    public static (int Start, int Count) Classic(ReadOnlySpan<byte> data, long fileOffset, bool bigEndian, int entrySize)
    {
        var reader = new SpanReader(data, fileOffset, bigEndian, MinidumpErrorKind.StreamSizeMismatch);
        var count = reader.ReadUInt32();
        var expected = 4 + ((ulong)count * (ulong)entrySize);
        var actual = (ulong)data.Length;
        if (actual < expected)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamSizeMismatch,
                $"{count} entries of {entrySize} bytes need {expected} bytes, the stream has {actual}", fileOffset);
        }

        var extra = actual - expected;
        return extra switch
        {
            0 => (4, (int)count),
            4 => (8, (int)count),
            _ => ThrowHelper.Throw<(int, int)>(MinidumpErrorKind.StreamSizeMismatch,
                $"{count} entries of {entrySize} bytes need {expected} bytes (or 4 more), the stream has {actual}", fileOffset),
        };
    }

    /// <summary>
    /// A list with an extended header: u32 size_of_header, u32 size_of_entry, u32 count; entries
    /// start at size_of_header and must be exactly <paramref name="entrySize"/> bytes. Trailing
    /// bytes are allowed.
    /// </summary>
    public static (int Start, int Count) Extended(ReadOnlySpan<byte> data, long fileOffset, bool bigEndian, int entrySize,
        bool wideCount = false)
    {
        var reader = new SpanReader(data, fileOffset, bigEndian);
        var headerSize = reader.ReadUInt32();
        var sizeOfEntry = reader.ReadUInt32();
        var count = reader.ReadUInt32();
        if (wideCount && bigEndian && headerSize >= 16)
        {
            // MemoryInfoList's count is a u64. rust-minidump reads a u32 at offset 8, which is the
            // low half only on little-endian dumps; read the low half here in both byte orders.
            count = reader.ReadUInt32();
        }
        if (headerSize < 12)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamReadFailure, $"header size {headerSize} is below 12", fileOffset);
        }

        if (sizeOfEntry != entrySize)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamReadFailure,
                $"entry size {sizeOfEntry} is not the expected {entrySize}", fileOffset + 4);
        }

        var expected = headerSize + ((ulong)count * (ulong)entrySize);
        if ((ulong)data.Length < expected)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamSizeMismatch,
                $"{count} entries of {entrySize} bytes after a {headerSize}-byte header need {expected} bytes, the stream has {data.Length}",
                fileOffset);
        }

        return ((int)headerSize, (int)count);
    }
}
