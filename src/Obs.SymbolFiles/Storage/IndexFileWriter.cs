using System.IO.Hashing;
using static Obs.SymbolFiles.Storage.IndexFileLayout;

namespace Obs.SymbolFiles.Storage;

/// <summary>
/// Writes an index's tables as a saved index (see <see cref="IndexFileLayout"/>). The layout, and
/// so the file's length, is known before anything is written, so that a file can be allocated
/// whole up front.
/// </summary>
internal sealed unsafe class IndexFileWriter
{
    private static readonly byte[] Padding = new byte[SectionAlignment];

    private readonly SymbolIndexCore _core;

    /// <summary>The encoded metadata section, pinned so that it is a section like the tables.</summary>
    private readonly byte[] _metadata;
    private readonly List<Section> _sections;
    private readonly byte[] _sectionTable;

    /// <summary>Lays out the file for an index; the caller holds a reference to <paramref name="core"/> until done with the writer.</summary>
    public IndexFileWriter(SymbolIndexCore core)
    {
        _core = core;
        var metadata = IndexMetadataCodec.Encode(core.Metadata, core.Diagnostics);
        _metadata = GC.AllocateUninitializedArray<byte>(metadata.Length, pinned: true);
        metadata.CopyTo(_metadata, 0);
        fixed (byte* metadataBytes = _metadata)
        {
            _sections = Sections(core.Tables, metadataBytes, _metadata.Length);
        }

        _sectionTable = new byte[_sections.Count * SectionEntrySize];
        var offset = ContentStart;
        for (var i = 0; i < _sections.Count; i++)
        {
            var section = _sections[i];
            Write(_sectionTable, i * SectionEntrySize, new SectionEntry(section.Kind, section.Segment, section.ElementSize, section.Count, offset, section.ByteLength));
            offset = Align(offset + section.ByteLength);
        }

        FileLength = offset;
    }

    /// <summary>The length of the file <see cref="WriteTo"/> writes.</summary>
    public long FileLength { get; }

    private long ContentStart => IndexFileLayout.ContentStart(_sections.Count);

    /// <summary>
    /// Writes the saved index to a stream, from its current position. With
    /// <paramref name="freeTablesAsWritten"/>, each table's memory is freed as soon as it has been
    /// written, so that the tables and the file's new pages are never all held at once; the
    /// caller must then own the core's memory outright (<see cref="SymbolIndexCore.TryClaimSoleReference"/>),
    /// and the index is unusable afterwards.
    /// </summary>
    public void WriteTo(Stream stream, bool freeTablesAsWritten)
    {
        // The content hash goes in the header, which comes first: hash the tables (in memory,
        // fast) before writing them, so that a stream that cannot seek back works too.
        var contentHash = new XxHash3();
        foreach (var section in _sections)
        {
            ForEachPiece(section, piece => contentHash.Append(piece));
        }

        var header = new byte[HeaderSize];
        Write(header, MagicOffset, Magic);
        Write(header, ByteOrderOffset, ByteOrderMark);
        Write(header, FormatVersionOffset, FormatVersion);
        Write(header, LayoutVersionOffset, LayoutVersion);
        Write(header, HeaderSizeOffset, (uint)HeaderSize);
        Write(header, FileLengthOffset, FileLength);
        Write(header, SectionCountOffset, _sections.Count);
        Write(header, FlagsOffset, _core.Tables.Files.Dense ? FlagDenseFiles : 0u);
        Write(header, ContentHashOffset, contentHash.GetCurrentHashAsUInt64());
        Write(header, SourceHashOffset, _core.SourceHash);
        var statistics = StatisticsToArray(_core.Statistics);
        for (var i = 0; i < statistics.Length; i++)
        {
            Write(header, StatisticsOffset + (8 * i), statistics[i]);
        }

        Write(header, ChecksumOffset, Checksum(header, _sectionTable));

        stream.Write(header);
        stream.Write(_sectionTable);
        stream.Write(Padding.AsSpan(0, (int)(ContentStart - HeaderSize - _sectionTable.Length)));
        foreach (var section in _sections)
        {
            ForEachPiece(section, stream.Write);
            if (freeTablesAsWritten && section.Kind != IndexSectionKind.Metadata)
            {
                _core.FreeTableEarly(section.Bytes);
            }
        }

        GC.KeepAlive(_core);
        GC.KeepAlive(_metadata);
    }

    /// <summary>Calls <paramref name="action"/> with a section's bytes, then the padding after it, in order.</summary>
    private static void ForEachPiece(Section section, LargeMemory.PieceAction action)
    {
        LargeMemory.ForEachPiece(section.Bytes, section.ByteLength, action);
        action(Padding.AsSpan(0, (int)(Align(section.ByteLength) - section.ByteLength)));
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
