using System.Collections.Concurrent;

using Obs.SymbolFiles;

namespace Obs.Symbolication.Tests;

/// <summary>
/// A supplier that loads each module's symbols once from local folders and keeps them for every
/// later dump, so tests that process many dumps parse each symbol file once.
/// </summary>
internal sealed class CachedSymbolSupplier : ISymbolSupplier
{
    private readonly LocalSymbolSupplier _local;
    private readonly ConcurrentDictionary<ModuleIdentity, Lazy<SymbolFileResult>> _cache = new();

    public CachedSymbolSupplier(params string[] paths) => _local = new LocalSymbolSupplier(paths);

    public ValueTask<SymbolFileResult> LocateAsync(ModuleIdentity identity, CancellationToken cancellationToken)
    {
        var cached = _cache.GetOrAdd(identity, key => new Lazy<SymbolFileResult>(() => _local.LocateAsync(key, CancellationToken.None).AsTask().Result)).Value;

        // The cache keeps the loaded result, and each walk gets a lease on its index.
        return ValueTask.FromResult(cached.Status switch
        {
            SymbolFileStatus.Found => SymbolFileResult.Found(Lease(cached.Index!)),
            SymbolFileStatus.Corrupt => SymbolFileResult.Corrupt(cached.Message ?? "corrupt", cached.Index is { } index ? Lease(index) : null),
            SymbolFileStatus.LoadError => SymbolFileResult.LoadError(cached.Message ?? "unreadable"),
            _ => SymbolFileResult.NotFound(cached.Message),
        });
    }

    private static SymbolIndexLease Lease(SymbolIndexReference index) =>
        index.TryLease(out var lease) ? lease : throw new InvalidOperationException("the cached index was disposed");
}
