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
/// A <c>FUNC</c> record and the slices of its line entries (<see cref="LineRecord"/>) and inline
/// ranges, both in segment <see cref="Segment"/>.
/// </summary>
/// <remarks>
/// Padded from 60 to 64 bytes: a lookup reads one function record at random, and in a table of
/// 56-byte records (64-byte aligned) three in four would straddle two cache lines.
/// </remarks>
[StructLayout(LayoutKind.Sequential, Pack = 4, Size = 64)]
internal struct FunctionRecord
{
    public ulong Address;
    public uint Size;
    public uint ParameterSize;
    public StringRef Name;

    /// <summary>The first of the function's line entries in its segment.</summary>
    public int FirstLine;

    /// <summary>How many line entries the function has (while parsing: line records).</summary>
    public int LineCount;

    /// <summary>The first of the function's inline ranges in its segment, sorted by (depth, address).</summary>
    public int FirstInline;

    /// <summary>How many inline ranges the function has.</summary>
    public int InlineCount;
    public int InlineRecordCount;
    public RecordFlags Flags;
    public int Segment;

    /// <summary>How deep the function's inline chains can go: a walk up a chain's parents takes at most this many steps.</summary>
    public int InlineDepthLimit;

    /// <summary>How many copies of its ranges the function's chains need (see <see cref="InlineRangeRecord.Parent"/>): they follow its ranges.</summary>
    public int InlineCopyCount;

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
/// A line entry: a piece of a function over which both the line record covering it (if any) and
/// the chain of inlined calls (if any) stay the same. While parsing it is a line record as
/// written (<c>&lt;address&gt; &lt;size&gt; &lt;line&gt; &lt;file id&gt;</c>); the assembler splits
/// each function's line records where its inline chain changes and adds entries for inlined code
/// no line record covers (see <c>Parsing.InlineChainLinker</c>), so that a lookup reads the
/// chain from the one entry it finds.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct LineRecord
{
    /// <summary><see cref="Chain"/> bit: no line record covers the entry (only inlined code does).</summary>
    public const uint NoLineFlag = 1u << 31;

    /// <summary><see cref="Chain"/> bit: the entry continues the line record of the entry before it (a range boundary cut the record).</summary>
    public const uint ContinuesLineFlag = 1u << 30;

    /// <summary>The bits of <see cref="Chain"/> that hold the innermost range.</summary>
    public const uint InnermostMask = ContinuesLineFlag - 1;

    public ulong Address;
    public uint Size;
    public uint Line;
    public uint File;

    /// <summary>
    /// <see cref="NoLineFlag"/>, <see cref="ContinuesLineFlag"/>, and in the low 30 bits the
    /// innermost inline range of the chain at every address of the entry, plus one (an index
    /// into the segment's ranges; 0 for no inlined code). The rest of the chain is that range's
    /// <see cref="InlineRangeRecord.Parent"/> links.
    /// </summary>
    public uint Chain;

    /// <summary>True when a line record covers the entry (<see cref="Line"/> and <see cref="File"/> are its).</summary>
    public readonly bool HasLine => (Chain & NoLineFlag) == 0;

    /// <summary>True when the entry continues the line record of the entry before it.</summary>
    public readonly bool ContinuesLine => (Chain & ContinuesLineFlag) != 0;

    /// <summary>The innermost range of the entry's chain (an index into the segment's ranges), or -1.</summary>
    public readonly int Innermost => (int)(Chain & InnermostMask) - 1;
}

/// <summary>
/// One address range of an <c>INLINE</c> record as parsed, before its function is assembled:
/// a record with several ranges is stored as several entries with the same depth, call site and
/// origin. <see cref="OriginName"/> is a <see cref="StringRef.ForOriginId"/> placeholder until
/// assembly. The assembler turns each into an <see cref="InlineRangeRecord"/> in place (the
/// layouts differ only in the third field).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct ParsedInlineRange
{
    public ulong Address;
    public uint Size;
    public uint Depth;
    public uint CallLine;
    public uint CallFile;
    public StringRef OriginName;
}

/// <summary>
/// One address range of an inlined call, as lookups read it: the chain of inlined calls at an
/// address is its innermost range (named by the line entry) and that range's parents.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct InlineRangeRecord
{
    /// <summary><see cref="CallFile"/> value for "no call-site file".</summary>
    public const uint NoFile = uint.MaxValue;

    /// <summary><see cref="Parent"/> value: the range is at depth 0 (or no chain reaches it).</summary>
    public const int NoParent = -1;

    /// <summary>
    /// Deepest INLINE depth a chain can reach: deeper records are kept but never reached (it
    /// would take this many nested inlined calls in one function). It bounds every walk up a
    /// chain, in a corrupt saved index too.
    /// </summary>
    public const int MaxDepth = ushort.MaxValue;

    public ulong Address;
    public uint Size;

    /// <summary>
    /// The range one depth up in every chain this range is part of, as an index into the
    /// segment's ranges, or <see cref="NoParent"/>. Where a badly nested file gives a range
    /// different enclosing ranges at different addresses, the assembler adds a copy of the range
    /// per enclosing range (after the function's own ranges), so that each copy has one parent.
    /// </summary>
    public int Parent;
    public uint CallLine;
    public uint CallFile;
    public StringRef OriginName;
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
