using System.Runtime.InteropServices;

namespace Obs.SymbolFiles.Storage;

// The index's record layouts. Every record is blittable and reference-free (names are
// StringRefs into the index's byte tables) so that a table can be written to disk and
// memory-mapped back unchanged. Pack = 4 keeps the 64-bit addresses from padding records
// that are stored by the million.
//
// The big tables (line records, inline ranges, strings) are stored as segments, one per parsed
// chunk of the file, so that joining chunks parsed in parallel never copies them; a record
// names its segment (FunctionRecord.Segment, StringRef.Segment).

/// <summary>
/// A UTF-8 string in one of the index's byte segments, with a flag that says whether it is all
/// ASCII (nearly every symbol name is), which lets it be decoded by widening bytes to chars.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct StringRef
{
    /// <summary>Longest string a reference can describe (23 bits; the line limit is kept below it).</summary>
    public const int MaxLength = (1 << 23) - 1;

    private const uint AsciiFlag = 1u << 23;

    // Bits 0-22 length, bit 23 the ASCII flag, bits 24-31 the segment.
    private readonly uint _lengthAndSegment;

    public StringRef(int segment, uint offset, uint length, bool isAscii = false)
    {
        System.Diagnostics.Debug.Assert(length <= MaxLength, "the line length limit keeps every string within MaxLength");
        Offset = offset;
        _lengthAndSegment = length | (isAscii ? AsciiFlag : 0) | ((uint)segment << 24);
    }

    /// <summary>Offset in the segment.</summary>
    public uint Offset { get; }

    /// <summary>Length in bytes.</summary>
    public uint Length => _lengthAndSegment & MaxLength;

    /// <summary>True when every byte is ASCII, so that the UTF-8 decoding is a plain widening.</summary>
    public bool IsAscii => (_lengthAndSegment & AsciiFlag) != 0;

    /// <summary>The byte segment.</summary>
    public int Segment => (int)(_lengthAndSegment >> 24);

    /// <summary>The segment number of <see cref="Missing"/>.</summary>
    public const int MissingSegment = 255;

    /// <summary>The segment number of an unresolved INLINE_ORIGIN id (see <see cref="ForOriginId"/>).</summary>
    public const int OriginIdSegment = 254;

    /// <summary>No string: the name of an INLINE_ORIGIN that the file does not define.</summary>
    public static StringRef Missing => new(MissingSegment, 0, 0);

    /// <summary>True for <see cref="Missing"/>.</summary>
    public bool IsMissing => Segment == MissingSegment;

    /// <summary>
    /// While a file is parsed, an INLINE record names its origin by id; the assembler replaces
    /// this placeholder by the origin's name, so that lookups read the name without visiting
    /// the origin table.
    /// </summary>
    public static StringRef ForOriginId(uint id) => new(OriginIdSegment, id, 0);

    /// <summary>The id held by a <see cref="ForOriginId"/> placeholder.</summary>
    public uint OriginId => Offset;

    /// <summary>A part of this string (still ASCII if this one is).</summary>
    public StringRef WithOffsetAndLength(uint offset, uint length) => new(Segment, offset, length, IsAscii);
}

/// <summary>
/// A <c>FUNC</c> record and the slices of its line records and inline ranges, both in segment
/// <see cref="Segment"/>. A function with many inline ranges also has a depth directory
/// (<see cref="InlineDepths"/>, see <see cref="SymbolTables.InlineDepthStartsOf"/>).
/// </summary>
/// <remarks>
/// Padded from 56 to 64 bytes: a lookup reads one function record at random, and in a table of
/// 56-byte records (64-byte aligned) three in four straddle two cache lines. One line per
/// record made batched lookups drawn by function 3–11% faster without names (in-process A/B,
/// both orders), for 8 bytes per FUNC (2.6 MB on the full-size benchmark file).
/// </remarks>
[StructLayout(LayoutKind.Sequential, Pack = 4, Size = 64)]
internal struct FunctionRecord
{
    public ulong Address;
    public uint Size;
    public uint ParameterSize;
    public StringRef Name;
    public int FirstLine;
    public int LineCount;
    public int FirstInline;
    public int InlineCount;
    public int InlineRecordCount;
    public RecordFlags Flags;
    public int Segment;

    /// <summary>Where the function's depth directory starts in <see cref="SymbolTables.InlineDepths"/>, or -1 when it has none.</summary>
    public int InlineDepths;

    public readonly ulong End => Address + Size;
}

/// <summary>Flags carried by FUNC and PUBLIC records.</summary>
[Flags]
internal enum RecordFlags
{
    None = 0,

    /// <summary>The <c>m</c> marker: the address is shared by several functions (identical code folding).</summary>
    Multiple = 1,
}

