using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Tests.Reference;

/// <summary>Compares an index's tables with the reference model, or with another index.</summary>
internal static class IndexAssert
{
    public static void Matches(ReferenceSymbolFile expected, SymbolIndexReference index)
    {
        var core = index.Core;
        var tables = core.Tables;

        Assert.Equal(expected.Files.Count, tables.Files.Table.Count);
        foreach (var file in tables.Files.Table.Span)
        {
            Assert.Equal(expected.Files[file.Id], core.DecodeString(file.Name));
        }

        // The index keeps no origin table: the origins' names are in the inline ranges.
        Assert.Equal(expected.Origins.Count, index.Statistics.InlineOrigins);

        var functions = tables.Functions.Span.ToArray();
        Assert.Equal(expected.Functions.Count, functions.Length);
        for (var i = 0; i < functions.Length; i++)
        {
            var want = expected.Functions[i];
            var got = functions[i];
            Assert.Equal((want.Address, want.Size, want.ParameterSize, want.Name, want.Multiple), (got.Address, got.Size, got.ParameterSize, core.DecodeString(got.Name), got.Flags == RecordFlags.Multiple));
            Assert.Equal(LinePieces(want.Lines.Select(l => (l.Address, l.Size, l.Line, l.File)), got), LinePieces(core, got));

            var inlines = InlinesOf(core, got);
            Assert.Equal(
                [.. want.Inlines.Select(r => (r.CallLine, r.CallFile, expected.Origins.GetValueOrDefault(r.Origin), r.Address, r.Size))],
                inlines.Select(r => (r.CallLine, r.CallFile == InlineRangeRecord.NoFile ? null : (uint?)r.CallFile, r.OriginName.IsMissing ? null : core.DecodeString(r.OriginName), r.Address, r.Size)));
            Assert.Equal(want.InlineRecords, got.InlineRecordCount);
            AssertChainsStayInTheirFunction(core, got);
        }

        var publics = tables.Publics.Span.ToArray();
        Assert.Equal(expected.Publics, [.. publics.Select(p => new RefPublic(p.Address, p.ParameterSize, core.DecodeString(p.Name), p.Flags == RecordFlags.Multiple))]);

        var inits = tables.CfiInits.Span.ToArray();
        Assert.Equal(expected.Cfi.Count, inits.Length);
        for (var i = 0; i < inits.Length; i++)
        {
            var want = expected.Cfi[i];
            Assert.Equal((want.Address, want.Size, want.Rows.Count), (inits[i].Address, inits[i].Size, inits[i].DeltaCount));
            var probe = want.Address + want.Size - 1;
            Assert.True(index.TryFindCfiRules(probe, out var rules));
            var text = string.Join('\n', want.Rows.Where(r => r.Address <= probe).Select(r => r.Rules).Prepend(want.Rules));
            Assert.Equal(text, rules.ToString());
        }

        AssertStackWin(expected.StackWinFrameData, tables.StackWinFrameData.Span.ToArray(), core);
        AssertStackWin(expected.StackWinFpo, tables.StackWinFpo.Span.ToArray(), core);
    }

    /// <summary>
    /// Record-for-record equality of every table: what "the same records" means between input
    /// paths, and between a built index and the same index saved and opened. (Segment numbers,
    /// offsets and the places of range copies differ with the chunking; contents may not.)
    /// </summary>
    public static void SameTables(SymbolIndexReference expected, SymbolIndexReference actual)
    {
        Assert.Equal(Dump(expected), Dump(actual));
        Assert.Equal(expected.Module, actual.Module);
        Assert.Equal(expected.CodeId, actual.CodeId);
        Assert.Equal(expected.Diagnostics, actual.Diagnostics);
        Assert.Equal(expected.Statistics with { Bytes = 0 }, actual.Statistics with { Bytes = 0 });
    }

    /// <summary>
    /// Every chain of a function (each line entry's innermost range and the parents up from it)
    /// lies in its ranges and their copies, the one slice a lookup asks for.
    /// </summary>
    private static void AssertChainsStayInTheirFunction(SymbolIndexCore core, in FunctionRecord function)
    {
        var first = function.FirstInline;
        var end = first + function.InlineCount + function.InlineCopyCount;
        Assert.Equal(end - first, core.View.RangesOf(function).Length);
        foreach (var entry in core.View.LinesOf(function))
        {
            for (var range = entry.Innermost; range >= 0; range = core.View.Range(function, range).Parent)
            {
                Assert.InRange(range, first, end - 1);
            }
        }
    }

    /// <summary>A function's inline ranges as parsed (sorted by depth, then address), without the copies chains may need.</summary>
    public static InlineRangeRecord[] InlinesOf(SymbolIndexCore core, in FunctionRecord function)
    {
        var ranges = new InlineRangeRecord[function.InlineCount];
        for (var i = 0; i < ranges.Length; i++)
        {
            ranges[i] = core.View.Range(function, function.FirstInline + i);
        }

        return ranges;
    }

