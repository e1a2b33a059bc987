using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Obs.SymbolFiles.Storage;

/// <summary>
/// The layout of a saved index: a fixed header, a section table, then the sections, each
/// 64-byte aligned. The sections are the index's tables byte for byte (records in the machine's
/// byte order, as Records.cs lays them out), plus one section of metadata; so an
/// opened file is used in place, with no per-record work.
/// </summary>
/// <remarks>
/// <para>Header (<see cref="HeaderSize"/> bytes, fields in the writer's byte order):</para>
/// <list type="table">
/// <item><term>0</term><description>magic, the 8 bytes <c>OBSSYMIX</c></description></item>
/// <item><term>8</term><description>byte-order mark 0x01020304 (read back as 0x04030201 on a machine of the other order)</description></item>
/// <item><term>12</term><description>format version (<see cref="FormatVersion"/>)</description></item>
/// <item><term>16</term><description>record-layout version (<see cref="LayoutVersion"/>)</description></item>
/// <item><term>20</term><description>header size</description></item>
/// <item><term>24</term><description>file length (int64)</description></item>
/// <item><term>32</term><description>section count</description></item>
/// <item><term>36</term><description>flags (<see cref="FlagDenseFiles"/>)</description></item>
/// <item><term>40</term><description>content hash: XxHash3 of every byte from the end of the section table (rounded up to 64) to the end of the file</description></item>
/// <item><term>48</term><description>the source's hash (see <see cref="SymbolIndexReference.SourceHash"/>)</description></item>
/// <item><term>56</term><description>the parse's statistics, <see cref="StatisticCount"/> int64s (the source's size is the first)</description></item>
/// <item><term>248</term><description>header checksum: XxHash3 of bytes 0–247 and of the section table</description></item>
/// </list>
/// <para>Section table entry (<see cref="SectionEntrySize"/> bytes): a <see cref="SectionEntry"/>.</para>
/// </remarks>
internal static class IndexFileLayout
{
    /// <summary>"OBSSYMIX" as a little-endian integer.</summary>
    public const ulong Magic = 0x58494D595353424F;

    public const uint ByteOrderMark = 0x01020304;
    public const uint SwappedByteOrderMark = 0x04030201;

    /// <summary>The header and section table's format.</summary>
    public const uint FormatVersion = 1;

    /// <summary>The record layouts; changes whenever a record layout in Records.cs does.</summary>
    public const uint LayoutVersion = 2;

    public const int HeaderSize = 256;
    public const int SectionEntrySize = 32;
    public const int SectionAlignment = 64;
    public const int MaxSections = 4096;

    public const int MagicOffset = 0;
    public const int ByteOrderOffset = 8;
    public const int FormatVersionOffset = 12;
    public const int LayoutVersionOffset = 16;
    public const int HeaderSizeOffset = 20;
    public const int FileLengthOffset = 24;
    public const int SectionCountOffset = 32;
    public const int FlagsOffset = 36;
    public const int ContentHashOffset = 40;
    public const int SourceHashOffset = 48;
    public const int StatisticsOffset = 56;
    public const int StatisticCount = 19;
    public const int ChecksumOffset = 248;

    /// <summary>Flag: FILE ids are dense (see <see cref="IdTable{T}.Dense"/>).</summary>
    public const uint FlagDenseFiles = 1;

    /// <summary>Where the sections begin, after a table of <paramref name="sectionCount"/> entries.</summary>
    public static long ContentStart(int sectionCount) => Align(HeaderSize + ((long)sectionCount * SectionEntrySize));

    public static long Align(long offset) => (offset + SectionAlignment - 1) & ~(long)(SectionAlignment - 1);

    /// <summary>The checksum of a header (its first <see cref="ChecksumOffset"/> bytes) and its section table.</summary>
    public static ulong Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> sectionTable)
    {
        var hash = new XxHash3();
        hash.Append(header[..ChecksumOffset]);
        hash.Append(sectionTable);
        return hash.GetCurrentHashAsUInt64();
    }

    public static T Read<T>(ReadOnlySpan<byte> bytes, int offset)
        where T : unmanaged => MemoryMarshal.Read<T>(bytes[offset..]);

    public static void Write<T>(Span<byte> bytes, int offset, T value)
        where T : unmanaged => MemoryMarshal.Write(bytes[offset..], in value);

    /// <summary>The statistics in the header's order.</summary>
    public static long[] StatisticsToArray(SymbolIndexStatistics s) =>
    [
        s.Bytes, s.Lines, s.Files, s.InlineOrigins, s.Functions, s.LineRecords, s.InlineRecords, s.InlineRanges, s.Publics,
        s.CfiInit, s.CfiRows, s.StackWinFrameData, s.StackWinFpo, s.ZeroSizeDropped, s.OverlapsDropped, s.StackWinTruncated,
        s.StackWinDropped, s.SkippedLines, s.OversizedLines,
    ];

    public static SymbolIndexStatistics StatisticsFromArray(ReadOnlySpan<long> v) => new()
    {
        Bytes = v[0],
        Lines = v[1],
        Files = (int)v[2],
        InlineOrigins = (int)v[3],
        Functions = (int)v[4],
        LineRecords = (int)v[5],
        InlineRecords = (int)v[6],
        InlineRanges = (int)v[7],
        Publics = (int)v[8],
        CfiInit = (int)v[9],
        CfiRows = (int)v[10],
        StackWinFrameData = (int)v[11],
        StackWinFpo = (int)v[12],
        ZeroSizeDropped = (int)v[13],
        OverlapsDropped = (int)v[14],
        StackWinTruncated = (int)v[15],
        StackWinDropped = (int)v[16],
        SkippedLines = v[17],
        OversizedLines = v[18],
    };
}

/// <summary>What a section of a saved index holds.</summary>
internal enum IndexSectionKind
{
    Metadata = 1,
    Functions,
    FunctionStarts,
    FunctionBuckets,
    Publics,
    Files,
    CfiInits,
    CfiDeltas,
    StackWinFrameData,
    StackWinFpo,
    LineSegment,
    InlineSegment,
    StringSegment,
}

/// <summary>
/// An entry of a saved index's section table, stored as it is laid out here (32 bytes, in the
/// writer's byte order): where a section is and what its records are.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct SectionEntry(IndexSectionKind Kind, int Segment, int ElementSize, int Count, long Offset, long ByteLength);
