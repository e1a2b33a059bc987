using System.Runtime.CompilerServices;
using System.Text;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// Parses the lines of one contiguous chunk of a <c>.sym</c> file into native record tables.
/// A file is parsed as one chunk, or, for speed, as several chunks on several threads that
/// <see cref="SymbolIndexAssembler"/> joins in file order.
/// </summary>
/// <remarks>
/// A chunk other than the first may begin in the middle of a FUNC or STACK CFI INIT block. Its
/// leading line records, INLINE records and STACK CFI rows are stored like any others and
/// counted as a "continuation"; the assembler attaches them to the block the previous chunk
/// left open, or reports them as orphans when it left none open. Because every table is
/// appended in file order, the continuation's records follow the open block's records directly
/// once the chunks' tables are concatenated.
/// </remarks>
internal sealed class SymbolTableBuilder : IDisposable
{
    /// <summary>Marks the call-site file of an old-syntax INLINE: the file of its INLINE_ORIGIN, resolved at assembly.</summary>
    internal const uint CallFileFromOrigin = uint.MaxValue - 1;

    /// <summary>Fields after the three leading decimals of an INLINE record that the fast path buffers (31 ranges).</summary>
    private const int MaxInlineFields = 63;

    private const int NoBlock = -1;
    private const int ContinuationBlock = -2;

    private readonly SymbolParseOptions _options;
    private readonly bool _isFirstChunk;
    private readonly int _segment;
    private bool _sawRecord;
    private int _currentFunction;
    private int _currentCfi;

    public NativeBuffer<FunctionRecord> Functions;
    public NativeBuffer<LineRecord> Lines;
    public NativeBuffer<ParsedInlineRange> InlineRanges;
    public NativeBuffer<PublicRecord> Publics;
    public NativeBuffer<FileRecord> Files;
    public NativeBuffer<OriginRecord> Origins;
    public NativeBuffer<CfiInitRecord> CfiInits;
    public NativeBuffer<CfiDeltaRecord> CfiDeltas;
    public NativeBuffer<StackWinRecord> StackWin;

    /// <summary>Names, CFI rules and STACK WIN programs, as UTF-8.</summary>
    public NativeBuffer<byte> Strings;

    /// <param name="options">Parse options.</param>
    /// <param name="segment">The chunk's index: the segment its lines, inline ranges and strings become.</param>
    public SymbolTableBuilder(SymbolParseOptions options, int segment)
    {
        _options = options;
        _segment = segment;
        _isFirstChunk = segment == 0;
        _currentFunction = _isFirstChunk ? NoBlock : ContinuationBlock;
        _currentCfi = _isFirstChunk ? NoBlock : ContinuationBlock;
    }

    public SymbolModule? Module { get; private set; }

    public string? CodeId { get; private set; }

    public string? CodeFile { get; private set; }

    public string? Generator { get; private set; }

    public string? Url { get; private set; }

    public List<KeyValuePair<string, string>>? ExtraInfo { get; private set; }

    public bool SawOldInlineSyntax { get; private set; }

    public bool SawNewInlineSyntax { get; private set; }

    /// <summary>Lines seen, blank and skipped lines included.</summary>
    public long LineCount { get; private set; }

    public long SkippedLines { get; private set; }

    /// <summary>Lines that parsed as a Breakpad record.</summary>
    public long RecordLines { get; private set; }

    public long OversizedLines { get; private set; }

    public int InlineRecordsInContinuation { get; private set; }

    /// <summary>Line numbers here are chunk-local until the assembler rebases them.</summary>
    public List<SymbolFileDiagnostic> Diagnostics { get; } = [];

    /// <summary>In strict mode, the first bad line (chunk-local line number); parsing stopped there.</summary>
    public SymbolFileDiagnostic? StrictFailure { get; private set; }

    /// <summary>Line records, INLINE ranges and CFI rows at the start of the chunk that belong to a block begun earlier.</summary>
    public int ContinuationLines { get; private set; }

    public int ContinuationInlineRanges { get; private set; }

    public int ContinuationCfiRows { get; private set; }

    /// <summary>Where the continuation lines were, for reporting them if no block is open before the chunk.</summary>
    public List<SymbolFileDiagnostic> ContinuationPositions { get; } = [];

