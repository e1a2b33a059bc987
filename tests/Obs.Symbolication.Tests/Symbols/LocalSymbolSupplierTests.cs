using Obs.SymbolFiles;
using static Obs.Symbolication.Tests.Symbols.SymbolStoreScenario;

namespace Obs.Symbolication.Tests.Symbols;

/// <summary>
/// <see cref="LocalSymbolSupplier"/> with files named directly: a text serves the module its
/// MODULE line names, a saved index the module it was built for, and neither serves another.
/// </summary>
public sealed class LocalSymbolSupplierTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ModuleIdentity OtherModule => new("other.dll", null, "other.pdb", "ABCDEF0123456789ABCDEF01234567891");

    [Fact]
    public async Task A_text_named_directly_serves_its_module_only()
    {
        using var folder = new TemporaryFolder();
        var text = folder.Combine("named.sym");
        File.WriteAllBytes(text, ShowSseConfigText);
        var supplier = new LocalSymbolSupplier([text]);

        using var found = await supplier.LocateAsync(DebugModule, Cancel);
        using var missing = await supplier.LocateAsync(OtherModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, found.Status);
        Assert.False(found.Index!.IsMapped);
        Assert.Equal(SymbolFileStatus.NotFound, missing.Status);
    }

    [Fact]
    public async Task A_saved_index_named_directly_serves_its_module_only()
    {
        using var folder = new TemporaryFolder();
        var saved = folder.Combine("named.symindex");
        SymbolIndex.Parse(ShowSseConfigText).SaveAndDispose(saved);
        var supplier = new LocalSymbolSupplier([folder.Combine("missing.sym"), saved]);

        using var found = await supplier.LocateAsync(DebugModule, Cancel);
        using var missing = await supplier.LocateAsync(OtherModule, Cancel);

        Assert.Equal(SymbolFileStatus.Found, found.Status);
        Assert.True(found.Index!.IsMapped);
        Assert.True(found.Index.TryLookup(0x1000, out var hit));
        Assert.Equal("wmain()", hit.Function.Name);
        Assert.Equal(SymbolFileStatus.NotFound, missing.Status);
    }

    [Fact]
    public async Task A_file_that_is_neither_serves_nothing()
    {
        using var folder = new TemporaryFolder();
        var other = folder.Combine("other.bin");
        File.WriteAllBytes(other, [0x4F, 0x42, 0x53, 0x53, 0x59, 0x4D, 0x49, 0x58, 1, 2, 3]);
        var supplier = new LocalSymbolSupplier([other]);

        using var result = await supplier.LocateAsync(DebugModule, Cancel);

        Assert.Equal(SymbolFileStatus.NotFound, result.Status);
    }
}
