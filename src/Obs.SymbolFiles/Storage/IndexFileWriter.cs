using System.IO.Hashing;
using static Obs.SymbolFiles.Storage.IndexFileLayout;

namespace Obs.SymbolFiles.Storage;

/// <summary>Writes an index's tables as a saved index (see <see cref="IndexFileLayout"/>).</summary>
internal static unsafe class IndexFileWriter
{
    /// <summary>Writes are cut into pieces of at most this many bytes (a table can exceed what one span holds).</summary>
    private const int PieceSize = 1 << 24;

    private static readonly byte[] Padding = new byte[SectionAlignment];

    /// <summary>Writes a saved index to a stream, from its current position.</summary>
    public static void WriteTo(Stream stream, SymbolIndexCore core)
    {
        var metadata = IndexMetadataCodec.Encode(core.Metadata, core.Diagnostics);
        fixed (byte* metadataBytes = metadata)
        {
            var sections = Sections(core.Tables, metadataBytes, metadata.Length);
            var table = new byte[sections.Count * SectionEntrySize];
            var offset = ContentStart(sections.Count);
            for (var i = 0; i < sections.Count; i++)
            {
                var section = sections[i];
                var entry = table.AsSpan(i * SectionEntrySize, SectionEntrySize);
                Write(entry, 0, (int)section.Kind);
                Write(entry, 4, section.Segment);
                Write(entry, 8, section.ElementSize);
                Write(entry, 12, section.Count);
                Write(entry, 16, offset);
                Write(entry, 24, section.ByteLength);
                offset = Align(offset + section.ByteLength);
            }

            var fileLength = offset;

            // The content hash goes in the header, which comes first: hash the tables (in memory,
            // fast) before writing them, so that a stream that cannot seek back works too.
            var contentHash = new XxHash3();
            ForEachPiece(sections, ContentStart(sections.Count), piece => contentHash.Append(piece));

            var header = new byte[HeaderSize];
            Write(header, MagicOffset, Magic);
            Write(header, ByteOrderOffset, ByteOrderMark);
            Write(header, FormatVersionOffset, FormatVersion);
            Write(header, LayoutVersionOffset, LayoutVersion);
            Write(header, HeaderSizeOffset, (uint)HeaderSize);
            Write(header, FileLengthOffset, fileLength);
            Write(header, SectionCountOffset, sections.Count);
            Write(header, FlagsOffset, core.Tables.Files.Dense ? FlagDenseFiles : 0u);
            Write(header, ContentHashOffset, contentHash.GetCurrentHashAsUInt64());
            Write(header, SourceHashOffset, core.SourceHash);
            var statistics = StatisticsToArray(core.Statistics);
            for (var i = 0; i < statistics.Length; i++)
            {
                Write(header, StatisticsOffset + (8 * i), statistics[i]);
            }

            Write(header, ChecksumOffset, Checksum(header, table));

            stream.Write(header);
            stream.Write(table);
            stream.Write(Padding.AsSpan(0, (int)(ContentStart(sections.Count) - HeaderSize - table.Length)));
            ForEachPiece(sections, ContentStart(sections.Count), stream.Write);
            GC.KeepAlive(core);
        }
    }

    private delegate void PieceAction(ReadOnlySpan<byte> piece);

    /// <summary>Calls <paramref name="action"/> with every byte after the section table, padding included, in order.</summary>
    private static void ForEachPiece(List<Section> sections, long contentStart, PieceAction action)
    {
        var position = contentStart;
        foreach (var section in sections)
        {
            for (long done = 0; done < section.ByteLength; done += PieceSize)
            {
                action(new ReadOnlySpan<byte>(section.Bytes + done, (int)Math.Min(PieceSize, section.ByteLength - done)));
            }

            position += section.ByteLength;
            var padding = Align(position) - position;
            action(Padding.AsSpan(0, (int)padding));
            position += padding;
        }
    }

    private static List<Section> Sections(SymbolTables tables, byte* metadata, int metadataLength)
    {
        var sections = new List<Section>
        {
            new(IndexSectionKind.Metadata, 0, 1, metadataLength, metadata),
            Of(IndexSectionKind.Functions, 0, tables.Functions),
            Of(IndexSectionKind.FunctionStarts, 0, tables.FunctionStarts),
            Of(IndexSectionKind.FunctionBuckets, 0, tables.FunctionBuckets),
            Of(IndexSectionKind.Publics, 0, tables.Publics),
            Of(IndexSectionKind.Files, 0, tables.Files.Table),
            Of(IndexSectionKind.CfiInits, 0, tables.CfiInits),
            Of(IndexSectionKind.CfiDeltas, 0, tables.CfiDeltas),
            Of(IndexSectionKind.StackWinFrameData, 0, tables.StackWinFrameData),
            Of(IndexSectionKind.StackWinFpo, 0, tables.StackWinFpo),
        };
        for (var i = 0; i < tables.LineSegments.Length; i++)
        {
            sections.Add(Of(IndexSectionKind.LineSegment, i, tables.LineSegments[i]));
            sections.Add(Of(IndexSectionKind.InlineSegment, i, tables.InlineSegments[i]));
            sections.Add(Of(IndexSectionKind.StringSegment, i, tables.StringSegments[i]));
        }

        return sections;
    }

    private static Section Of<T>(IndexSectionKind kind, int segment, Table<T> table)
        where T : unmanaged => new(kind, segment, sizeof(T), table.Count, (byte*)table.Items);

    private readonly struct Section(IndexSectionKind kind, int segment, int elementSize, int count, byte* bytes)
    {
        public IndexSectionKind Kind { get; } = kind;

        public int Segment { get; } = segment;

        public int ElementSize { get; } = elementSize;

        public int Count { get; } = count;

        public byte* Bytes { get; } = bytes;

        public long ByteLength => (long)ElementSize * Count;
    }
}
