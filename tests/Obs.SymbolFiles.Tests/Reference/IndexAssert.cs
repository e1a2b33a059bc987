using System.Runtime.InteropServices;
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

            var lines = tables.Lines.Span.Slice(got.FirstLine, got.LineCount).ToArray();
            Assert.Equal(want.Lines, [.. lines.Select(l => new RefLine(l.Address, l.Size, l.Line, l.File))]);

            var inlines = tables.InlineRanges.Span.Slice(got.FirstInline, got.InlineCount).ToArray();
            Assert.Equal(want.Inlines, [.. inlines.Select(r => new RefInline(r.Depth, r.CallLine, r.CallFile == InlineRangeRecord.NoFile ? null : r.CallFile, r.Origin, r.Address, r.Size))]);
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

    /// <summary>Byte-for-byte equality of every table: what "the same records" means between input paths.</summary>
    public static void SameTables(SymbolIndex expected, SymbolIndex actual)
    {
        var a = expected.Tables;
        var b = actual.Tables;
        SameBytes(a.Functions.Span, b.Functions.Span, "functions");
        SameBytes(a.Lines.Span, b.Lines.Span, "lines");
        SameBytes(a.InlineRanges.Span, b.InlineRanges.Span, "inline ranges");
        SameBytes(a.Publics.Span, b.Publics.Span, "publics");
        SameBytes(a.Files.Table.Span, b.Files.Table.Span, "files");
        SameBytes(a.Origins.Table.Span, b.Origins.Table.Span, "origins");
        SameBytes(a.CfiInits.Span, b.CfiInits.Span, "cfi inits");
        SameBytes(a.CfiDeltas.Span, b.CfiDeltas.Span, "cfi rows");
        SameBytes(a.StackWinFrameData.Span, b.StackWinFrameData.Span, "stack win framedata");
        SameBytes(a.StackWinFpo.Span, b.StackWinFpo.Span, "stack win fpo");
        SameBytes(a.Strings.Span, b.Strings.Span, "strings");
        Assert.Equal(expected.Module, actual.Module);
        Assert.Equal(expected.CodeId, actual.CodeId);
        Assert.Equal(expected.Diagnostics, actual.Diagnostics);
        Assert.Equal(expected.Statistics with { Bytes = 0 }, actual.Statistics with { Bytes = 0 });
    }

    private static void SameBytes<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string table)
        where T : unmanaged
    {
        Assert.True(
            MemoryMarshal.AsBytes(expected).SequenceEqual(MemoryMarshal.AsBytes(actual)),
            $"{table} differ: {expected.Length} vs {actual.Length} records");
    }

    private static void AssertStackWin(List<RefStackWin> expected, StackWinRecord[] actual, SymbolIndex index)
    {
        Assert.Equal(expected, [.. actual.Select(w => new RefStackWin(
            w.Type, w.Address, w.Size, w.PrologueSize, w.EpilogueSize, w.ParameterSize, w.SavedRegisterSize, w.LocalSize, w.MaxStackSize,
            w.HasProgramString == 1 ? index.DecodeString(w.ProgramString) : null,
            w.AllocatesBasePointer == 1))]);
    }
}