    /// <summary>The chunk ends inside a FUNC block (its own, or the continued one).</summary>
    public bool EndsInFunctionBlock => _currentFunction != NoBlock;

    public bool EndsInContinuedFunctionBlock => _currentFunction == ContinuationBlock;

    public bool EndsInCfiBlock => _currentCfi != NoBlock;

    public bool EndsInContinuedCfiBlock => _currentCfi == ContinuationBlock;

    /// <summary>
    /// Parses one line (without its <c>'\n'</c>; trailing <c>'\r'</c>s are ignored). Returns false
    /// when parsing must stop: a bad line in strict mode.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Accept(ReadOnlySpan<byte> line, long byteOffset)
    {
        if (line.Length > _options.MaxLineLength)
        {
            SkipOversizedLine(line, byteOffset);
            return true;
        }

        LineCount++;
        var length = line.Length;
        while (length > 0 && line[length - 1] == (byte)'\r')
        {
            length--;
        }

        if (length == 0)
        {
            return true;
        }

        var problem = ParseRecord(line[..length], byteOffset);
        _sawRecord = true;
        if (problem is null)
        {
            RecordLines++;
            return true;
        }

        return Skip(problem.Value, byteOffset);
    }

    /// <summary>
    /// Counts a line longer than the limit, of which only <paramref name="head"/> is known. A
    /// skipped record keyword ends the open block, so that the lines after a lost FUNC header are
    /// reported as orphans instead of being attached to the previous function.
    /// </summary>
    public void SkipOversizedLine(ReadOnlySpan<byte> head, long byteOffset)
    {
        LineCount++;
        OversizedLines++;
        if (head.Length > 0 && !IsFunctionSubLine(head))
        {
            EndFunctionBlock();
        }

        if (!head.StartsWith("STACK CFI "u8) || head.StartsWith("STACK CFI INIT "u8))
        {
            _currentCfi = NoBlock;
        }

        _sawRecord = true;
        SkippedLines++;
        AddDiagnostic(new SymbolFileDiagnostic(LineCount, byteOffset, SymbolFileDiagnosticKind.LineTooLong));
    }

    public void Dispose()
    {
        Functions.Dispose();
        Lines.Dispose();
        InlineRanges.Dispose();
        Publics.Dispose();
        Files.Dispose();
        Origins.Dispose();
        CfiInits.Dispose();
        CfiDeltas.Dispose();
        StackWin.Dispose();
        Strings.Dispose();
    }

    private static bool IsFunctionSubLine(ReadOnlySpan<byte> head) =>
        head.StartsWith("INLINE "u8) || head.StartsWith("INLINE_ORIGIN "u8) ||
        (FieldReader.HexTable[head[0]] != 0xFF && !head.StartsWith("FUNC "u8) && !head.StartsWith("FILE "u8));

    private bool Skip(SymbolFileDiagnosticKind kind, long byteOffset)
    {
        SkippedLines++;
        var diagnostic = new SymbolFileDiagnostic(LineCount, byteOffset, kind);
        AddDiagnostic(diagnostic);
        if (_options.Strict)
        {
            StrictFailure = diagnostic;
            return false;
        }

        return true;
    }

