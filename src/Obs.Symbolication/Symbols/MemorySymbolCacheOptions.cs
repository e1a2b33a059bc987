namespace Obs.Symbolication;

/// <summary>
/// How a <see cref="MemorySymbolCache"/> keeps symbols: its byte budget and how long it remembers
/// answers that found no usable symbols. The cache reads the values once, when it is created.
/// </summary>
/// <remarks>
/// A mutable options class, as <c>MemoryCacheOptions</c> is, so that a host can bind it from its
/// configuration or set it in <c>AddObsSymbolication</c>.
/// </remarks>
public sealed class MemorySymbolCacheOptions
{
    /// <summary>The default <see cref="BudgetBytes"/>: 1 GiB.</summary>
    public const long DefaultBudgetBytes = 1L << 30;

    /// <summary>
    /// The most private memory the kept indexes may take, in bytes: a built index counts its
    /// tables (<see cref="Obs.SymbolFiles.SymbolIndexReference.MemoryBytes"/>) plus its managed
    /// part; a mapped one (opened from a saved index, as a disk cache does) only its managed part,
    /// since its pages belong to the page cache. Past the budget the least recently used entries
    /// are evicted. An index larger than the whole budget is served to the walks that asked for
    /// it and not kept. Default 1 GiB.
    /// </summary>
    public long BudgetBytes { get; set; } = DefaultBudgetBytes;

    /// <summary>
    /// How long an answer that no store has the module's symbols
    /// (<see cref="SymbolFileStatus.NotFound"/>) is remembered, so that a module without symbols is
    /// not asked for again by every dump. <see cref="TimeSpan.Zero"/> remembers nothing. Default 10 minutes.
    /// </summary>
    public TimeSpan NotFoundTimeToLive { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a failure to read or download a symbol file (<see cref="SymbolFileStatus.LoadError"/>)
    /// is remembered. Such failures are often transient (a timeout, a server error), so this is
    /// short; <see cref="TimeSpan.Zero"/> remembers nothing. Default 1 minute.
    /// </summary>
    public TimeSpan LoadErrorTimeToLive { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a corrupt symbol file (<see cref="SymbolFileStatus.Corrupt"/>) is remembered, with
    /// the index of what parsed, if anything (counted against the budget like any index). The same
    /// file is as corrupt the next time, so it is kept like good symbols, but only this long, so
    /// that a file replaced in its store is picked up. <see cref="TimeSpan.Zero"/> remembers
    /// nothing. Default 1 hour.
    /// </summary>
    public TimeSpan CorruptTimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// When set, an entry not asked for during this time is evicted even while the budget has
    /// room, which gives a service's memory back when the modules it sees change. Default null:
    /// good symbols stay until the budget needs their room.
    /// </summary>
    public TimeSpan? SlidingExpiration { get; set; }

    /// <summary>The clock of the expirations; null for <see cref="TimeProvider.System"/>. Tests set a fake one.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