    /// <summary>
    /// The pieces of a function that line records cover, clipped to the function, with
    /// neighbours of the same line and file joined: what lookups can tell of its line records.
    /// </summary>
    private static List<(ulong Start, ulong End, uint Line, uint File)> LinePieces(IEnumerable<(ulong Address, uint Size, uint Line, uint File)> lines, FunctionRecord function)
    {
        var pieces = new List<(ulong Start, ulong End, uint Line, uint File)>();
        foreach (var (address, size, line, file) in lines.OrderBy(l => l.Address))
        {
            var start = Math.Max(address, function.Address);
            var end = Math.Min(address + size, function.End);
            if (start >= end)
            {
                continue;
            }

            if (pieces.Count > 0 && pieces[^1].End == start && pieces[^1].Line == line && pieces[^1].File == file)
            {
                pieces[^1] = pieces[^1] with { End = end };
            }
            else
            {
                pieces.Add((start, end, line, file));
            }
        }

        return pieces;
    }

    private static List<(ulong Start, ulong End, uint Line, uint File)> LinePieces(SymbolIndexCore core, FunctionRecord function) =>
        LinePieces(core.View.LinesOf(function).ToArray().Where(e => e.HasLine).Select(e => (e.Address, e.Size, e.Line, e.File)), function);

    /// <summary>Every record of an index in a canonical text form.</summary>
    private static List<string> Dump(SymbolIndexReference index)
    {
        var core = index.Core;
        var t = core.Tables;
        var dump = new List<string>();
        foreach (var f in t.Functions.Span)
        {
            dump.Add($"FUNC {f.Address:x} {f.Size:x} {f.ParameterSize:x} {f.Flags} {f.InlineRecordCount} {Text(core, f.Name)}");
            foreach (var e in core.View.LinesOf(f))
            {
                // The chain by its ranges' contents, innermost first: range indices depend on the chunking.
                var chain = new List<string>();
                for (var r = e.Innermost; r >= 0; r = core.View.Range(f, r).Parent)
                {
                    var range = core.View.Range(f, r);
                    chain.Add($"{range.Address:x}+{range.Size:x}");
                }

                dump.Add($"  {e.Address:x} {e.Size:x} {(e.HasLine ? $"{e.Line} {e.File}" : "-")} [{string.Join(' ', chain)}]");
            }

            foreach (var r in InlinesOf(core, f))
            {
                dump.Add($"  INLINE {r.CallLine} {r.CallFile} {(r.OriginName.IsMissing ? "-" : Text(core, r.OriginName))} {r.Address:x} {r.Size:x}");
            }
        }

        foreach (var p in t.Publics.Span)
        {
            dump.Add($"PUBLIC {p.Address:x} {p.ParameterSize:x} {p.Flags} {Text(core, p.Name)}");
        }

        foreach (var file in t.Files.Table.Span)
        {
            dump.Add($"FILE {file.Id} {Text(core, file.Name)}");
        }

        foreach (var init in t.CfiInits.Span)
        {
            Assert.True(index.TryFindCfiRules(init.Address + init.Size - 1, out var rules));
            dump.Add($"CFI {init.Address:x} {init.Size:x} {init.DeltaCount} {rules}");
            foreach (var row in t.CfiDeltas.Span.Slice(init.FirstDelta, init.DeltaCount))
            {
                dump.Add($"  ROW {row.Address:x}");
            }
        }

        foreach (var table in new[] { t.StackWinFrameData, t.StackWinFpo })
        {
            foreach (var w in table.Span)
            {
                var program = w.HasProgramString == 1 ? Text(core, w.ProgramString) : "-";
                dump.Add($"WIN {w.Type} {w.Address:x} {w.Size:x} {w.PrologueSize} {w.EpilogueSize} {w.ParameterSize} {w.SavedRegisterSize} {w.LocalSize} {w.MaxStackSize} {w.AllocatesBasePointer} {program}");
            }
        }

        return dump;
    }

    private static string Text(SymbolIndexCore core, StringRef value) => core.DecodeString(value);

    private static void AssertStackWin(List<RefStackWin> expected, StackWinRecord[] actual, SymbolIndexCore core)
    {
        Assert.Equal(expected, [.. actual.Select(w => new RefStackWin(
            w.Type, w.Address, w.Size, w.PrologueSize, w.EpilogueSize, w.ParameterSize, w.SavedRegisterSize, w.LocalSize, w.MaxStackSize,
            w.HasProgramString == 1 ? core.DecodeString(w.ProgramString) : null,
            w.AllocatesBasePointer == 1))]);
    }
}