    private void AddDiagnostic(SymbolFileDiagnostic diagnostic)
    {
        if (Diagnostics.Count < _options.MaxDiagnostics)
        {
            Diagnostics.Add(diagnostic);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SymbolFileDiagnosticKind? ParseRecord(ReadOnlySpan<byte> line, long byteOffset)
    {
        switch (line[0])
        {
            case (byte)'F':
                if (line.StartsWith("FUNC "u8))
                {
                    return ParseFunction(line);
                }

                if (line.StartsWith("FILE "u8))
                {
                    return ParseFile(line);
                }

                return ParseLineRecord(line, byteOffset);

            case (byte)'I':
                if (line.StartsWith("INLINE "u8))
                {
                    return ParseInline(line, byteOffset);
                }

                if (line.StartsWith("INLINE_ORIGIN "u8))
                {
                    return ParseInlineOrigin(line);
                }

                if (line.StartsWith("INFO "u8))
                {
                    return ParseInfo(line);
                }

                break;

            case (byte)'M':
                if (line.StartsWith("MODULE "u8))
                {
                    return ParseModule(line);
                }

                break;

            case (byte)'P':
                if (line.StartsWith("PUBLIC "u8))
                {
                    return ParsePublic(line);
                }

                break;

            case (byte)'S':
                if (line.StartsWith("STACK CFI INIT "u8))
                {
                    return ParseCfiInit(line);
                }

                if (line.StartsWith("STACK CFI "u8))
                {
                    return ParseCfiRow(line, byteOffset);
                }

                if (line.StartsWith("STACK WIN "u8))
                {
                    return ParseStackWin(line);
                }

                break;

            default:
                if (FieldReader.HexTable[line[0]] != 0xFF)
                {
                    return ParseLineRecord(line, byteOffset);
                }

                break;
        }

        // Junk is skipped without ending the open block (as Breakpad does), so one damaged line
        // between line records loses that line, not the rest of the function.
        return SymbolFileDiagnosticKind.UnknownRecord;
    }

    private void EndFunctionBlock() => _currentFunction = NoBlock;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SymbolFileDiagnosticKind? ParseFunction(ReadOnlySpan<byte> line)
    {
        EndFunctionBlock();
        _currentCfi = NoBlock;
        var reader = new FieldReader(line, 5);
        var flags = reader.TryReadToken("m"u8) ? RecordFlags.Multiple : RecordFlags.None;
        if (!reader.TryReadHex64(out var address) ||
            !reader.TryReadHex32(out var size) ||
            !reader.TryReadHex32(out var parameterSize) ||
            !HasSeparatorBeforeRest(line, reader))
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        Functions.Add(new FunctionRecord
        {
            Address = address,
            Size = size,
            ParameterSize = parameterSize,
            Name = AddString(reader.Rest),
            FirstLine = Lines.Count,
            FirstInline = InlineRanges.Count,
            Flags = flags,
            Segment = _segment,
        });
        _currentFunction = Functions.Count - 1;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SymbolFileDiagnosticKind? ParseLineRecord(ReadOnlySpan<byte> line, long byteOffset)
    {
        _currentCfi = NoBlock;
        if (_currentFunction == NoBlock)
        {
            return SymbolFileDiagnosticKind.OrphanFunctionLine;
        }

        var reader = new FieldReader(line);
        if (!reader.TryReadHex64(out var address) ||
            !reader.TryReadHex32(out var size) ||
            !reader.TryReadDecimal32(out var lineNumber) ||
            !reader.TryReadDecimal32(out var file) ||
            !reader.AtEnd)
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        Lines.Add(new LineRecord { Address = address, Size = size, Line = lineNumber, File = file });
        if (_currentFunction == ContinuationBlock)
        {
            ContinuationLines++;
            NoteContinuation(byteOffset, SymbolFileDiagnosticKind.OrphanFunctionLine);
        }
        else
        {
            Functions[_currentFunction].LineCount++;
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SymbolFileDiagnosticKind? ParseInline(ReadOnlySpan<byte> line, long byteOffset)
    {
        _currentCfi = NoBlock;
        if (_currentFunction == NoBlock)
        {
            return SymbolFileDiagnosticKind.OrphanFunctionLine;
        }

        // Breakpad tells the syntaxes apart by the number of fields after the keyword:
        // old  = depth call_line origin (addr size)+            -> 3 + 2k
        // new  = depth call_line call_file origin (addr size)+  -> 4 + 2k
        // The three leading decimals are common; the rest is read once as hex into a small
        // buffer, and its parity says which syntax it was (in the current one, its first field
        // is the decimal origin, read again as such).
        var reader = new FieldReader(line, 7);
        if (!reader.TryReadDecimal32(out var depth) ||
            !reader.TryReadDecimal32(out var callLine) ||
            !reader.TryReadDecimal32(out var third))
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        var restStart = reader.Position;
        Span<ulong> fields = stackalloc ulong[MaxInlineFields];
        var count = 0;
        while (!reader.AtEnd)
        {
            if (count == MaxInlineFields)
            {
                return ParseLongInline(line, restStart, depth, callLine, third, byteOffset);
            }

            if (!reader.TryReadHex64(out fields[count++]))
            {
                return SymbolFileDiagnosticKind.MalformedRecord;
            }
        }

        var oldSyntax = count % 2 == 0;
        uint callFile = CallFileFromOrigin;
        uint origin = third;
        var pairs = fields[..count];
        if (!oldSyntax)
        {
            var originReader = new FieldReader(line, restStart);
            if (!originReader.TryReadDecimal32(out origin))
            {
                return SymbolFileDiagnosticKind.MalformedRecord;
            }

            callFile = third;
            pairs = pairs[1..];
        }

        if (pairs.IsEmpty)
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        for (var i = 1; i < pairs.Length; i += 2)
        {
            if (pairs[i] > uint.MaxValue)
            {
                return SymbolFileDiagnosticKind.MalformedRecord;
            }
        }

        var firstRange = InlineRanges.Count;
        InlineRanges.EnsureCapacity(firstRange + (pairs.Length / 2));
        for (var i = 0; i < pairs.Length; i += 2)
        {
            AddInlineRange(pairs[i], (uint)pairs[i + 1], depth, callLine, callFile, origin);
        }

        return FinishInline(oldSyntax, firstRange, byteOffset);
    }

    /// <summary>An INLINE record with more ranges than the fast path buffers: counted first, then read.</summary>
    private SymbolFileDiagnosticKind? ParseLongInline(ReadOnlySpan<byte> line, int restStart, uint depth, uint callLine, uint third, long byteOffset)
    {
        var rest = CountFields(line[restStart..]);
        var oldSyntax = rest % 2 == 0;
        var reader = new FieldReader(line, restStart);
        uint callFile = CallFileFromOrigin;
        var origin = third;
        if (!oldSyntax)
        {
            callFile = third;
            if (!reader.TryReadDecimal32(out origin))
            {
                return SymbolFileDiagnosticKind.MalformedRecord;
            }
        }

        var firstRange = InlineRanges.Count;
        while (!reader.AtEnd)
        {
            if (!reader.TryReadHex64(out var address) || !reader.TryReadHex32(out var size))
            {
                InlineRanges.Truncate(firstRange);
                return SymbolFileDiagnosticKind.MalformedRecord;
            }

            AddInlineRange(address, size, depth, callLine, callFile, origin);
        }

        return FinishInline(oldSyntax, firstRange, byteOffset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddInlineRange(ulong address, uint size, uint depth, uint callLine, uint callFile, uint origin) =>
        InlineRanges.Add(new ParsedInlineRange
        {
            Address = address,
            Size = size,
            Depth = depth,
            CallLine = callLine,
            CallFile = callFile,
            OriginName = StringRef.ForOriginId(origin),
        });

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SymbolFileDiagnosticKind? FinishInline(bool oldSyntax, int firstRange, long byteOffset)
    {
        if (oldSyntax)
        {
            SawOldInlineSyntax = true;
        }
        else
        {
            SawNewInlineSyntax = true;
        }

        var ranges = InlineRanges.Count - firstRange;
        if (_currentFunction == ContinuationBlock)
        {
            ContinuationInlineRanges += ranges;
            InlineRecordsInContinuation++;
            NoteContinuation(byteOffset, SymbolFileDiagnosticKind.OrphanFunctionLine);
        }
        else
        {
            ref var function = ref Functions[_currentFunction];
            function.InlineCount += ranges;
            function.InlineRecordCount++;
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SymbolFileDiagnosticKind? ParseInlineOrigin(ReadOnlySpan<byte> line)
    {
        // INLINE_ORIGIN may appear inside a FUNC block: it does not end it.
        _currentCfi = NoBlock;
        var reader = new FieldReader(line, 14);
        if (!reader.TryReadDecimal32(out var id) || !HasSeparatorBeforeRest(line, reader))
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        var rest = reader.Rest;
        var oldReading = new FieldReader(rest);
        var record = new OriginRecord { Id = id, Name = AddString(rest), OldFileId = InlineRangeRecord.NoFile };
        if (oldReading.TryReadDecimal32(out var fileId) && HasSeparatorBeforeRest(rest, oldReading))
        {
            record.OldFileId = fileId;
            record.OldNameSkip = (uint)oldReading.Position;
        }

        Origins.Add(record);
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SymbolFileDiagnosticKind? ParseFile(ReadOnlySpan<byte> line)
    {
        EndFunctionBlock();
        _currentCfi = NoBlock;
        var reader = new FieldReader(line, 5);
        if (!reader.TryReadDecimal32(out var id) || !HasSeparatorBeforeRest(line, reader))
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        Files.Add(new FileRecord { Id = id, Name = AddString(reader.Rest) });
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SymbolFileDiagnosticKind? ParsePublic(ReadOnlySpan<byte> line)
    {
        EndFunctionBlock();
        _currentCfi = NoBlock;
        var reader = new FieldReader(line, 7);
        var flags = reader.TryReadToken("m"u8) ? RecordFlags.Multiple : RecordFlags.None;
        if (!reader.TryReadHex64(out var address) ||
            !reader.TryReadHex32(out var parameterSize) ||
            !HasSeparatorBeforeRest(line, reader))
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        Publics.Add(new PublicRecord
        {
            Address = address,
            ParameterSize = parameterSize,
            Name = AddString(reader.Rest),
            Flags = flags,
        });
        return null;
    }

    private SymbolFileDiagnosticKind? ParseModule(ReadOnlySpan<byte> line)
    {
        EndFunctionBlock();
        _currentCfi = NoBlock;
        if (!_isFirstChunk || _sawRecord)
        {
            return SymbolFileDiagnosticKind.MisplacedModule;
        }

        var reader = new FieldReader(line, 7);
        if (!reader.TryReadWord(out var os) ||
            !reader.TryReadWord(out var architecture) ||
            !reader.TryReadWord(out var id) ||
            !HasSeparatorBeforeRest(line, reader))
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        foreach (var b in id)
        {
            if (FieldReader.HexTable[b] == 0xFF)
            {
                return SymbolFileDiagnosticKind.MalformedRecord;
            }
        }

        Module = new SymbolModule(Decode(os), Decode(architecture), Decode(id), Decode(reader.Rest));
        return null;
    }

    private SymbolFileDiagnosticKind? ParseInfo(ReadOnlySpan<byte> line)
    {
        EndFunctionBlock();
        _currentCfi = NoBlock;
        var reader = new FieldReader(line, 5);
        if (!reader.TryReadWord(out var key))
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        if (key.SequenceEqual("CODE_ID"u8))
        {
            // INFO CODE_ID <code id> [<code file>]
            if (!reader.TryReadWord(out var codeId))
            {
                return SymbolFileDiagnosticKind.MalformedRecord;
            }

            CodeId = Decode(codeId);
            CodeFile = reader.AtEnd ? null : Decode(reader.Rest);
        }
        else if (key.SequenceEqual("GENERATOR"u8))
        {
            Generator = Decode(reader.Rest);
        }
        else if (key.SequenceEqual("URL"u8))
        {
            Url = Decode(reader.Rest);
        }
        else
        {
            (ExtraInfo ??= []).Add(new(Decode(key), Decode(reader.Rest)));
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SymbolFileDiagnosticKind? ParseCfiInit(ReadOnlySpan<byte> line)
    {
        EndFunctionBlock();
        _currentCfi = NoBlock;
        var reader = new FieldReader(line, 15);
        if (!reader.TryReadHex64(out var address) ||
            !reader.TryReadHex32(out var size) ||
            reader.AtEnd)
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        CfiInits.Add(new CfiInitRecord
        {
            Address = address,
            Size = size,
            Rules = AddString(reader.Rest),
            FirstDelta = CfiDeltas.Count,
        });
        _currentCfi = CfiInits.Count - 1;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SymbolFileDiagnosticKind? ParseCfiRow(ReadOnlySpan<byte> line, long byteOffset)
    {
        EndFunctionBlock();
        if (_currentCfi == NoBlock)
        {
            return SymbolFileDiagnosticKind.OrphanCfiRow;
        }

        var reader = new FieldReader(line, 10);
        if (!reader.TryReadHex64(out var address) || reader.AtEnd)
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        // The row's text directly follows its INIT's text (or the previous row's) in the string
        // table: nothing else is appended while a CFI block is open.
        Strings.Add((byte)'\n');
        Strings.AddRange(reader.Rest);
        CfiDeltas.Add(new CfiDeltaRecord { Address = address, RulesEnd = (uint)Strings.Count });
        if (_currentCfi == ContinuationBlock)
        {
            ContinuationCfiRows++;
            NoteContinuation(byteOffset, SymbolFileDiagnosticKind.OrphanCfiRow);
        }
        else
        {
            CfiInits[_currentCfi].DeltaCount++;
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SymbolFileDiagnosticKind? ParseStackWin(ReadOnlySpan<byte> line)
    {
        EndFunctionBlock();
        _currentCfi = NoBlock;
        var reader = new FieldReader(line, 10);
        var typeField = reader.Rest;
        if (typeField.Length < 2 || FieldReader.HexTable[typeField[0]] == 0xFF || !FieldReader.IsSpace(typeField[1]))
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        if (!reader.TryReadHex32(out var type) ||
            !reader.TryReadHex64(out var address) ||
            !reader.TryReadHex32(out var size) ||
            !reader.TryReadHex32(out var prologue) ||
            !reader.TryReadHex32(out var epilogue) ||
            !reader.TryReadHex32(out var parameters) ||
            !reader.TryReadHex32(out var savedRegisters) ||
            !reader.TryReadHex32(out var locals) ||
            !reader.TryReadHex32(out var maxStack) ||
            !reader.TryReadHex32(out var hasProgram))
        {
            return SymbolFileDiagnosticKind.MalformedRecord;
        }

        var record = new StackWinRecord
        {
            Address = address,
            Size = size,
            PrologueSize = prologue,
            EpilogueSize = epilogue,
            ParameterSize = parameters,
            SavedRegisterSize = savedRegisters,
            LocalSize = locals,
            MaxStackSize = maxStack,
            Type = (byte)type,
            HasProgramString = hasProgram != 0 ? (byte)1 : (byte)0,
        };

        if (hasProgram != 0)
        {
            if (!HasSeparatorBeforeRest(line, reader))
            {
                return SymbolFileDiagnosticKind.MalformedRecord;
            }

            record.ProgramString = AddString(reader.Rest);
        }
        else
        {
            if (!reader.TryReadHex32(out var allocatesBasePointer) || !reader.AtEnd)
            {
                return SymbolFileDiagnosticKind.MalformedRecord;
            }

            record.AllocatesBasePointer = allocatesBasePointer != 0 ? (byte)1 : (byte)0;
        }

        StackWin.Add(record);
        return null;
    }

    private void NoteContinuation(long byteOffset, SymbolFileDiagnosticKind kindIfOrphan)
    {
        // One more than the diagnostics cap, so that strict mode can always name the first one.
        if (ContinuationPositions.Count <= _options.MaxDiagnostics)
        {
            ContinuationPositions.Add(new SymbolFileDiagnostic(LineCount, byteOffset, kindIfOrphan));
        }
    }

    /// <summary>
    /// A free-text tail (name, program) must be separated from the last number by a space; a line
    /// that ends right after the number has no tail at all and is malformed.
    /// </summary>
    private static bool HasSeparatorBeforeRest(ReadOnlySpan<byte> line, FieldReader reader) =>
        reader.Position > 0 && reader.Position <= line.Length && FieldReader.IsSpace(line[reader.Position - 1]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CountFields(ReadOnlySpan<byte> text)
    {
        var count = 0;
        var inField = false;
        foreach (var b in text)
        {
            var space = FieldReader.IsSpace(b);
            if (!space && !inField)
            {
                count++;
            }

            inField = !space;
        }

        return count;
    }

    private StringRef AddString(ReadOnlySpan<byte> text)
    {
        var offset = Strings.Count;
        Strings.AddRange(text);
        return new StringRef(_segment, (uint)offset, (uint)text.Length, Ascii.IsValid(text));
    }

    private static string Decode(ReadOnlySpan<byte> text) => Encoding.UTF8.GetString(text);
}
