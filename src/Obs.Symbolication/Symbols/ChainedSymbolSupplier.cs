namespace Obs.Symbolication;

/// <summary>
/// Several suppliers asked in order, without a cache (rust-minidump's cascade): local folders
/// first, say, then symbol servers. The first answer other than
/// <see cref="SymbolFileStatus.NotFound"/> wins, so a local file that is corrupt or cannot be read
/// is reported as such rather than fetched again from a server.
/// </summary>
public sealed class ChainedSymbolSupplier : ISymbolSupplier
{
    private readonly ISymbolSupplier[] _suppliers;

    /// <summary>Creates a chain of <paramref name="suppliers"/>, asked in order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="suppliers"/> or one of them is null.</exception>
    public ChainedSymbolSupplier(IEnumerable<ISymbolSupplier> suppliers)
    {
        ArgumentNullException.ThrowIfNull(suppliers);
        _suppliers = [.. suppliers];
        foreach (var supplier in _suppliers)
        {
            ArgumentNullException.ThrowIfNull(supplier, nameof(suppliers));
        }
    }

    /// <summary>The suppliers, in the order they are asked.</summary>
    public IReadOnlyList<ISymbolSupplier> Suppliers => _suppliers;

    /// <inheritdoc/>
    public async ValueTask<SymbolFileResult> LocateAsync(ModuleIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        SymbolFileResult? last = null;
        foreach (var supplier in _suppliers)
        {
            var result = await supplier.LocateAsync(identity, cancellationToken).ConfigureAwait(false);
            if (result.Status != SymbolFileStatus.NotFound)
            {
                last?.Dispose();
                return result;
            }

            last?.Dispose();
            last = result;
        }

        return last ?? SymbolFileResult.NotFound();
    }
}
