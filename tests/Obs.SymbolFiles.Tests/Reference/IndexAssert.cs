using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Tests.Reference;

/// <summary>Compares an index's tables with the reference model, or with another index.</summary>
internal static class IndexAssert
{
    public static void Matches(ReferenceSymbolFile expected, SymbolIndex index)
    {
        var tables = index.Tables;

        Assert.Equal(expected.Files.Count, tables.Files.Table.Count);
        foreach (var file in tables.Files.Table.Span)
        {
            Assert.Equal(expected.Files[file.Id], index.DecodeString(file.Name));
        }

        Assert.Equal(expected.Origins.Count, tables.Origins.Table.Count);
        foreach (var origin in tables.Origins.Table.Span)
        {
            Assert.Equal(expected.Origins[origin.Id], index.DecodeString(origin.Name));
        }

        var functions = tables.Functions.Span.ToArray();
        Assert.Equal(expected.Functions.Count, functions.Length);
        for (var i = 0; i < functions.Length; i++)
        {
            var want = expected.Functions[i];
            var got = functions[i];
            Assert.Equal((want.Address, want.Size, want.ParameterSize, want.Name, want.Multiple), (got.Address, got.Size, got.ParameterSize, index.DecodeString(got.Name), got.Flags == RecordFlags.Multiple));

            var lines = tables.LinesOf(got).ToArray();
            Assert.Equal(want.Lines, [.. lines.Select(l => new RefLine(l.Address, l.Size, l.Line, l.File))]);

            var inlines = tables.InlinesOf(got).ToArray();
            Assert.Equal(
                [.. want.Inlines.Select(r => (r.Depth, r.CallLine, r.CallFile, expected.Origins.GetValueOrDefault(r.Origin), r.Address, r.Size))],
                inlines.Select(r => ((uint)r.Depth, r.CallLine, r.CallFile == InlineRangeRecord.NoFile ? null : (uint?)r.CallFile, r.OriginName.IsMissing ? null : index.DecodeString(r.OriginName), r.Address, r.Size)));
            Assert.Equal(want.InlineRecords, got.InlineRecordCount);
        }

        var publics = tables.Publics.Span.ToArray();
        Assert.Equal(expected.Publics, [.. publics.Select(p => new RefPublic(p.Address, p.ParameterSize, index.DecodeString(p.Name), p.Flags == RecordFlags.Multiple))]);

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

        AssertStackWin(expected.StackWinFrameData, tables.StackWinFrameData.Span.ToArray(), index);
        AssertStackWin(expected.StackWinFpo, tables.StackWinFpo.Span.ToArray(), index);
    }

    /// <summary>
    /// Record-for-record equality of every table: what "the same records" means between input
    /// paths. (Segment numbers and offsets differ with the chunking; contents may not.)
    /// </summary>
    public static void SameTables(SymbolIndex expected, SymbolIndex actual)
    {
        Assert.Equal(Dump(expected), Dump(actual));
        Assert.Equal(expected.Module, actual.Module);
        Assert.Equal(expected.CodeId, actual.CodeId);
        Assert.Equal(expected.Diagnostics, actual.Diagnostics);
        Assert.Equal(expected.Statistics with { Bytes = 0 }, actual.Statistics with { Bytes = 0 });
    }

    /// <summary>Every record of an index in a canonical text form.</summary>
    private static List<string> Dump(SymbolIndex index)
    {
        var t = index.Tables;
        var dump = new List<string>();
        foreach (var f in t.Functions.Span)
        {
            dump.Add($"FUNC {f.Address:x} {f.Size:x} {f.ParameterSize:x} {f.Flags} {f.InlineRecordCount} {Text(index, f.Name)}");
            foreach (var l in t.LinesOf(f))
            {
                dump.Add($"  {l.Address:x} {l.Size:x} {l.Line} {l.File}");
            }

            foreach (var r in t.InlinesOf(f))
            {
                dump.Add($"  INLINE {r.Depth} {r.CallLine} {r.CallFile} {(r.OriginName.IsMissing ? "-" : Text(index, r.OriginName))} {r.Address:x} {r.Size:x}");
            }
        }

        foreach (var p in t.Publics.Span)
        {
            dump.Add($"PUBLIC {p.Address:x} {p.ParameterSize:x} {p.Flags} {Text(index, p.Name)}");
        }

        foreach (var file in t.Files.Table.Span)
        {
            dump.Add($"FILE {file.Id} {Text(index, file.Name)}");
        }

        foreach (var origin in t.Origins.Table.Span)
        {
            dump.Add($"INLINE_ORIGIN {origin.Id} {origin.OldFileId} {Text(index, origin.Name)}");
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
                var program = w.HasProgramString == 1 ? Text(index, w.ProgramString) : "-";
                dump.Add($"WIN {w.Type} {w.Address:x} {w.Size:x} {w.PrologueSize} {w.EpilogueSize} {w.ParameterSize} {w.SavedRegisterSize} {w.LocalSize} {w.MaxStackSize} {w.AllocatesBasePointer} {program}");
            }
        }

        return dump;
    }

    private static string Text(SymbolIndex index, StringRef value) => index.DecodeString(value);

    private static void AssertStackWin(List<RefStackWin> expected, StackWinRecord[] actual, SymbolIndex index)
    {
        Assert.Equal(expected, [.. actual.Select(w => new RefStackWin(
            w.Type, w.Address, w.Size, w.PrologueSize, w.EpilogueSize, w.ParameterSize, w.SavedRegisterSize, w.LocalSize, w.MaxStackSize,
            w.HasProgramString == 1 ? index.DecodeString(w.ProgramString) : null,
            w.AllocatesBasePointer == 1))]);
    }
}
