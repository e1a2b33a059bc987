using System.Diagnostics;

namespace Obs.Benchmarks.SymbolFiles;

/// <summary>What <see cref="SymbolFileGenerator.Generate(Stream)"/> wrote.</summary>
/// <param name="Counts">Record counts and total bytes.</param>
/// <param name="LineBytes">Per record kind (<c>FUNC</c>, <c>INLINE</c>, …): lines written and their bytes, newlines included.</param>
/// <param name="InlineRanges">Address ranges over all INLINE records.</param>
/// <param name="InlinesByDepth">INLINE records per nesting depth (index = depth).</param>
/// <param name="Elapsed">Wall time of the generation.</param>
public sealed record SymbolFileGenerationResult(
    SymbolFileCounts Counts,
    IReadOnlyList<(string Record, long Lines, long Bytes)> LineBytes,
    long InlineRanges,
    IReadOnlyList<long> InlinesByDepth,
    TimeSpan Elapsed);

/// <summary>
/// Writes a large synthetic Breakpad <c>.sym</c> file with the record mix of
/// <see cref="SymbolFileMix"/>, scaled to a target size, for benchmarks of the parser and the
/// lookups. The same seed and size always give the same bytes.
/// </summary>
/// <remarks>
/// <para>
/// Records come in dump_syms order: MODULE, INFO CODE_ID, FILE*, INLINE_ORIGIN* (current
/// two-field syntax), then per FUNC its INLINE rows (current syntax, pre-order) and its line
/// rows, then PUBLIC*, then each STACK CFI INIT followed by its delta rows. Addresses start at
/// 0x1000000 so that they have the same width (7 hex digits) at every size.
/// </para>
/// <para>
/// Invariants a parser may rely on: FUNCs are sorted and disjoint; a FUNC's line rows tile its
/// range exactly with sizes above zero; every INLINE has 1–3 disjoint sorted ranges inside one
/// range of its parent (the enclosing INLINE of depth − 1, or the FUNC); PUBLICs lie in gaps
/// between FUNCs; each STACK CFI INIT covers one FUNC and its deltas lie strictly inside it in
/// increasing order; every FILE and INLINE_ORIGIN id referenced exists.
/// </para>
/// <para>
/// The file is streamed through a 1 MiB buffer and nothing per record is kept except the
/// PUBLIC addresses and STACK CFI ranges (3.4 MB at full size): the whole process stays near
/// 40 MB RSS at any size.
/// </para>
/// </remarks>
public sealed class SymbolFileGenerator
{
    /// <summary>Where the first function starts.</summary>
    private const ulong TextStart = 0x100_0000;

    /// <summary>INLINE nesting stops here; real files rarely go past 20.</summary>
    private const int MaxInlineDepth = 24;

    /// <summary>Mean requested length of INLINE_ORIGIN names (the greedy fill overshoots by a few bytes).</summary>
    private const int OriginNameLength = 85;

    /// <summary>Mean requested length of FUNC names.</summary>
    private const int FunctionNameLength = 59;

    /// <summary>Mean requested length of FILE paths.</summary>
    private const int FilePathLength = 82;