/// <summary>
/// A line record: <c>&lt;address&gt; &lt;size&gt; &lt;line&gt; &lt;file id&gt;</c>, and the inline
/// chain that covers the whole of it (see <see cref="InnermostInline"/>).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct LineRecord
{
    /// <summary><see cref="InnermostInline"/> value: no inlined code covers the record.</summary>
    public const int NoInline = -1;

    /// <summary>
    /// <see cref="InnermostInline"/> value: the chain changes inside the record, or the ranges'
    /// <see cref="InlineRangeRecord.ParentDistance"/> links cannot describe it; a lookup searches the ranges.
    /// </summary>
    public const int ChainNotAnchored = -2;

    public ulong Address;
    public uint Size;
    public uint Line;
    public uint File;

    /// <summary>
    /// The innermost range (an index into the function's inline ranges) of the inline chain at
    /// every address of the record; the chain is that range and its
    /// <see cref="InlineRangeRecord.ParentDistance"/> links. Else <see cref="NoInline"/> or
    /// <see cref="ChainNotAnchored"/>. Written by <see cref="InlineChainAnchors"/> on the
    /// function's first lookup, and meaningless until then.
    /// </summary>
    public int InnermostInline;
}

/// <summary>
/// One address range of an <c>INLINE</c> record; a record with several ranges is stored as
/// several entries with the same depth, call site and origin. <see cref="OriginName"/> is the
/// INLINE_ORIGIN's name (a <see cref="StringRef.ForOriginId"/> placeholder until assembly).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct InlineRangeRecord
{
    /// <summary><see cref="CallFile"/> value for "no call-site file".</summary>
    public const uint NoFile = uint.MaxValue;

    /// <summary>
    /// Deepest depth stored. A deeper INLINE record is stored at this depth, which no chain
    /// reaches in practice: it would take 65,535 nested inlined calls in one function. (16 bits
    /// keep the record at 32 bytes, half a cache line, with <see cref="ParentDistance"/>.)
    /// </summary>
    public const uint MaxDepth = ushort.MaxValue;

    public ulong Address;
    public uint Size;
    public ushort Depth;

    /// <summary>
    /// How many records before this one (in the function's ranges) is the range of depth
    /// <see cref="Depth"/> − 1 that encloses it in the inline chains that line records are
    /// anchored to; 0 for none. Only meaningful for ranges reached from
    /// <see cref="LineRecord.InnermostInline"/>. (The enclosing range sorts first, being shallower.)
    /// </summary>
    public ushort ParentDistance;
    public uint CallLine;
    public uint CallFile;
    public StringRef OriginName;

    /// <summary>The index of the enclosing range (see <see cref="ParentDistance"/>) given this range's index, or -1.</summary>
    public readonly int ParentOf(int index) => ParentDistance == 0 ? -1 : index - ParentDistance;
}

/// <summary>A <c>PUBLIC</c> record.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct PublicRecord
{
    public ulong Address;
    public uint ParameterSize;
    public StringRef Name;
    public RecordFlags Flags;
}

/// <summary>A <c>FILE</c> record.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct FileRecord : IIdentified
{
    public uint Id { readonly get; set; }
    public StringRef Name;
}

/// <summary>
/// An <c>INLINE_ORIGIN</c> record. While parsing, <see cref="Name"/> is everything after the
/// id; <see cref="OldFileId"/>/<see cref="OldNameSkip"/> describe the old three-field reading
/// (<c>&lt;id&gt; &lt;file&gt; &lt;name&gt;</c>), applied once the file's INLINE syntax is known.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct OriginRecord : IIdentified
{
    public uint Id { readonly get; set; }
    public StringRef Name;
    public uint OldFileId;
    public uint OldNameSkip;
}

/// <summary>
/// A <c>STACK CFI INIT</c> record. Its rule text and the text of its delta rows are stored
/// consecutively in one byte segment, separated by <c>'\n'</c> and sorted by delta address, so
/// that the rules in force at an address are one contiguous slice.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct CfiInitRecord
{
    public ulong Address;
    public uint Size;
    public StringRef Rules;
    public int FirstDelta;
    public int DeltaCount;

    public readonly ulong End => Address + Size;
}

/// <summary>A <c>STACK CFI</c> delta row: its address and where its text ends in its INIT's byte segment.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct CfiDeltaRecord
{
    public ulong Address;
    public uint RulesEnd;
}

/// <summary>A <c>STACK WIN</c> record.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct StackWinRecord
{
    public ulong Address;
    public uint Size;
    public uint PrologueSize;
    public uint EpilogueSize;
    public uint ParameterSize;
    public uint SavedRegisterSize;
    public uint LocalSize;
    public uint MaxStackSize;
    public StringRef ProgramString;
    public byte Type;
    public byte HasProgramString;
    public byte AllocatesBasePointer;
    public byte Reserved;

    public readonly ulong End => Address + Size;
}
