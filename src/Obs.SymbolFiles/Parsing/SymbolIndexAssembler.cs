using System.Runtime.CompilerServices;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// Joins the chunks of a parsed file (in file order) and applies rust-minidump's overlap policy,
/// producing the tables of a <see cref="SymbolIndex"/>:
/// <list type="bullet">
/// <item>FUNC, line and STACK CFI INIT ranges: sorted by (start, end), keeping file order among
/// equals; zero-size ranges dropped; a range overlapping an earlier kept one dropped (first
/// wins; an exact duplicate is the same case). Lines and INLINE records of a dropped FUNC go
/// with it.</item>
/// <item>STACK WIN, per type: sorted by start; a record starting inside the previous one cuts
/// the previous one short; a record with the same start is dropped; only FrameData with a
/// program string and FPO without one are kept.</item>
/// <item>PUBLIC: sorted by address, duplicates kept. FILE / INLINE_ORIGIN: the last record of
/// an id wins.</item>
/// </list>
/// </summary>
internal static class SymbolIndexAssembler
{
    /// <summary>Joins the chunks into an index; <paramref name="sourceHash"/> is the hash of the text (see <see cref="SourceHash"/>).</summary>
    public static SymbolIndex Assemble(List<SymbolTableBuilder> chunks, SymbolParseOptions options, long totalBytes, ulong sourceHash)
    {
        var memory = new NativeIndexMemory();
        try
        {
            return new SymbolIndex(AssembleCore(chunks, options, totalBytes, sourceHash, memory));
        }
        catch
        {
            memory.Dispose();
            throw;
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                chunk.Dispose();
            }
        }
    }

    private static SymbolIndexCore AssembleCore(List<SymbolTableBuilder> chunks, SymbolParseOptions options, long totalBytes, ulong sourceHash, NativeIndexMemory memory)
    {
        var first = chunks[0];
        using var segments = new Segments(chunks);
        var counters = new Counters();
        var diagnostics = new List<SymbolFileDiagnostic>();
        long linesBefore = 0;
        var openFunction = -1;
        var openCfi = -1;

        for (var k = 0; k < chunks.Count; k++)
        {
            var chunk = chunks[k];
            if (k > 0)
            {
                ResolveContinuation(chunk, openFunction >= 0, openCfi >= 0, options, linesBefore, diagnostics, ref counters);
                var deltaBase = first.CfiDeltas.Count;
                AppendSmallTables(first, chunk);
                if (openFunction >= 0 && chunk.ContinuationLines + chunk.ContinuationInlineRanges + chunk.InlineRecordsInContinuation > 0)
                {
                    segments.AttachFunctionContinuation(ref first.Functions[openFunction], k, chunk);
                }

                if (openCfi >= 0 && chunk.ContinuationCfiRows > 0)
                {
                    // The open block's rows are the last ones before this chunk's, which begin with its continuation rows.
                    ref var init = ref first.CfiInits[openCfi];
                    var deltas = first.CfiDeltas.Span;
                    segments.AttachCfiContinuation(ref init, deltas.Slice(init.FirstDelta, init.DeltaCount), deltas.Slice(deltaBase, chunk.ContinuationCfiRows), k);
                    init.DeltaCount += chunk.ContinuationCfiRows;
                }
            }

            if (chunk.StrictFailure is { } failure)
            {
                throw ToException(failure, linesBefore);
            }

            foreach (var diagnostic in chunk.Diagnostics)
            {
                AddDiagnostic(diagnostics, options, diagnostic with { LineNumber = diagnostic.LineNumber + linesBefore });
            }

            counters.SkippedLines += chunk.SkippedLines;
            counters.RecordLines += chunk.RecordLines;
            counters.OversizedLines += chunk.OversizedLines;
            linesBefore += chunk.LineCount;

            // Which block is open at the end of this chunk, as an index into the joined tables.
            openFunction = !chunk.EndsInFunctionBlock ? -1
                : chunk.EndsInContinuedFunctionBlock ? openFunction
                : first.Functions.Count - 1;
            openCfi = !chunk.EndsInCfiBlock ? -1
                : chunk.EndsInContinuedCfiBlock ? openCfi
                : first.CfiInits.Count - 1;
        }

        if (counters.RecordLines == 0)
        {
            // An empty file, a binary file or any text without a single record is not a symbol
            // file, in lenient mode too: lenient mode forgives bad lines in a symbol file, it does
            // not turn anything into an empty index.
            throw new SymbolFileException(totalBytes == 0
                ? "no Breakpad records: the input is empty"
                : $"no Breakpad records: none of the input's {linesBefore} lines is a symbol-file record");
        }

        var oldInlineSyntax = false;
        var newInlineSyntax = false;
        foreach (var chunk in chunks)
        {
            oldInlineSyntax |= chunk.SawOldInlineSyntax;
            newInlineSyntax |= chunk.SawNewInlineSyntax;
        }

        // A file uses one syntax throughout; if both appear, the current one decides how
        // INLINE_ORIGIN lines are read (each INLINE record was read by its own field count).
        var originsUseOldSyntax = oldInlineSyntax && !newInlineSyntax;

        var files = BuildIdTable<FileRecord, ById>(ref first.Files, memory);

        // Inline records name their origin by id until BuildFunctions puts the origin's name in
        // their place; lookups never read the origins, so the index does not keep them.
        using var originMemory = new NativeIndexMemory();
        var origins = BuildOrigins(ref first.Origins, originsUseOldSyntax, originMemory);
        var (functions, lineRecords, inlineRanges) = BuildFunctions(ref first.Functions, segments, origins, options.EffectiveParallelism, ref counters, memory);
        var (starts, buckets) = BuildFunctionSearch(functions, memory);
        var publics = BuildPublics(ref first.Publics, memory);
        var (cfiInits, cfiDeltas) = BuildCfi(first, segments, ref counters, memory);
        var (frameData, fpo) = BuildStackWin(ref first.StackWin, ref counters, memory);
        var (lineSegments, inlineSegments, stringSegments) = segments.Detach(memory);

        var statistics = new SymbolIndexStatistics
        {
            Bytes = totalBytes,
            Lines = linesBefore,
            Files = files.Table.Count,
            InlineOrigins = origins.Table.Count,
            Functions = functions.Count,
            LineRecords = lineRecords,
            InlineRecords = counters.InlineRecords,
            InlineRanges = inlineRanges,
            Publics = publics.Count,
            CfiInit = cfiInits.Count,
            CfiRows = cfiDeltas.Count,
            StackWinFrameData = frameData.Count,
            StackWinFpo = fpo.Count,
            ZeroSizeDropped = counters.ZeroSize,
            OverlapsDropped = counters.Overlaps,
            StackWinTruncated = counters.StackWinTruncated,
            StackWinDropped = counters.StackWinDropped,
            SkippedLines = counters.SkippedLines,
            OversizedLines = counters.OversizedLines,
        };

        var tables = new SymbolTables(
            functions,
            starts,
            buckets,
            lineSegments,
            inlineSegments,
            stringSegments,
            publics,
            files,
            cfiInits,
            cfiDeltas,
            frameData,
            fpo);

        return new SymbolIndexCore(tables, memory, CollectMetadata(chunks), statistics, diagnostics, sourceHash);
    }

    private static void ResolveContinuation(
        SymbolTableBuilder chunk,
        bool functionOpen,
        bool cfiOpen,
        SymbolParseOptions options,
        long linesBefore,
        List<SymbolFileDiagnostic> diagnostics,
        ref Counters counters)
    {
        var orphanFunctionLines = functionOpen ? 0 : chunk.ContinuationLines + chunk.InlineRecordsInContinuation;
        var orphanCfiRows = cfiOpen ? 0 : chunk.ContinuationCfiRows;
        if (orphanFunctionLines + orphanCfiRows == 0)
        {
            return;
        }

        counters.SkippedLines += orphanFunctionLines + orphanCfiRows;
        // The chunk counted them as records of the block it expected to continue.
        counters.RecordLines -= orphanFunctionLines + orphanCfiRows;
        foreach (var position in chunk.ContinuationPositions)
        {
            var orphan = position.Kind == SymbolFileDiagnosticKind.OrphanCfiRow ? !cfiOpen : !functionOpen;
            if (!orphan)
            {
                continue;
            }

            if (options.Strict)
            {
                throw ToException(position, linesBefore);
            }

            AddDiagnostic(diagnostics, options, position with { LineNumber = position.LineNumber + linesBefore });
        }
    }

    private static SymbolFileException ToException(SymbolFileDiagnostic diagnostic, long linesBefore) =>
        new(SymbolFileDiagnostic.Describe(diagnostic.Kind), diagnostic.LineNumber + linesBefore, diagnostic.ByteOffset);

    private static void AddDiagnostic(List<SymbolFileDiagnostic> diagnostics, SymbolParseOptions options, SymbolFileDiagnostic diagnostic)
    {
        if (diagnostics.Count < options.MaxDiagnostics)
        {
            diagnostics.Add(diagnostic);
        }
    }

    /// <summary>MODULE can only be in the first chunk; of repeated INFO records the last wins, whichever chunk it is in.</summary>
    private static SymbolMetadata CollectMetadata(List<SymbolTableBuilder> chunks)
    {
        string? codeId = null, codeFile = null, generator = null, url = null;
        foreach (var chunk in chunks)
        {
            if (chunk.CodeId is not null)
            {
                (codeId, codeFile) = (chunk.CodeId, chunk.CodeFile);
            }

            generator = chunk.Generator ?? generator;
            url = chunk.Url ?? url;
        }

        return new SymbolMetadata(chunks[0].Module, codeId, codeFile, generator, url, CollectExtraInfo(chunks));
    }

    private static List<KeyValuePair<string, string>> CollectExtraInfo(List<SymbolTableBuilder> chunks)
    {
        var all = new List<KeyValuePair<string, string>>();
        foreach (var chunk in chunks)
        {
            if (chunk.ExtraInfo is { } extra)
            {
                all.AddRange(extra);
            }
        }

        return all;
    }

    /// <summary>
    /// Appends a later chunk's small tables to the first chunk's. Records keep pointing at their
    /// own chunk's segments (line records, inline ranges and strings are never copied); only CFI
    /// row indices, which go into one joined table, are rebased.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendSmallTables(SymbolTableBuilder target, SymbolTableBuilder source)
    {
        var deltaBase = target.CfiDeltas.Count;
        AppendAndFree(ref target.Functions, ref source.Functions);
        AppendAndFree(ref target.Publics, ref source.Publics);
        AppendAndFree(ref target.Files, ref source.Files);
        AppendAndFree(ref target.Origins, ref source.Origins);
        AppendAndFree(ref target.StackWin, ref source.StackWin);

        var cfiStart = target.CfiInits.Count;
        AppendAndFree(ref target.CfiInits, ref source.CfiInits);
        foreach (ref var record in target.CfiInits.Span[cfiStart..])
        {
            record.FirstDelta += deltaBase;
        }

        AppendAndFree(ref target.CfiDeltas, ref source.CfiDeltas);
    }

    private static void AppendAndFree<T>(ref NativeBuffer<T> target, ref NativeBuffer<T> source)
        where T : unmanaged
    {
        if ((long)target.Count + source.Count > Array.MaxLength)
        {
            ThrowHelper.ThrowTooLarge();
        }

        target.AddRange(source.Span);
        source.Dispose();
    }

    /// <summary>Sorts FILE-like records by id; of several records with one id, the last in the file wins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static IdTable<T> BuildIdTable<T, TKey>(ref NativeBuffer<T> records, NativeIndexMemory memory)
        where T : unmanaged, IIdentified
        where TKey : ISortKey<T>
    {
        var span = records.Span;
        StableSort.Sort<T, TKey>(span);

        var write = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (write > 0 && span[write - 1].Id == span[i].Id)
            {
                span[write - 1] = span[i];
            }
            else
            {
                span[write++] = span[i];
            }
        }

        records.Truncate(write);
        var dense = true;
        for (var i = 0; i < write && dense; i++)
        {
            dense = span[i].Id == (uint)i;
        }

        return new IdTable<T>(memory.Adopt(ref records), dense);
    }

    private static IdTable<OriginRecord> BuildOrigins(ref NativeBuffer<OriginRecord> records, bool oldSyntax, NativeIndexMemory memory)
    {
        foreach (ref var origin in records.Span)
        {
            if (oldSyntax && origin.OldNameSkip > 0)
            {
                origin.Name = origin.Name.WithOffsetAndLength(origin.Name.Offset + origin.OldNameSkip, origin.Name.Length - origin.OldNameSkip);
            }
            else
            {
                origin.OldFileId = InlineRangeRecord.NoFile;
            }

            origin.OldNameSkip = 0;
        }

        return BuildIdTable<OriginRecord, ById>(ref records, memory);
    }

    /// <summary>
    /// Applies the overlap policy to the functions, compacts each segment's line records and
    /// inline ranges to the kept functions', then builds each function's line entries and links
    /// its inline chains (<see cref="InlineChainLinker"/>). Segments are independent: they are
    /// done in parallel. Returns the functions sorted by address, and the kept line records and
    /// inline ranges (as parsed, before entries and copies).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Table<FunctionRecord> Functions, int LineRecords, int InlineRanges) BuildFunctions(
        ref NativeBuffer<FunctionRecord> table, Segments segments, IdTable<OriginRecord> origins, int parallelism, ref Counters counters, NativeIndexMemory memory)
    {
        var functions = table.Span;
        var order = SortedOrder<FunctionRecord, ByRange>(functions);
        var keep = KeepFirstOfOverlapping<FunctionRecord, ByRange>(functions, order, ref counters);

        // Compact each segment's lines and inline ranges in file order, where each function's
        // slice comes after the previous function's, so every move is to a lower index.
        var bySegment = GroupBySegment(functions, keep, segments.Count);
        var segmentCounters = new Counters[segments.Count];
        var shared = table;
        Parallel.For(0, segments.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, segment =>
        {
            var records = shared.Span;
            ref var local = ref segmentCounters[segment];
            var lines = segments.Lines(segment);
            var inlines = segments.Inlines(segment);
            var lineWrite = 0;
            var inlineWrite = 0;
            foreach (var i in bySegment[segment])
            {
                ref var function = ref records[i];
                var keptLines = NormalizeLines(lines.Slice(function.FirstLine, function.LineCount), ref local);
                lines.Slice(function.FirstLine, keptLines).CopyTo(lines[lineWrite..]);
                function.FirstLine = lineWrite;
                function.LineCount = keptLines;
                lineWrite += keptLines;

                var ranges = inlines.Slice(function.FirstInline, function.InlineCount);
                InlineRangeSort.Sort(ranges);
                ResolveOrigins(ranges, origins);
                ranges.CopyTo(inlines[inlineWrite..]);
                function.FirstInline = inlineWrite;
                inlineWrite += function.InlineCount;
                local.InlineRecords += function.InlineRecordCount;
            }

            segments.Truncate(segment, lineWrite, inlineWrite);
            local.LineRecords = lineWrite;
            local.InlineRanges = inlineWrite;

            var entries = new NativeBuffer<LineRecord>();
            var copies = new NativeBuffer<ParsedInlineRange>();
            try
            {
                entries.EnsureCapacity(lineWrite);
                Dictionary<long, int>? copyIndex = null;
                lines = segments.Lines(segment);
                inlines = segments.Inlines(segment);
                foreach (var i in bySegment[segment])
                {
                    ref var function = ref records[i];
                    InlineChainLinker.Link(
                        ref function,
                        lines.Slice(function.FirstLine, function.LineCount),
                        inlines.Slice(function.FirstInline, function.InlineCount),
                        function.FirstInline + copies.Count,
                        ref entries,
                        ref copies,
                        ref copyIndex);
                }

                segments.ReplaceLines(segment, ref entries);
                InlineChainLinker.PlaceCopies(ref segments.InlineBuffer(segment), bySegment[segment], records, copies.Span);
            }
            finally
            {
                entries.Dispose();
                copies.Dispose();
            }
        });

        var lineRecords = 0;
        var inlineRanges = 0;
        foreach (var local in segmentCounters)
        {
            counters.ZeroSize += local.ZeroSize;
            counters.Overlaps += local.Overlaps;
            counters.InlineRecords += local.InlineRecords;
            lineRecords += local.LineRecords;
            inlineRanges += local.InlineRanges;
        }

        var sorted = new NativeBuffer<FunctionRecord>();
        sorted.EnsureCapacity(functions.Length);
        foreach (var index in order)
        {
            if (keep[index])
            {
                sorted.Add(functions[index]);
            }
        }

        table.Dispose();
        return (memory.Adopt(ref sorted), lineRecords, inlineRanges);
    }

    /// <summary>Every function's start, in the functions' order, and the directory over them (<see cref="AddressBuckets"/>).</summary>
    private static (Table<ulong> Starts, Table<int> Buckets) BuildFunctionSearch(Table<FunctionRecord> functions, NativeIndexMemory memory)
    {
        var span = functions.Span;
        var starts = new NativeBuffer<ulong>();
        var buckets = new NativeBuffer<int>();
        try
        {
            starts.EnsureCapacity(span.Length);
            for (var i = 0; i < span.Length; i++)
            {
                starts.Add(span[i].Address);
            }

            AddressBuckets.Build(starts.Span, ref buckets);
            return (memory.Adopt(ref starts), memory.Adopt(ref buckets));
        }
        finally
        {
            starts.Dispose();
            buckets.Dispose();
        }
    }

    /// <summary>
    /// rust-minidump's policy for FUNC and STACK CFI INIT ranges, visited in sorted
    /// <paramref name="order"/>: an empty (or address-overflowing) range is dropped, and so is a
    /// range that overlaps the last kept one (the first wins; an exact duplicate is the same case).
    /// </summary>
    private static bool[] KeepFirstOfOverlapping<T, TKey>(ReadOnlySpan<T> records, int[] order, ref Counters counters)
        where T : unmanaged
        where TKey : ISortKey<T>
    {
        var keep = new bool[records.Length];
        var hasLast = false;
        ulong lastEnd = 0;
        foreach (var index in order)
        {
            var start = TKey.Primary(records[index]);
            var end = TKey.Secondary(records[index]);
            if (end <= start)
            {
                counters.ZeroSize++;
            }
            else if (hasLast && start < lastEnd)
            {
                counters.Overlaps++;
            }
            else
            {
                keep[index] = true;
                hasLast = true;
                lastEnd = end;
            }
        }

        return keep;
    }

    /// <summary>The kept functions of each segment, in file order.</summary>
    private static int[][] GroupBySegment(ReadOnlySpan<FunctionRecord> functions, bool[] keep, int segmentCount)
    {
        var counts = new int[segmentCount];
        for (var i = 0; i < functions.Length; i++)
        {
            if (keep[i])
            {
                counts[functions[i].Segment]++;
            }
        }

        var groups = new int[segmentCount][];
        for (var s = 0; s < segmentCount; s++)
        {
            groups[s] = new int[counts[s]];
            counts[s] = 0;
        }

        for (var i = 0; i < functions.Length; i++)
        {
            if (keep[i])
            {
                var segment = functions[i].Segment;
                groups[segment][counts[segment]++] = i;
            }
        }

        return groups;
    }

    private static int[] SortedOrder<T, TKey>(ReadOnlySpan<T> records)
        where T : unmanaged
        where TKey : ISortKey<T>
    {
        var order = new int[records.Length];
        if (StableSort.IsSorted<T, TKey>(records))
        {
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }
        }
        else
        {
            StableSort.SortedOrder<T, TKey>(records, order);
        }

        return order;
    }

    /// <summary>Sorts, then drops zero-size and overlapping line records; returns how many are left at the front.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int NormalizeLines(Span<LineRecord> lines, ref Counters counters)
    {
        StableSort.Sort<LineRecord, ByRange>(lines);
        var write = 0;
        ulong lastEnd = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            ref readonly var line = ref lines[i];
            var end = line.Address + line.Size;
            if (line.Size == 0 || end < line.Address)
            {
                counters.ZeroSize++;
            }
            else if (write > 0 && line.Address < lastEnd)
            {
                counters.Overlaps++;
            }
            else
            {
                lines[write++] = line;
                lastEnd = end;
            }
        }

        return write;
    }

    /// <summary>
    /// Replaces each range's origin id by the origin's name and, for old-syntax records, takes the
    /// call-site file from the origin.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ResolveOrigins(Span<ParsedInlineRange> ranges, IdTable<OriginRecord> origins)
    {
        var table = origins.Table.Span;
        foreach (ref var range in ranges)
        {
            var origin = origins.Find(range.OriginName.OriginId);
            range.OriginName = origin >= 0 ? table[origin].Name : StringRef.Missing;
            if (range.CallFile == SymbolTableBuilder.CallFileFromOrigin)
            {
                range.CallFile = origin >= 0 ? table[origin].OldFileId : InlineRangeRecord.NoFile;
            }
        }
    }

    private static Table<PublicRecord> BuildPublics(ref NativeBuffer<PublicRecord> publics, NativeIndexMemory memory)
    {
        StableSort.Sort<PublicRecord, ByAddress>(publics.Span);
        return memory.Adopt(ref publics);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Table<CfiInitRecord> Inits, Table<CfiDeltaRecord> Deltas) BuildCfi(SymbolTableBuilder tables, Segments segments, ref Counters counters, NativeIndexMemory memory)
    {
        var inits = tables.CfiInits.Span;
        var deltas = tables.CfiDeltas.Span;
        var order = SortedOrder<CfiInitRecord, ByRange>(inits);
        var keep = KeepFirstOfOverlapping<CfiInitRecord, ByRange>(inits, order, ref counters);

        var deltaWrite = 0;
        for (var i = 0; i < inits.Length; i++)
        {
            if (!keep[i])
            {
                continue;
            }

            ref var init = ref inits[i];
            var rows = deltas.Slice(init.FirstDelta, init.DeltaCount);
            if (!StableSort.IsSorted<CfiDeltaRecord, ByAddress>(rows))
            {
                SortDeltaRows(init, rows, segments.Strings(init.Rules.Segment));
            }

            rows.CopyTo(deltas[deltaWrite..]);
            init.FirstDelta = deltaWrite;
            deltaWrite += init.DeltaCount;
        }

        tables.CfiDeltas.Truncate(deltaWrite);
        var sorted = new NativeBuffer<CfiInitRecord>();
        foreach (var index in order)
        {
            if (keep[index])
            {
                sorted.Add(inits[index]);
            }
        }

        tables.CfiInits.Dispose();
        return (memory.Adopt(ref sorted), memory.Adopt(ref tables.CfiDeltas));
    }

    /// <summary>
    /// Rows are applied in address order, and the rules in force at an address must be one slice
    /// of text: reorder the rows' text (each <c>'\n'</c>-prefixed) together with the rows.
    /// </summary>
    private static void SortDeltaRows(in CfiInitRecord init, Span<CfiDeltaRecord> rows, Span<byte> strings)
    {
        var textStart = (int)(init.Rules.Offset + init.Rules.Length);
        var textEnd = (int)rows[^1].RulesEnd;
        var original = strings[textStart..textEnd].ToArray();
        var starts = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            starts[i] = (i == 0 ? textStart : (int)rows[i - 1].RulesEnd) - textStart;
        }

        var order = new int[rows.Length];
        StableSort.SortedOrder<CfiDeltaRecord, ByAddress>(rows, order);
        var unsorted = rows.ToArray();
        var write = textStart;
        for (var i = 0; i < order.Length; i++)
        {
            var j = order[i];
            var start = starts[j];
            var end = (int)unsorted[j].RulesEnd - textStart;
            original.AsSpan(start, end - start).CopyTo(strings[write..]);
            write += end - start;
            rows[i] = unsorted[j] with { RulesEnd = (uint)write };
        }
    }

    private static (Table<StackWinRecord> FrameData, Table<StackWinRecord> Fpo) BuildStackWin(ref NativeBuffer<StackWinRecord> records, ref Counters counters, NativeIndexMemory memory)
    {
        var frameData = new NativeBuffer<StackWinRecord>();
        var fpo = new NativeBuffer<StackWinRecord>();
        foreach (ref readonly var record in records.Span)
        {
            // rust-minidump keeps only the two combinations that mean something to its walker.
            if (record.Type == 4 && record.HasProgramString == 1)
            {
                frameData.Add(record);
            }
            else if (record.Type == 0 && record.HasProgramString == 0)
            {
                fpo.Add(record);
            }
            else
            {
                counters.StackWinDropped++;
            }
        }

        records.Dispose();
        RepairStackWin(ref frameData, ref counters);
        RepairStackWin(ref fpo, ref counters);
        return (memory.Adopt(ref frameData), memory.Adopt(ref fpo));
    }

    private static void RepairStackWin(ref NativeBuffer<StackWinRecord> records, ref Counters counters)
    {
        var span = records.Span;
        StableSort.Sort<StackWinRecord, ByAddress>(span);
        var write = 0;
        for (var i = 0; i < span.Length; i++)
        {
            var record = span[i];
            if (record.Size == 0 || record.End < record.Address)
            {
                counters.StackWinDropped++;
                continue;
            }

            if (write > 0)
            {
                ref var previous = ref span[write - 1];
                if (previous.End > record.Address)
                {
                    if (record.Address > previous.Address)
                    {
                        previous.Size = (uint)(record.Address - previous.Address);
                        counters.StackWinTruncated++;
                    }
                    else
                    {
                        counters.StackWinDropped++;
                        continue;
                    }
                }
            }

            span[write++] = record;
        }

        records.Truncate(write);
    }

    private struct Counters
    {
        public int ZeroSize;
        public int Overlaps;
        public int StackWinTruncated;
        public int StackWinDropped;
        public int InlineRecords;
        public int LineRecords;
        public int InlineRanges;
        public long SkippedLines;
        public long RecordLines;
        public long OversizedLines;
    }
}