    /// <summary>
    /// Line rows per FUNC: 512 equiprobable quantiles of a lognormal (σ = 1.35, fitted to
    /// crash-client.sym) scaled to the mean of the reference file, 32.75 rows per FUNC.
    /// Generated once and checked in so that sampling involves no floating point.
    /// </summary>
    private static ReadOnlySpan<ushort> LinesPerFunction =>
    [
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2,
        2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
        2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3,
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
        3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5,
        5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
        6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 8, 8, 8,
        8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9,
        9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 10, 10, 10,
        10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11,
        11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 12, 12, 12, 12, 12, 12,
        12, 12, 12, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13,
        13, 13, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 15, 15, 15,
        15, 15, 15, 15, 15, 15, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16,
        17, 17, 17, 17, 17, 17, 17, 17, 17, 18, 18, 18, 18, 18, 18, 18,
        18, 19, 19, 19, 19, 19, 19, 19, 19, 20, 20, 20, 20, 20, 20, 20,
        21, 21, 21, 21, 21, 21, 21, 22, 22, 22, 22, 22, 22, 23, 23, 23,
        23, 23, 23, 23, 24, 24, 24, 24, 24, 25, 25, 25, 25, 25, 25, 26,
        26, 26, 26, 26, 27, 27, 27, 27, 27, 28, 28, 28, 28, 29, 29, 29,
        29, 29, 30, 30, 30, 30, 31, 31, 31, 31, 32, 32, 32, 32, 33, 33,
        33, 34, 34, 34, 34, 35, 35, 35, 36, 36, 36, 36, 37, 37, 37, 38,
        38, 38, 39, 39, 40, 40, 40, 41, 41, 41, 42, 42, 43, 43, 43, 44,
        44, 45, 45, 46, 46, 47, 47, 48, 48, 49, 49, 50, 50, 51, 51, 52,
        52, 53, 54, 54, 55, 55, 56, 57, 57, 58, 59, 59, 60, 61, 62, 63,
        63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78,
        80, 81, 82, 83, 85, 86, 88, 89, 91, 93, 95, 96, 98, 100, 102, 104,
        107, 109, 112, 114, 117, 120, 123, 126, 130, 133, 137, 141, 146, 151, 156, 162,
        168, 175, 182, 190, 200, 210, 222, 236, 252, 272, 297, 328, 371, 436, 549, 871,    ];

    private readonly Lazy<SymbolFileCounts> _targets;

