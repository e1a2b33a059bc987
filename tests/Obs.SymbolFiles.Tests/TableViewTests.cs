using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// The lookups read the tables through <see cref="TableView"/>, which checks nothing: every
/// record, slice, name and file it gives must be the very memory the checked accessors of
/// <see cref="SymbolTables"/> give, for every function of every fixture (dense and sparse FILE
/// ids, both INLINE syntaxes, malformed files) and of random generated files.
/// </summary>
public sealed class TableViewTests
{
    [Theory]
    [MemberData(nameof(SymFixtures.All), MemberType = typeof(SymFixtures))]
    public void Gives_the_memory_the_checked_tables_give(string relative) =>
        AssertViewMatchesTables(SymFixtures.Load(relative));

    [Property(MaxTest = 100)]
    public Property Gives_the_memory_the_checked_tables_give_for_generated_files(PositiveInt seed)
    {
        var model = GeneratedSymbolFile.Create(new Random(seed.Get), canonical: false);
        AssertViewMatchesTables(SymbolIndex.Parse(Encoding.UTF8.GetBytes(model.ToText())));
        return true.ToProperty();
    }

    private static void AssertViewMatchesTables(SymbolIndex index)
    {
        var tables = index.Tables;
        ref readonly var view = ref index.View;

        Assert.True(SameMemory(tables.FunctionStarts.Span, view.FunctionStarts));
        var functions = tables.Functions.Span;
        for (var i = 0; i < functions.Length; i++)
        {
            ref readonly var record = ref functions[i];
            Assert.True(Unsafe.AreSame(in record, in view.Function(i)));
            Assert.True(SameMemory(tables.LinesOf(record), view.LinesOf(record)));
            Assert.True(SameMemory(tables.InlinesOf(record), view.InlinesOf(record)));
            Assert.True(SameMemory(tables.Bytes(record.Name), view.Bytes(record.Name)));
            foreach (ref readonly var range in tables.InlinesOf(record))
            {
                if (!range.OriginName.IsMissing)
                {
                    Assert.True(SameMemory(tables.Bytes(range.OriginName), view.Bytes(range.OriginName)));
                }
            }
        }

        var files = tables.Files.Table.Span;
        var ids = new List<uint> { 0, 1, uint.MaxValue };
        foreach (ref readonly var file in files)
        {
            ids.AddRange([file.Id, file.Id + 1]);
        }

        foreach (var id in ids)
        {
            var found = tables.Files.Find(id);
            Assert.Equal(found, view.FindFile(id));
            if (found >= 0)
            {
                Assert.Equal(files[found].Name, view.FileName(found));
            }
        }

        GC.KeepAlive(index);
    }

    private static bool SameMemory<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual) =>
        expected.Length == actual.Length &&
        (expected.IsEmpty || Unsafe.AreSame(ref MemoryMarshal.GetReference(expected), ref MemoryMarshal.GetReference(actual)));
}
