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
    public static SymbolIndex Assemble(List<SymbolTableBuilder> chunks, SymbolParseOptions options, long totalBytes)
    {
        try
        {
            return AssembleCore(chunks, options, totalBytes);
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                chunk.Dispose();
            }
        }
    }

    private static SymbolIndex AssembleCore(List<SymbolTableBuilder> chunks, SymbolParseOptions options, long totalBytes)
    {
        var first = chunks[0];
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
                if (openFunction >= 0 && chunk.ContinuationLines + chunk.ContinuationInlineRanges + chunk.InlineRecordsInContinuation > 0)
                {
                    ref var function = ref first.Functions[openFunction];
                    function.LineCount += chunk.ContinuationLines;
                    function.InlineCount += chunk.ContinuationInlineRanges;
                    function.InlineRecordCount += chunk.InlineRecordsInContinuation;
                }

                if (openCfi >= 0)
                {
                    first.CfiInits[openCfi].DeltaCount += chunk.ContinuationCfiRows;
                }

                Append(first, chunk);
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

        if (totalBytes == 0)
        {
            if (options.Strict)
            {
                throw new SymbolFileException(SymbolFileDiagnostic.Describe(SymbolFileDiagnosticKind.EmptyFile), 0, 0);
            }

            AddDiagnostic(diagnostics, options, new SymbolFileDiagnostic(0, 0, SymbolFileDiagnosticKind.EmptyFile));
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

        var files = BuildIdTable<FileRecord, ById>(ref first.Files);
        var origins = BuildOrigins(ref first.Origins, originsUseOldSyntax);
        var functions = BuildFunctions(first, origins, ref counters);
        var publics = BuildPublics(ref first.Publics);
        var (cfiInits, cfiDeltas) = BuildCfi(first, ref counters);
        var (frameData, fpo) = BuildStackWin(ref first.StackWin, ref counters);

        var statistics = new SymbolIndexStatistics
        {
            Bytes = totalBytes,
            Lines = linesBefore,
            Files = files.Table.Count,
            InlineOrigins = origins.Table.Count,
            Functions = functions.Count,
            LineRecords = first.Lines.Count,
            InlineRecords = counters.InlineRecords,
            InlineRanges = first.InlineRanges.Count,
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
            BuildStarts(functions),
            first.Lines.Detach(),
            first.InlineRanges.Detach(),
            publics,
            files,
            origins,
            cfiInits,
            cfiDeltas,
            frameData,
            fpo,
            first.Strings.Detach());

        var metadata = new SymbolMetadata(
            first.Module,
            first.CodeId,
            first.CodeFile,
            first.Generator,
            LastUrl(chunks),
            CollectExtraInfo(chunks));

        return new SymbolIndex(tables, metadata, statistics, diagnostics);
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

    private static string? LastUrl(List<SymbolTableBuilder> chunks)
    {
        string? url = null;
        foreach (var chunk in chunks)
        {
            url = chunk.Url ?? url;
        }

        return url;
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

    /// <summary>Appends a later chunk's tables to the first chunk's, rebasing indices and string offsets.</summary>
    private static void Append(SymbolTableBuilder target, SymbolTableBuilder source)
    {
        var stringBase = (uint)target.Strings.Count;
        if ((long)target.Strings.Count + source.Strings.Count > int.MaxValue)
        {
            ThrowHelper.ThrowTooLarge();
        }

        var lineBase = target.Lines.Count;
        var inlineBase = target.InlineRanges.Count;
        var deltaBase = target.CfiDeltas.Count;

        AppendRebased(ref target.Strings, ref source.Strings);

        var functionStart = target.Functions.Count;
        AppendRebased(ref target.Functions, ref source.Functions);
        foreach (ref var function in target.Functions.Span[functionStart..])
        {
            function.FirstLine += lineBase;
            function.FirstInline += inlineBase;
            function.Name = Rebase(function.Name, stringBase);
        }

        AppendRebased(ref target.Lines, ref source.Lines);
        AppendRebased(ref target.InlineRanges, ref source.InlineRanges);

        var publicStart = target.Publics.Count;
        AppendRebased(ref target.Publics, ref source.Publics);
        foreach (ref var record in target.Publics.Span[publicStart..])
        {
            record.Name = Rebase(record.Name, stringBase);
        }

        var fileStart = target.Files.Count;
        AppendRebased(ref target.Files, ref source.Files);
        foreach (ref var record in target.Files.Span[fileStart..])
        {
            record.Name = Rebase(record.Name, stringBase);
        }

        var originStart = target.Origins.Count;
        AppendRebased(ref target.Origins, ref source.Origins);
        foreach (ref var record in target.Origins.Span[originStart..])
        {
            record.Name = Rebase(record.Name, stringBase);
        }

        var cfiStart = target.CfiInits.Count;
        AppendRebased(ref target.CfiInits, ref source.CfiInits);
        foreach (ref var record in target.CfiInits.Span[cfiStart..])
        {
            record.RulesOffset += stringBase;
            record.FirstDelta += deltaBase;
        }

        var deltaStart = target.CfiDeltas.Count;
        AppendRebased(ref target.CfiDeltas, ref source.CfiDeltas);
        foreach (ref var record in target.CfiDeltas.Span[deltaStart..])
        {
            record.RulesEnd += stringBase;
        }

        var winStart = target.StackWin.Count;
        AppendRebased(ref target.StackWin, ref source.StackWin);
        foreach (ref var record in target.StackWin.Span[winStart..])
        {
            if (record.HasProgramString != 0)
            {
                record.ProgramString = Rebase(record.ProgramString, stringBase);
            }
        }
    }

    private static StringRef Rebase(StringRef value, uint stringBase) => value with { Offset = value.Offset + stringBase };

    private static void AppendRebased<T>(ref NativeBuffer<T> target, ref NativeBuffer<T> source)
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
    private static IdTable<T> BuildIdTable<T, TKey>(ref NativeBuffer<T> records)
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

        return new IdTable<T>(records.Detach(), dense);
    }

    private static IdTable<OriginRecord> BuildOrigins(ref NativeBuffer<OriginRecord> records, bool oldSyntax)
    {
        foreach (ref var origin in records.Span)
        {
            if (oldSyntax && origin.OldNameSkip > 0)
            {
                origin.Name = new StringRef(origin.Name.Offset + origin.OldNameSkip, origin.Name.Length - origin.OldNameSkip);
            }
            else
            {
                origin.OldFileId = InlineRangeRecord.NoFile;
            }

            origin.OldNameSkip = 0;
        }

        return BuildIdTable<OriginRecord, ById>(ref records);
    }

    private static NativeTable<FunctionRecord> BuildFunctions(SymbolTableBuilder tables, IdTable<OriginRecord> origins, ref Counters counters)
    {
        var functions = tables.Functions.Span;
        var order = SortedOrder<FunctionRecord, ByRange>(functions);
        var keep = new bool[functions.Length];
        var hasLast = false;
        ulong lastEnd = 0;
        foreach (var index in order)
        {
            ref readonly var function = ref functions[index];
            if (function.Size == 0 || function.Address + function.Size < function.Address)
            {
                counters.ZeroSize++;
            }
            else if (hasLast && function.Address < lastEnd)
            {
                counters.Overlaps++;
            }
            else
            {
                keep[index] = true;
                hasLast = true;
                lastEnd = function.End;
            }
        }

        // Compact the line and inline tables in file order, where each function's slice comes
        // after the previous function's, so every move is to a lower index.
        var lines = tables.Lines.Span;
        var inlines = tables.InlineRanges.Span;
        var lineWrite = 0;
        var inlineWrite = 0;
        for (var i = 0; i < functions.Length; i++)
        {
            if (!keep[i])
            {
                continue;
            }

            ref var function = ref functions[i];
            var keptLines = NormalizeLines(lines.Slice(function.FirstLine, function.LineCount), ref counters);
            lines.Slice(function.FirstLine, keptLines).CopyTo(lines[lineWrite..]);
            function.FirstLine = lineWrite;
            function.LineCount = keptLines;
            lineWrite += keptLines;

            var ranges = inlines.Slice(function.FirstInline, function.InlineCount);
            StableSort.Sort<InlineRangeRecord, ByDepthThenAddress>(ranges);
            ResolveOldSyntaxCallFiles(ranges, origins);
            ranges.CopyTo(inlines[inlineWrite..]);
            function.FirstInline = inlineWrite;
            inlineWrite += function.InlineCount;
            counters.InlineRecords += function.InlineRecordCount;
        }

        tables.Lines.Truncate(lineWrite);
        tables.InlineRanges.Truncate(inlineWrite);

        var sorted = new NativeBuffer<FunctionRecord>();
        foreach (var index in order)
        {
            if (keep[index])
            {
                sorted.Add(functions[index]);
            }
        }

        tables.Functions.Dispose();
        return sorted.Detach();
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

    private static void ResolveOldSyntaxCallFiles(Span<InlineRangeRecord> ranges, IdTable<OriginRecord> origins)
    {
        foreach (ref var range in ranges)
        {
            if (range.CallFile == SymbolTableBuilder.CallFileFromOrigin)
            {
                var origin = origins.Find(range.Origin);
                range.CallFile = origin >= 0 ? origins.Table.Span[origin].OldFileId : InlineRangeRecord.NoFile;
            }
        }
    }

    private static NativeTable<PublicRecord> BuildPublics(ref NativeBuffer<PublicRecord> publics)
    {
        StableSort.Sort<PublicRecord, ByAddress>(publics.Span);
        return publics.Detach();
    }

    private static (NativeTable<CfiInitRecord> Inits, NativeTable<CfiDeltaRecord> Deltas) BuildCfi(SymbolTableBuilder tables, ref Counters counters)
    {
        var inits = tables.CfiInits.Span;
        var deltas = tables.CfiDeltas.Span;
        var strings = tables.Strings.Span;
        var order = SortedOrder<CfiInitRecord, ByRange>(inits);
        var keep = new bool[inits.Length];
        var hasLast = false;
        ulong lastEnd = 0;
        foreach (var index in order)
        {
            ref readonly var init = ref inits[index];
            if (init.Size == 0 || init.Address + init.Size < init.Address)
            {
                counters.ZeroSize++;
            }
            else if (hasLast && init.Address < lastEnd)
            {
                counters.Overlaps++;
            }
            else
            {
                keep[index] = true;
                hasLast = true;
                lastEnd = init.End;
            }
        }

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
                SortDeltaRows(init, rows, strings);
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
        return (sorted.Detach(), tables.CfiDeltas.Detach());
    }

    /// <summary>
    /// Rows are applied in address order, and the rules in force at an address must be one slice
    /// of text: reorder the rows' text (each <c>'\n'</c>-prefixed) together with the rows.
    /// </summary>
    private static void SortDeltaRows(in CfiInitRecord init, Span<CfiDeltaRecord> rows, Span<byte> strings)
    {
        var textStart = (int)(init.RulesOffset + init.RulesLength);
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

    private static (NativeTable<StackWinRecord> FrameData, NativeTable<StackWinRecord> Fpo) BuildStackWin(ref NativeBuffer<StackWinRecord> records, ref Counters counters)
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
        return (frameData.Detach(), fpo.Detach());
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

    private static NativeTable<ulong> BuildStarts(NativeTable<FunctionRecord> functions)
    {
        var starts = new NativeBuffer<ulong>();
        starts.EnsureCapacity(functions.Count);
        foreach (ref readonly var function in functions.Span)
        {
            starts.Add(function.Address);
        }

        return starts.Detach();
    }

    private struct Counters
    {
        public int ZeroSize;
        public int Overlaps;
        public int StackWinTruncated;
        public int StackWinDropped;
        public int InlineRecords;
        public long SkippedLines;
        public long OversizedLines;
    }
}
