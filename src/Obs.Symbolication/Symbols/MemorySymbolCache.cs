using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;
using Obs.SymbolFiles;

namespace Obs.Symbolication;

/// <summary>
/// An in-process cache in front of another <see cref="ISymbolSupplier"/> (a local store, a symbol
/// server, a disk cache), for a service that processes many dumps: each module's symbols are
/// loaded once and kept, within a byte budget, for every later dump that needs them.
/// </summary>
/// <remarks>
/// <para><b>References.</b> The cache keeps the inner supplier's result, which owns a reference to
/// the index; every <see cref="LocateAsync"/> hands out a new result holding a lease
/// (<see cref="SymbolIndexReference.TryLease"/>) that the walk disposes when it ends. Evicting an
/// entry (for the budget, on expiry, on <see cref="Clear"/> or <see cref="Dispose"/>) disposes
/// the cache's reference only: walks in flight keep their leases and finish undisturbed, and the
/// index's memory is freed when the last of them ends. A request that races an eviction either
/// gets its lease before the memory is gone or loads the module again; it never gets a released
/// index.</para>
/// <para><b>Budget.</b> <see cref="MemorySymbolCacheOptions.BudgetBytes"/> counts private memory: a
/// built index's tables and managed part, and only the managed part of a mapped one. Entries are
/// kept in a <see cref="MemoryCache"/> of that size limit; to make room for a new entry the least
/// recently used ones (expired ones first) are evicted before it is added, so that a newcomer is
/// never refused while stale entries hold the room.</para>
/// <para><b>Single flight.</b> However many requests for a module arrive at once, the inner
/// supplier is asked once; the others wait for that load. A request whose token is cancelled stops
/// waiting, but the load goes on for the others, and is kept for the next dump even when every
/// requester has given up (it stops only when the cache is disposed). Answers without symbols are
/// kept too, each kind for its own time (<see cref="MemorySymbolCacheOptions.NotFoundTimeToLive"/>,
/// <see cref="MemorySymbolCacheOptions.LoadErrorTimeToLive"/>,
/// <see cref="MemorySymbolCacheOptions.CorruptTimeToLive"/>).</para>
/// <para><b>Keys.</b> Entries are keyed by the leaf names of the code and debug files with the
/// code and debug ids, so that the same module loaded from different folders shares one entry; an
/// inner supplier must give the same symbols for identities that agree on those, as the stores of
/// this package do (they use only <see cref="SymbolFilePaths"/>'s leaf names).</para>
/// <para><b>Telemetry.</b> Hits (requests that did not start a load, including those that joined
/// one in flight; a remembered "not found" is a hit tagged <c>result=not_found</c>), misses,
/// evictions and the bytes held are reported under the cache name <c>memory</c>
/// (<see cref="SymbolicationTelemetry"/>).</para>
/// <para>The cache does not dispose the inner supplier.</para>
/// </remarks>
public sealed class MemorySymbolCache : ISymbolSupplier, IDisposable
{
    /// <summary>The cache name telemetry reports.</summary>
    private const string CacheName = "memory";

    /// <summary>What an entry costs besides its index: the cache's and the result's objects, and its key.</summary>
    private const long EntryOverheadBytes = 512;

    /// <summary>The managed part of any index: its objects, metadata and statistics.</summary>
    private const long IndexOverheadBytes = 4096;

    /// <summary>
    /// Per FILE record of an index: the slot of its decoded name and the name itself, decoded on
    /// first use (a typical path, as a UTF-16 string).
    /// </summary>
    private const long BytesPerFile = 8 + 224;

    private readonly ISymbolSupplier _inner;
    private readonly SymbolicationTelemetry _telemetry;
    private readonly MemoryCache _cache;
    private readonly long _budgetBytes;
    private readonly TimeSpan _notFoundTimeToLive;
    private readonly TimeSpan _loadErrorTimeToLive;
    private readonly TimeSpan _corruptTimeToLive;
    private readonly TimeSpan? _slidingExpiration;
    private readonly ConcurrentDictionary<ModuleKey, Flight> _flights = new();

    /// <summary>Every entry the cache holds a reference for, so that <see cref="Dispose"/> can release them at once.</summary>
    private readonly ConcurrentDictionary<Entry, byte> _entries = new();

    /// <summary>Serializes making room and adding, so that the room made is the room used.</summary>
    private readonly Lock _admission = new();
    private readonly CancellationTokenSource _shutdown = new();
    private long _sizeBytes;
    private volatile bool _disposed;