    /// <summary>Creates a generator for a file of about <paramref name="targetBytes"/> bytes.</summary>
    /// <param name="targetBytes">The size to aim for (at least 1024 bytes); see <see cref="Targets"/>.</param>
    /// <param name="seed">The seed: the same seed and size give the same bytes.</param>
    public SymbolFileGenerator(long targetBytes, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetBytes, 1024);
        TargetBytes = targetBytes;
        Seed = seed;
        _targets = new Lazy<SymbolFileCounts>(PlanCounts);
    }

    /// <summary>The size aimed for.</summary>
    public long TargetBytes { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// The record counts aimed for: the reference counts at full size; at other sizes the
    /// reference mix scaled so that the file lands near <see cref="TargetBytes"/>.
    /// </summary>
    /// <remarks>
    /// Scaling the counts by size alone would leave small files short (FILE and INLINE_ORIGIN
    /// ids have fewer digits: a 20 MB request gives 18.7 MB), so the first use at a size other
    /// than full measures a dry run into <see cref="Stream.Null"/> and corrects the scale once.
    /// </remarks>
    public SymbolFileCounts Targets => _targets.Value;

    /// <summary>
    /// Parses a size: <c>full</c> (the 749 MB reference size), a byte count, or a number with a
    /// decimal <c>kb</c>/<c>mb</c>/<c>gb</c> suffix (<c>200mb</c> is 200,000,000 bytes).
    /// </summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = 0;
        var value = text.Trim().ToUpperInvariant();
        if (value == "FULL")
        {
            bytes = SymbolFileMix.FullSizeBytes;
            return true;
        }

        long multiplier = 1;
        foreach (var (suffix, factor) in new[] { ("KB", 1_000L), ("MB", 1_000_000L), ("GB", 1_000_000_000L), ("B", 1L) })
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                value = value[..^suffix.Length];
                multiplier = factor;
                break;
            }
        }

        if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            || number <= 0 || number > long.MaxValue / multiplier)
        {
            return false;
        }

        bytes = number * multiplier;
        return true;
    }

    /// <summary>Writes the file to <paramref name="path"/>, replacing it.</summary>
    public SymbolFileGenerationResult Generate(string path)
    {
        // Unbuffered: the writer already hands over 1 MiB blocks.
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        return Generate(file);
    }

    /// <summary>Writes the file to <paramref name="output"/> (which is not disposed).</summary>
    public SymbolFileGenerationResult Generate(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var stopwatch = Stopwatch.StartNew();
        var run = new Run(output, Targets, Seed);
        run.WriteAll();
        return run.Result(stopwatch.Elapsed);
    }

    private SymbolFileCounts PlanCounts()
    {
        var counts = SymbolFileMix.Scaled(TargetBytes);
        if (TargetBytes == SymbolFileMix.FullSizeBytes)
        {
            return counts;
        }

        var probe = new Run(Stream.Null, counts, Seed);
        probe.WriteAll();
        var corrected = (long)Math.Round((double)TargetBytes * TargetBytes / probe.Position);
        return SymbolFileMix.Scaled(corrected) with { Bytes = TargetBytes };
    }

    /// <summary>The state of one generation; a generator can be used again and from several threads.</summary>
    private sealed class Run
    {
        private static readonly string[] KindNames =
            ["MODULE", "INFO", "FILE", "INLINE_ORIGIN", "FUNC", "INLINE", "LINE", "PUBLIC", "STACK CFI INIT", "STACK CFI"];

        private static readonly byte[][] CalleeSaved = ["rbp"u8.ToArray(), "rbx"u8.ToArray(), "r12"u8.ToArray(), "r13"u8.ToArray(), "r14"u8.ToArray(), "r15"u8.ToArray()];

        private readonly AsciiLineWriter _out;
        private readonly SymbolFileCounts _targets;
        private readonly byte[] _name = new byte[1024];
        private readonly ulong[] _rowStart = new ulong[ushort.MaxValue + 1];
        private readonly long[] _lines = new long[KindNames.Length];
        private readonly long[] _bytes = new long[KindNames.Length];
        private readonly long[] _inlinesByDepth = new long[MaxInlineDepth];
        private readonly ulong _inlineRatioQ32;
        private readonly int[] _rowCountOrder = [.. Enumerable.Range(0, LinesPerFunction.Length)];
        private int _rowCountCursor = LinesPerFunction.Length;
        private Xoshiro256StarStar _rng;
        private long _lineStart;
        private long _multipleFunctions;
        private long _inlineRanges;

        public Run(Stream output, SymbolFileCounts targets, ulong seed)
        {
            _out = new AsciiLineWriter(output);
            _targets = targets;
            _rng = new Xoshiro256StarStar(seed);
            // INLINE records are budgeted per FUNC in proportion to its line rows (crash-client's
            // counts correlate at 0.96); the depth limit drops a negligible part of the budget.
            var ratio = (double)SymbolFileMix.FullSize.Inlines / SymbolFileMix.FullSize.Lines;
            _inlineRatioQ32 = (ulong)Math.Round(ratio * (1UL << 32));
        }

        private enum Kind
        {
            Module,
            Info,
            File,
            InlineOrigin,
            Function,
            Inline,
            Line,
            Public,
            CfiInit,
            CfiDelta,
        }

        /// <summary>Bytes written so far.</summary>
        public long Position => _out.Position;

        public void WriteAll()
        {
            Begin();
            _out.Write(System.Text.Encoding.ASCII.GetBytes(SymbolFileMix.ModuleLine));
            End(Kind.Module);

            // The ELF build id whose first 16 bytes, byte-swapped as a GUID, are the MODULE id.
            Begin();
            _out.Write("INFO CODE_ID F1C3BCC0279865FE3058404B2831D9E6A8E1D7B3"u8);
            End(Kind.Info);

            for (var id = 0L; id < _targets.Files; id++)
            {
                Begin();
                _out.Write("FILE "u8);
                _out.WriteDecimal((ulong)id);
                _out.Space();
                var length = SymbolNameGenerator.SourcePath(ref _rng, Around(FilePathLength), _name);
                _out.Write(_name.AsSpan(0, length));
                End(Kind.File);
            }

            for (var id = 0L; id < _targets.InlineOrigins; id++)
            {
                Begin();
                _out.Write("INLINE_ORIGIN "u8);
                _out.WriteDecimal((ulong)id);
                _out.Space();
                var length = SymbolNameGenerator.FunctionName(ref _rng, Around(OriginNameLength), _name);
                _out.Write(_name.AsSpan(0, length));
                End(Kind.InlineOrigin);
            }

            var publics = new ulong[_targets.Publics];
            var cfiStarts = new ulong[_targets.CfiInits];
            var cfiSizes = new ulong[_targets.CfiInits];
            WriteFunctions(publics, cfiStarts, cfiSizes);

            foreach (var address in publics)
            {
                Begin();
                _out.Write("PUBLIC "u8);
                _out.WriteHex(address);
                _out.Write(" 0 "u8);
                var length = SymbolNameGenerator.PublicName(ref _rng, _name);
                _out.Write(_name.AsSpan(0, length));
                End(Kind.Public);
            }

            WriteCfi(cfiStarts, cfiSizes);
            _out.Flush();
        }

        public SymbolFileGenerationResult Result(TimeSpan elapsed)
        {
            var counts = new SymbolFileCounts(
                Bytes: _out.Position,
                Files: _lines[(int)Kind.File],
                InlineOrigins: _lines[(int)Kind.InlineOrigin],
                Functions: _lines[(int)Kind.Function],
                MultipleFunctions: _multipleFunctions,
                Lines: _lines[(int)Kind.Line],
                Inlines: _lines[(int)Kind.Inline],
                Publics: _lines[(int)Kind.Public],
                CfiInits: _lines[(int)Kind.CfiInit],
                CfiDeltas: _lines[(int)Kind.CfiDelta]);
            var lineBytes = new List<(string, long, long)>();
            for (var i = 0; i < KindNames.Length; i++)
            {
                lineBytes.Add((KindNames[i], _lines[i], _bytes[i]));
            }

            var depths = _inlinesByDepth.ToList();
            while (depths.Count > 0 && depths[^1] == 0)
            {
                depths.RemoveAt(depths.Count - 1);
            }

            return new SymbolFileGenerationResult(counts, lineBytes, _inlineRanges, depths, elapsed);
        }

        private void WriteFunctions(ulong[] publics, ulong[] cfiStarts, ulong[] cfiSizes)
        {
            var functions = _targets.Functions;
            long multipleLeft = _targets.MultipleFunctions, publicsLeft = publics.Length, cfiLeft = cfiStarts.Length;
            var address = TextStart;
            for (var f = 0L; f < functions; f++)
            {
                // Selection sampling: exactly the target number of PUBLICs, `m` flags and CFI
                // records, spread uniformly over the functions.
                var functionsLeft = functions - f;
                if (_rng.Chance(publicsLeft, functionsLeft))
                {
                    // A symbol without debug info (assembly, a stub) sits in a gap between FUNCs.
                    publics[publics.Length - publicsLeft--] = address;
                    address += 16 * (ulong)_rng.Next(1, 16);
                }

                if (_rng.Chance(1, 4))
                {
                    address += 16 * (ulong)_rng.Next(1, 4);
                }

                var rows = NextRowCount();
                _rowStart[0] = address;
                for (var i = 0; i < rows; i++)
                {
                    _rowStart[i + 1] = _rowStart[i] + LineRowSize();
                }

                var size = _rowStart[rows] - address;
                var multiple = _rng.Chance(multipleLeft, functionsLeft);
                if (multiple)
                {
                    multipleLeft--;
                    _multipleFunctions++;
                }

                Begin();
                _out.Write(multiple ? "FUNC m "u8 : "FUNC "u8);
                _out.WriteHex(address);
                _out.Space();
                _out.WriteHex(size);
                _out.Write(" 0 "u8);
                var nameLength = SymbolNameGenerator.FunctionName(ref _rng, Around(FunctionNameLength), _name);
                _out.Write(_name.AsSpan(0, nameLength));
                End(Kind.Function);

                // Stochastic rounding keeps the expected INLINE count proportional to the rows.
                var budget = (int)((((ulong)rows * _inlineRatioQ32) + (_rng.NextUInt64() >> 32)) >> 32);
                EmitInlines(0, 0, rows, budget);
                WriteLineRows(rows);

                if (_rng.Chance(cfiLeft, functionsLeft))
                {
                    var index = cfiStarts.Length - cfiLeft--;
                    cfiStarts[index] = address;
                    cfiSizes[index] = size;
                }

                address = (_rowStart[rows] + 15) & ~15UL;
            }
        }

        /// <summary>
        /// Line rows for the next FUNC. The quantile table is walked in a fresh random order for
        /// every 512 FUNCs (stratified sampling), so the total lands on the target instead of
        /// drifting with the heavy tail of the distribution.
        /// </summary>
        private int NextRowCount()
        {
            if (_rowCountCursor == _rowCountOrder.Length)
            {
                for (var i = _rowCountOrder.Length - 1; i > 0; i--)
                {
                    var j = _rng.Next(i + 1);
                    (_rowCountOrder[i], _rowCountOrder[j]) = (_rowCountOrder[j], _rowCountOrder[i]);
                }

                _rowCountCursor = 0;
            }

            return LinesPerFunction[_rowCountOrder[_rowCountCursor++]];
        }

        /// <summary>Instruction bytes per line row: median 7, mean about 10.7, like crash-client.sym.</summary>
        private ulong LineRowSize() =>
            (ulong)(1 + _rng.Next(4) + (_rng.Chance(1, 4) ? _rng.Next(40) : _rng.Next(10)));

        private void WriteLineRows(int rows)
        {
            var functionFile = _rng.Next((int)_targets.Files);
            var line = _rng.Next(1, 12000);
            for (var i = 0; i < rows; i++)
            {
                // Mostly the function's own file, walking forward; inlined code shows other files.
                var file = _rng.Chance(3, 4) ? functionFile : _rng.Next((int)_targets.Files);
                line = Math.Max(1, line + (_rng.Chance(1, 8) ? -_rng.Next(30) : _rng.Next(4)));
                Begin();
                _out.WriteHex(_rowStart[i]);
                _out.Space();
                _out.WriteHex(_rowStart[i + 1] - _rowStart[i]);
                _out.Space();
                _out.WriteDecimal((ulong)line);
                _out.Space();
                _out.WriteDecimal((ulong)file);
                End(Kind.Line);
            }
        }

        /// <summary>
        /// Writes up to <paramref name="budget"/> INLINE records nested in the line rows
        /// [<paramref name="first"/>, <paramref name="end"/>) at <paramref name="depth"/>, in
        /// pre-order (each record before the records nested in it, as Breakpad writes them).
        /// </summary>
        /// <returns>The records written.</returns>
        private int EmitInlines(int depth, int first, int end, int budget)
        {
            if (budget <= 0 || depth >= MaxInlineDepth)
            {
                return 0;
            }

            // 1–3 sibling calls share the space; each consumes one record of the budget and the
            // rest is handed down in proportion to the rows each covers.
            var span = end - first;
            var siblings = Math.Min(Math.Min(1 + _rng.Next(3), budget), span);
            var nested = budget - siblings;
            var nestedGiven = 0;
            var written = 0;
            var cursor = first;
            Span<int> bounds = stackalloc int[6];
            for (var s = 0; s < siblings; s++)
            {
                var slotsLeft = siblings - s;
                var available = end - cursor;
                int slot;
                if (slotsLeft == 1)
                {
                    slot = available;
                }
                else
                {
                    var ideal = available / slotsLeft;
                    slot = Math.Clamp((ideal / 2) + _rng.Next(ideal + 1), 1, available - (slotsLeft - 1));
                }

                var slotStart = cursor;
                cursor += slot;
                var ranges = PlaceRanges(slotStart, slot, bounds);
                WriteInline(depth, bounds[..(2 * ranges)]);
                written++;

                var nestedUpTo = (int)((long)nested * (cursor - first) / span);
                var slotBudget = nestedUpTo - nestedGiven;
                nestedGiven = nestedUpTo;

                var covered = 0;
                for (var r = 0; r < ranges; r++)
                {
                    covered += bounds[(2 * r) + 1] - bounds[2 * r];
                }

                var given = 0;
                var accumulated = 0;
                for (var r = 0; r < ranges; r++)
                {
                    var rangeStart = bounds[2 * r];
                    var rangeEnd = bounds[(2 * r) + 1];
                    accumulated += rangeEnd - rangeStart;
                    var upTo = (int)((long)slotBudget * accumulated / covered);
                    written += EmitInlines(depth + 1, rangeStart, rangeEnd, upTo - given);
                    given = upTo;
                }
            }

            return written;
        }

        /// <summary>
        /// Chooses 1–3 disjoint sorted row ranges inside a slot (asked for 45%, 38%, 17% of the
        /// time; small slots allow fewer, since two ranges need a row between them, which brings
        /// the mix near crash-client's) and stores them as start/end pairs.
        /// </summary>
        private int PlaceRanges(int slotStart, int slot, Span<int> bounds)
        {
            var roll = _rng.Next(100);
            var ranges = Math.Min(roll < 45 ? 1 : roll < 83 ? 2 : 3, (slot + 1) / 2);
            if (ranges == 1)
            {
                var start = slotStart;
                var end = slotStart + slot;
                if (slot > 2 && _rng.Chance(1, 3))
                {
                    start++;
                }

                if (end - start > 2 && _rng.Chance(1, 3))
                {
                    end--;
                }

                bounds[0] = start;
                bounds[1] = end;
                return 1;
            }

            var rows = slot - (ranges - 1);
            var position = slotStart;
            for (var r = 0; r < ranges; r++)
            {
                var left = ranges - r;
                var length = left == 1 ? rows : 1 + _rng.Next(rows - left + 1);
                bounds[2 * r] = position;
                bounds[(2 * r) + 1] = position + length;
                position += length + 1;
                rows -= length;
            }

            return ranges;
        }

        private void WriteInline(int depth, ReadOnlySpan<int> bounds)
        {
            Begin();
            _out.Write("INLINE "u8);
            _out.WriteDecimal((ulong)depth);
            _out.Space();
            _out.WriteDecimal((ulong)_rng.Next(1, 10000));
            _out.Space();
            _out.WriteDecimal((ulong)_rng.Next((int)_targets.Files));
            _out.Space();
            _out.WriteDecimal((ulong)_rng.Next((int)_targets.InlineOrigins));
            for (var i = 0; i < bounds.Length; i += 2)
            {
                _out.Space();
                _out.WriteHex(_rowStart[bounds[i]]);
                _out.Space();
                _out.WriteHex(_rowStart[bounds[i + 1]] - _rowStart[bounds[i]]);
            }

            End(Kind.Inline);
            _inlinesByDepth[depth]++;
            _inlineRanges += bounds.Length / 2;
        }

        private void WriteCfi(ulong[] starts, ulong[] sizes)
        {
            var deltasLeft = _targets.CfiDeltas;
            for (var i = 0; i < starts.Length; i++)
            {
                var start = starts[i];
                var size = sizes[i];
                Begin();
                _out.Write("STACK CFI INIT "u8);
                _out.WriteHex(start);
                _out.Space();
                _out.WriteHex(size);
                _out.Write(" .cfa: $rsp 8 + .ra: .cfa -8 + ^"u8);
                End(Kind.CfiInit);

                // The mean number of deltas follows what is left, so the total lands on the target
                // even though small functions cannot take many.
                var initsLeft = starts.Length - i;
                var twiceMean = (int)Math.Min(24, 2 * deltasLeft / initsLeft);
                var deltas = (int)Math.Min((ulong)_rng.Next(twiceMean + 2), Math.Min(12UL, size - 1));
                deltas = (int)Math.Min(deltas, deltasLeft);
                deltasLeft -= deltas;
                WriteCfiDeltas(start, size, deltas);
            }
        }

        /// <summary>
        /// Delta rows of an x86-64 prologue/epilogue: pushes of callee-saved registers, stack
        /// adjustments, a frame pointer, saves by <c>mov</c>, and a final return to <c>$rsp 8 +</c>.
        /// </summary>
        private void WriteCfiDeltas(ulong start, ulong size, int deltas)
        {
            var cfaOffset = 8;
            var framePointer = false;
            var saved = 0;
            var previous = 0UL;
            for (var j = 0; j < deltas; j++)
            {
                var last = (ulong)(deltas - 1 - j);
                var lowest = previous + 1;
                var room = size - 1 - last - lowest + 1;
                var epilogue = j == deltas - 1 && deltas >= 3 && _rng.Chance(1, 3);
                var offset = lowest + (ulong)_rng.Next((int)Math.Min(room, epilogue ? int.MaxValue : 6UL));
                previous = offset;

                Begin();
                _out.Write("STACK CFI "u8);
                _out.WriteHex(start + offset);
                _out.Space();
                var register = UnsavedRegister(saved);
                var action = _rng.Next(10);
                if (epilogue)
                {
                    _out.Write(".cfa: $rsp 8 +"u8);
                }
                else if (action < 6 && register >= 0)
                {
                    cfaOffset += 8;
                    saved |= 1 << register;
                    if (!framePointer)
                    {
                        CfaRule("$rsp"u8, cfaOffset);
                        _out.Space();
                    }

                    SaveRule(register, cfaOffset);
                }
                else if (action < 7 && !framePointer && (saved & 1) != 0)
                {
                    CfaRule("$rbp"u8, 16);
                    framePointer = true;
                }
                else if (action < 8 && register >= 0)
                {
                    saved |= 1 << register;
                    SaveRule(register, cfaOffset + 8);
                    var second = UnsavedRegister(saved);
                    if (second >= 0)
                    {
                        saved |= 1 << second;
                        _out.Space();
                        SaveRule(second, cfaOffset + 16);
                    }
                }
                else if (!framePointer)
                {
                    cfaOffset += 16 * _rng.Next(1, 24);
                    CfaRule("$rsp"u8, cfaOffset);
                }
                else
                {
                    CfaRule("$rbp"u8, 16);
                }

                End(Kind.CfiDelta);
            }
        }

        private int UnsavedRegister(int saved)
        {
            if (saved == (1 << CalleeSaved.Length) - 1)
            {
                return -1;
            }

            // Functions that save anything save %rbp first more often than not.
            if ((saved & 1) == 0 && _rng.Chance(1, 2))
            {
                return 0;
            }

            int register;
            do
            {
                register = _rng.Next(CalleeSaved.Length);
            }
            while ((saved & (1 << register)) != 0);
            return register;
        }

        private void CfaRule(ReadOnlySpan<byte> baseRegister, int offset)
        {
            _out.Write(".cfa: "u8);
            _out.Write(baseRegister);
            _out.Space();
            _out.WriteDecimal((ulong)offset);
            _out.Write(" +"u8);
        }

        private void SaveRule(int register, int offset)
        {
            _out.Write((byte)'$');
            _out.Write(CalleeSaved[register]);
            _out.Write(": .cfa -"u8);
            _out.WriteDecimal((ulong)offset);
            _out.Write(" + ^"u8);
        }

        /// <summary>A requested length uniform in mean ± 60%, so names vary like real ones.</summary>
        private int Around(int mean) => _rng.Next(mean * 2 / 5, (mean * 8 / 5) + 1);

        private void Begin() => _lineStart = _out.Position;

        private void End(Kind kind)
        {
            _out.NewLine();
            _lines[(int)kind]++;
            _bytes[(int)kind] += _out.Position - _lineStart;
        }
    }
}
