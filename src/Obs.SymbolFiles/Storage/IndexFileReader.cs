using System.IO.Hashing;
using static Obs.SymbolFiles.Storage.IndexFileLayout;

namespace Obs.SymbolFiles.Storage;

/// <summary>
/// Opens a saved index (see <see cref="IndexFileLayout"/>): maps the file and checks, once, its
/// header, its checksum and every section's bounds; the records themselves are used in place and
/// checked as lookups read them (see <see cref="TableView"/>). The work does not depend on the
/// number of records, unless the caller asks for the content hash to be verified.
/// </summary>
internal static unsafe class IndexFileReader
{
    /// <summary>True when the file starts with the index's magic (it is a saved index, whole or not).</summary>
    public static bool HasMagic(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        Span<byte> start = stackalloc byte[sizeof(ulong)];
        var read = RandomAccess.Read(handle, start, 0);
        return read == start.Length && Read<ulong>(start, 0) == Magic;
    }

    /// <exception cref="SymbolIndexFormatException">The file is not a valid saved index.</exception>
    public static SymbolIndexCore Open(string path, bool verifyContent)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        return Open(stream, verifyContent);
    }

    /// <summary>Maps an open file as a saved index; the stream may be disposed afterwards (the mapping keeps the file).</summary>
    /// <exception cref="SymbolIndexFormatException">The file is not a valid saved index.</exception>
    public static SymbolIndexCore Open(FileStream stream, bool verifyContent)
    {
        MappedIndexMemory? memory = null;
        try
        {
            var length = stream.Length;
            if (length < HeaderSize)
            {
                var start = new byte[(int)length];
                stream.ReadExactly(start);
                ThrowShort(start);
            }

            memory = new MappedIndexMemory(stream, length);
            var core = Read(memory, verifyContent);
            memory = null;
            return core;
        }
        finally
        {
            memory?.Dispose();
        }
    }

    /// <summary>A file shorter than a header: a truncated index, or not an index at all.</summary>
    private static void ThrowShort(ReadOnlySpan<byte> start)
    {
        Span<byte> magic = stackalloc byte[sizeof(ulong)];
        Write(magic, 0, Magic);
        if (start.IsEmpty || magic.StartsWith(start[..Math.Min(start.Length, magic.Length)]))
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.Truncated, $"truncated symbol index: {start.Length} bytes, shorter than its header");
        }

        ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.NotAnIndex, "not a symbol index: the file does not start with its magic");
    }

    private static SymbolIndexCore Read(MappedIndexMemory memory, bool verifyContent)
    {
        var file = memory.Pointer;
        var length = memory.Length;
        var header = new ReadOnlySpan<byte>(file, HeaderSize);
        CheckHeader(header);

        var sectionCount = Read<int>(header, SectionCountOffset);
        if (sectionCount < 0 || sectionCount > MaxSections)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.HeaderChecksumMismatch, "corrupt symbol index: the header's section count is not valid");
        }

        var contentStart = ContentStart(sectionCount);
        if (length < contentStart)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.Truncated, $"truncated symbol index: {length} bytes, shorter than its section table");
        }

        var table = new ReadOnlySpan<byte>(file + HeaderSize, sectionCount * SectionEntrySize);
        if (Checksum(header, table) != Read<ulong>(header, ChecksumOffset))
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.HeaderChecksumMismatch, "corrupt symbol index: the checksum of its header and section table does not match");
        }

        var fileLength = Read<long>(header, FileLengthOffset);
        if (length < fileLength)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.Truncated, $"truncated symbol index: {length} bytes of {fileLength}");
        }

        if (length > fileLength)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.TrailingBytes, $"corrupt symbol index: {length} bytes where its header says {fileLength}");
        }

        if (verifyContent)
        {
            var hash = new XxHash3();
            LargeMemory.ForEachPiece(file + contentStart, length - contentStart, hash.Append);

            if (hash.GetCurrentHashAsUInt64() != Read<ulong>(header, ContentHashOffset))
            {
                ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.ContentHashMismatch, "corrupt symbol index: the hash of its content does not match");
            }
        }

        var sections = new SectionSet(file, length, contentStart);
        for (var i = 0; i < sectionCount; i++)
        {
            sections.Add(Read<SectionEntry>(table, i * SectionEntrySize));
        }

        var statistics = new long[StatisticCount];
        for (var i = 0; i < statistics.Length; i++)
        {
            statistics[i] = Read<long>(header, StatisticsOffset + (8 * i));
        }

        var (metadata, diagnostics) = IndexMetadataCodec.Decode(sections.Metadata);
        var dense = (Read<uint>(header, FlagsOffset) & FlagDenseFiles) != 0;
        var tables = sections.ToTables(dense);
        return new SymbolIndexCore(tables, memory, metadata, StatisticsFromArray(statistics), diagnostics, Read<ulong>(header, SourceHashOffset));
    }

    private static void CheckHeader(ReadOnlySpan<byte> header)
    {
        if (Read<ulong>(header, MagicOffset) != Magic)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.NotAnIndex, "not a symbol index: the file does not start with its magic");
        }

        var byteOrder = Read<uint>(header, ByteOrderOffset);
        if (byteOrder == SwappedByteOrderMark)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.WrongByteOrder, "symbol index written on a machine of the other byte order: rebuild it from the text");
        }

        if (byteOrder != ByteOrderMark)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.HeaderChecksumMismatch, "corrupt symbol index: its byte-order mark is not valid");
        }

        var version = Read<uint>(header, FormatVersionOffset);
        if (version < FormatVersion)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.VersionTooOld, $"symbol index format version {version} is older than this library's ({FormatVersion}): rebuild it from the text");
        }

        if (version > FormatVersion)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.VersionTooNew, $"symbol index format version {version} is newer than this library's ({FormatVersion})");
        }

        var layout = Read<uint>(header, LayoutVersionOffset);
        if (layout != LayoutVersion)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.LayoutMismatch, $"symbol index record layout {layout} is not this library's ({LayoutVersion}): rebuild it from the text");
        }

        if (Read<uint>(header, HeaderSizeOffset) != HeaderSize)
        {
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.HeaderChecksumMismatch, "corrupt symbol index: its header size is not valid");
        }
    }

    /// <summary>The sections of a file, each checked as it is added.</summary>
    private sealed class SectionSet(byte* file, long length, long contentStart)
    {
        private readonly Dictionary<(IndexSectionKind, int), (nint Items, int Count)> _sections = [];

        public ReadOnlySpan<byte> Metadata
        {
            get
            {
                var (items, count) = Get(IndexSectionKind.Metadata, 0);
                return new ReadOnlySpan<byte>((byte*)items, count);
            }
        }

        public void Add(SectionEntry entry)
        {
            var (kind, segment, elementSize, count, offset, byteLength) = entry;
            var isSegment = kind is IndexSectionKind.LineSegment or IndexSectionKind.InlineSegment or IndexSectionKind.StringSegment;
            if (kind < IndexSectionKind.Metadata || kind > IndexSectionKind.StringSegment)
            {
                Bad($"unknown section kind {(int)kind}");
            }

            if (segment < 0 || segment >= (isSegment ? StringRef.OriginIdSegment : 1))
            {
                Bad($"section {kind} has segment number {segment}");
            }

            if (elementSize != ElementSize(kind))
            {
                ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.LayoutMismatch, $"symbol index section {kind} has {elementSize}-byte records where this library's are {ElementSize(kind)} bytes");
            }

            if (count < 0 || byteLength != (long)count * elementSize || offset < contentStart || offset % SectionAlignment != 0 || byteLength > length - offset)
            {
                Bad($"section {kind} {segment} lies outside the file or is misaligned");
            }

            if (!_sections.TryAdd((kind, segment), ((nint)(file + offset), count)))
            {
                Bad($"section {kind} {segment} appears twice");
            }
        }

        public SymbolTables ToTables(bool denseFiles)
        {
            var segments = 0;
            while (_sections.ContainsKey((IndexSectionKind.LineSegment, segments)))
            {
                segments++;
            }

            var lines = new Table<LineRecord>[segments];
            var inlines = new Table<InlineRangeRecord>[segments];
            var strings = new Table<byte>[segments];
            for (var i = 0; i < segments; i++)
            {
                lines[i] = Table<LineRecord>(IndexSectionKind.LineSegment, i);
                inlines[i] = Table<InlineRangeRecord>(IndexSectionKind.InlineSegment, i);
                strings[i] = Table<byte>(IndexSectionKind.StringSegment, i);
            }

            // Every section was used: none is left over (a segment past a gap, say).
            if (_sections.Count != 10 + (3 * segments))
            {
                Bad("the section table has sections the index does not use");
            }

            var functions = Table<FunctionRecord>(IndexSectionKind.Functions, 0);
            var starts = Table<ulong>(IndexSectionKind.FunctionStarts, 0);
            if (starts.Count != functions.Count)
            {
                Bad("the function starts do not match the functions");
            }

            return new SymbolTables(
                functions,
                starts,
                Table<int>(IndexSectionKind.FunctionBuckets, 0),
                lines,
                inlines,
                strings,
                Table<PublicRecord>(IndexSectionKind.Publics, 0),
                new IdTable<FileRecord>(Table<FileRecord>(IndexSectionKind.Files, 0), denseFiles),
                Table<CfiInitRecord>(IndexSectionKind.CfiInits, 0),
                Table<CfiDeltaRecord>(IndexSectionKind.CfiDeltas, 0),
                Table<StackWinRecord>(IndexSectionKind.StackWinFrameData, 0),
                Table<StackWinRecord>(IndexSectionKind.StackWinFpo, 0));
        }

        private Table<T> Table<T>(IndexSectionKind kind, int segment)
            where T : unmanaged
        {
            var (items, count) = Get(kind, segment);
            return new Table<T>((T*)items, count);
        }

        private (nint Items, int Count) Get(IndexSectionKind kind, int segment)
        {
            if (!_sections.TryGetValue((kind, segment), out var section))
            {
                Bad($"section {kind} {segment} is missing");
            }

            return section;
        }

        private static int ElementSize(IndexSectionKind kind) => kind switch
        {
            IndexSectionKind.Metadata or IndexSectionKind.StringSegment => 1,
            IndexSectionKind.Functions => sizeof(FunctionRecord),
            IndexSectionKind.FunctionStarts => sizeof(ulong),
            IndexSectionKind.FunctionBuckets => sizeof(int),
            IndexSectionKind.Publics => sizeof(PublicRecord),
            IndexSectionKind.Files => sizeof(FileRecord),
            IndexSectionKind.CfiInits => sizeof(CfiInitRecord),
            IndexSectionKind.CfiDeltas => sizeof(CfiDeltaRecord),
            IndexSectionKind.StackWinFrameData or IndexSectionKind.StackWinFpo => sizeof(StackWinRecord),
            IndexSectionKind.LineSegment => sizeof(LineRecord),
            IndexSectionKind.InlineSegment => sizeof(InlineRangeRecord),
            _ => 0,
        };

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private static void Bad(string what) =>
            ThrowHelper.ThrowIndexFormat(SymbolIndexFormatError.BadSection, $"corrupt symbol index: {what}");
    }
}