    /// <summary>Creates a cache in front of <paramref name="inner"/>.</summary>
    /// <param name="inner">Where symbols come from on a miss.</param>
    /// <param name="options">The budget and lifetimes; null for the defaults.</param>
    /// <param name="telemetry">Where hits, misses and evictions are reported; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The budget is not positive, or a lifetime is negative.</exception>
    public MemorySymbolCache(ISymbolSupplier inner, MemorySymbolCacheOptions? options = null, SymbolicationTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        options ??= new MemorySymbolCacheOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BudgetBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.NotFoundTimeToLive, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LoadErrorTimeToLive, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CorruptTimeToLive, TimeSpan.Zero, nameof(options));
        if (options.SlidingExpiration is { } sliding)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sliding, TimeSpan.Zero, nameof(options));
        }

        _inner = inner;
        _telemetry = telemetry ?? SymbolicationTelemetry.None;
        _budgetBytes = options.BudgetBytes;
        _notFoundTimeToLive = options.NotFoundTimeToLive;
        _loadErrorTimeToLive = options.LoadErrorTimeToLive;
        _corruptTimeToLive = options.CorruptTimeToLive;
        _slidingExpiration = options.SlidingExpiration;
        _cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = options.BudgetBytes,
            TrackStatistics = true,
            Clock = options.TimeProvider is { } time && time != TimeProvider.System ? new TimeProviderClock(time) : null,
        });
    }

    /// <summary>The bytes the kept entries count against the budget.</summary>
    public long SizeBytes => Interlocked.Read(ref _sizeBytes);

    /// <summary>How many entries (modules with symbols or remembered answers without) are kept.</summary>
    public int Count => _cache.Count;

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The cache has been disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled
    /// (the load this request waited for goes on for the others).</exception>
    public async ValueTask<SymbolFileResult> LocateAsync(ModuleIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();

        var key = ModuleKey.From(identity);
        while (true)
        {
            if (_cache.TryGetValue(key, out Entry? cached) && cached is not null)
            {
                // Null when an eviction released the index between the lookup and the lease: the
                // entry has already left the cache, so the next round loads the module again.
                var result = cached.TryLease();
                if (result is not null)
                {
                    if (result.Status == SymbolFileStatus.NotFound)
                    {
                        _telemetry.NotFoundRemembered(CacheName, key.Name);
                    }
                    else
                    {
                        _telemetry.CacheHit(CacheName, key.Name);
                    }

                    return result;
                }
            }

            ObjectDisposedException.ThrowIf(_disposed, this);
            var mine = new Flight();
            var flight = _flights.GetOrAdd(key, mine);
            if (!flight.TryJoin())
            {
                // That load has just landed: its entry is in the cache (or already evicted).
                continue;
            }

            if (flight == mine)
            {
                _telemetry.CacheMiss(CacheName, key.Name);

                // On the thread pool: a supplier that loads synchronously would otherwise hold this
                // request's thread, which could then not stop waiting when its token is cancelled.
                _ = Task.Run(() => LoadAsync(key, identity, flight), CancellationToken.None);
            }
            else
            {
                _telemetry.CacheHit(CacheName, key.Name);
            }

            Entry entry;
            try
            {
                entry = await flight.Landed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                flight.Leave();
                throw;
            }

            return flight.Take(entry);
        }
    }

    /// <summary>Evicts every entry and releases the cache's references to their indexes. Walks in flight keep their leases.</summary>
    public void Clear()
    {
        lock (_admission)
        {
            if (_disposed)
            {
                return;
            }

            _cache.Clear();

            // The cache's eviction callbacks run later on the thread pool; the references are
            // released now (no entry is added meanwhile, and releasing one twice does nothing).
            ReleaseAll();
        }
    }

    /// <summary>
    /// Evicts every entry and stops the loads in flight; requests waiting for them fail with
    /// <see cref="ObjectDisposedException"/>. Walks in flight keep their leases. The inner
    /// supplier is not disposed.
    /// </summary>
    public void Dispose()
    {
        lock (_admission)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _cache.Clear();
            ReleaseAll();
        }

        _shutdown.Cancel();
        _cache.Dispose();
        _shutdown.Dispose();
    }

    /// <summary>The bytes <paramref name="result"/> counts against a budget of private memory.</summary>
    internal static long EstimateBytes(SymbolFileResult result)
    {
        var bytes = EntryOverheadBytes + (2L * ((result.Message?.Length ?? 0) + (result.SymbolUrl?.Length ?? 0)));
        if (result.Index is { } index)
        {
            bytes += IndexOverheadBytes + (BytesPerFile * index.Statistics.Files);

            // A mapped index's tables are pages of its file, which belong to the page cache.
            if (!index.IsMapped)
            {
                bytes += index.MemoryBytes;
            }
        }

        return bytes;
    }

    private async Task LoadAsync(ModuleKey key, ModuleIdentity identity, Flight flight)
    {
        Entry entry;
        SymbolIndexLease? hold = null;
        try
        {
            var result = await _inner.LocateAsync(identity, _shutdown.Token).ConfigureAwait(false);
            entry = new Entry(key, result);
            if (entry.HasIndex && !result.Index!.TryLease(out hold))
            {
                result.Dispose();
                throw new InvalidOperationException($"{_inner.GetType().Name} returned a released index for {key.Name}");
            }
        }
        catch (Exception e)
        {
            var failure = e is OperationCanceledException && _disposed ? new ObjectDisposedException(GetType().FullName) : e;
            flight.Fail(failure, () => _flights.TryRemove(new KeyValuePair<ModuleKey, Flight>(key, flight)));
            return;
        }

        // The hold keeps the index alive from here until every request waiting for this load has
        // taken its lease, even if the entry is evicted at once (or not kept at all). The waiters
        // get the entry whatever happens to the admission.
        try
        {
            Admit(entry);
        }
        finally
        {
            flight.Land(entry, hold, () => _flights.TryRemove(new KeyValuePair<ModuleKey, Flight>(key, flight)));
        }
    }

    private void Admit(Entry entry)
    {
        var timeToLive = entry.Status switch
        {
            SymbolFileStatus.Found => (TimeSpan?)null,
            SymbolFileStatus.NotFound => _notFoundTimeToLive,
            SymbolFileStatus.LoadError => _loadErrorTimeToLive,
            _ => _corruptTimeToLive,
        };

        if (timeToLive == TimeSpan.Zero)
        {
            entry.Release();
            return;
        }

        if (entry.Bytes > _budgetBytes)
        {
            _telemetry.Evicted(CacheName, entry.Key.Name, "larger than the budget");
            entry.Release();
            return;
        }

        var options = new MemoryCacheEntryOptions
        {
            Size = entry.Bytes,
            AbsoluteExpirationRelativeToNow = timeToLive,
            SlidingExpiration = _slidingExpiration,
        };
        options.RegisterPostEvictionCallback(static (_, value, reason, state) =>
        {
            // Under the admission lock, so that once Clear, Dispose or a making of room returns,
            // the entries they removed are released (this callback, which the cache runs later
            // on the thread pool, then finds them gone).
            var cache = (MemorySymbolCache)state!;
            lock (cache._admission)
            {
                cache.Release((Entry)value!, reason);
            }
        }, this);

        lock (_admission)
        {
            if (_disposed)
            {
                entry.Release();
                return;
            }

            MakeRoom(entry.Bytes);
            _entries.TryAdd(entry, 0);
            Interlocked.Add(ref _sizeBytes, entry.Bytes);
            _telemetry.CacheSizeChanged(CacheName, entry.Bytes);
            _cache.Set(entry.Key, entry, options);
        }
    }

    /// <summary>
    /// Evicts least recently used entries (expired ones first) until <paramref name="bytes"/> more
    /// fit the budget, and releases their references at once, so that their memory is free before
    /// the new entry's is counted.
    /// </summary>
    private void MakeRoom(long bytes)
    {
        var evicted = false;
        while (true)
        {
            var count = _cache.Count;
            var held = _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;
            if (count == 0 || held + bytes <= _budgetBytes)
            {
                break;
            }

            // Compact takes a share of the entries; this share is one entry (1.5 / count rounds down to 1).
            _cache.Compact(Math.Min(1.0, 1.5 / count));
            if (_cache.Count >= count)
            {
                break;
            }

            evicted = true;
        }

        if (evicted)
        {
            // The cache's eviction callbacks run later, on the thread pool.
            var kept = new HashSet<object>(_cache.Keys);
            foreach (var entry in _entries.Keys)
            {
                if (!kept.Contains(entry.Key))
                {
                    Release(entry, EvictionReason.Capacity);
                }
            }
        }
    }

    private void ReleaseAll()
    {
        foreach (var entry in _entries.Keys)
        {
            Release(entry, EvictionReason.Removed);
        }
    }

    /// <summary>Releases the cache's reference of an entry that left the cache (once, whatever reports it).</summary>
    private void Release(Entry entry, EvictionReason reason)
    {
        if (!_entries.TryRemove(entry, out _))
        {
            return;
        }

        Interlocked.Add(ref _sizeBytes, -entry.Bytes);
        _telemetry.CacheSizeChanged(CacheName, -entry.Bytes);
        _telemetry.Evicted(CacheName, entry.Key.Name, ReasonName(reason));
        entry.Release();
    }

    private static string ReasonName(EvictionReason reason) => reason switch
    {
        EvictionReason.Capacity => "capacity",
        EvictionReason.Expired => "expired",
        EvictionReason.Replaced => "replaced",
        EvictionReason.TokenExpired => "token expired",
        _ => "removed",
    };

    /// <summary>What identifies a module's symbols to the stores: leaf names and ids.</summary>
    private sealed record ModuleKey(string CodeFileName, string? CodeId, string? DebugFileName, string? DebugId)
    {
        public static ModuleKey From(ModuleIdentity identity) => new(
            identity.CodeFileName,
            identity.CodeId,
            identity.DebugFile is null ? null : SymbolFilePaths.LeafName(identity.DebugFile),
            identity.DebugId);

        /// <summary>The name logs give the entry: <c>debug file/debug id</c>, else <c>code file/code id</c>.</summary>
        public string Name => string.IsNullOrEmpty(DebugFileName) || string.IsNullOrEmpty(DebugId)
            ? $"{CodeFileName}/{CodeId}"
            : $"{DebugFileName}/{DebugId}";
    }

    /// <summary>A kept answer: the inner supplier's result, which owns the cache's reference to the index.</summary>
    private sealed class Entry
    {
        private readonly SymbolFileResult _result;

        public Entry(ModuleKey key, SymbolFileResult result)
        {
            Key = key;
            _result = result;
            HasIndex = result.Index is not null;
            Bytes = EstimateBytes(result);
        }

        public ModuleKey Key { get; }

        public SymbolFileStatus Status => _result.Status;

        public bool HasIndex { get; }

        public long Bytes { get; }

        /// <summary>A result with a new lease on the index; null once the index has been released.</summary>
        public SymbolFileResult? TryLease()
        {
            if (!HasIndex)
            {
                return _result.WithIndex(null);
            }

            // The reference may be released at any moment by an eviction: then the index is
            // null, or the lease fails once nothing holds its memory any longer.
            var index = _result.Index;
            return index is not null && index.TryLease(out var lease) ? _result.WithIndex(lease) : null;
        }

        /// <summary>A result with a lease taken through <paramref name="hold"/>, which is held and so cannot fail.</summary>
        public SymbolFileResult LeaseThrough(SymbolIndexLease? hold)
        {
            if (!HasIndex)
            {
                return _result.WithIndex(null);
            }

            return hold!.TryLease(out var lease)
                ? _result.WithIndex(lease)
                : throw new InvalidOperationException("a held index could not be leased");
        }

        public void Release() => _result.Dispose();
    }

    /// <summary>One load of a module and the requests waiting for it.</summary>
    private sealed class Flight
    {
        private readonly TaskCompletionSource<Entry> _landed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private int _waiters;
        private bool _closed;
        private SymbolIndexLease? _hold;

        public Task<Entry> Landed => _landed.Task;

        /// <summary>Counts a request in; false once the load has landed (the request should look in the cache again).</summary>
        public bool TryJoin()
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return false;
                }

                _waiters++;
                return true;
            }
        }

        /// <summary>Publishes the loaded entry; <paramref name="hold"/> keeps its index alive until every waiter has a lease.</summary>
        public void Land(Entry entry, SymbolIndexLease? hold, Action unlist)
        {
            lock (_gate)
            {
                _closed = true;
                _hold = hold;
                unlist();
                if (_waiters == 0)
                {
                    ReleaseHold();
                }
            }

            _landed.SetResult(entry);
        }

        public void Fail(Exception exception, Action unlist)
        {
            lock (_gate)
            {
                _closed = true;
                unlist();
            }

            _landed.SetException(exception);

            // Observed here, so that a failure nobody waited for is not reported as unobserved.
            _ = _landed.Task.Exception;
        }

        /// <summary>A waiter's result for the landed entry.</summary>
        public SymbolFileResult Take(Entry entry)
        {
            lock (_gate)
            {
                try
                {
                    return entry.LeaseThrough(_hold);
                }
                finally
                {
                    if (--_waiters == 0)
                    {
                        ReleaseHold();
                    }
                }
            }
        }

        /// <summary>A waiter stopped waiting (cancelled, or the load failed).</summary>
        public void Leave()
        {
            lock (_gate)
            {
                if (--_waiters == 0 && _closed)
                {
                    ReleaseHold();
                }
            }
        }

        private void ReleaseHold()
        {
            _hold?.Dispose();
            _hold = null;
        }
    }

    /// <summary>The <see cref="MemoryCache"/> clock over a <see cref="TimeProvider"/>.</summary>
    private sealed class TimeProviderClock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
