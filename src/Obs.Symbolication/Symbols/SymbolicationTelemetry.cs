using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Obs.Symbolication;

/// <summary>
/// What the symbol stores and caches report: <see cref="ILogger"/> events (downloads, cache hits
/// and misses, parses, evictions) and <see cref="System.Diagnostics.Metrics"/> instruments on the
/// meter <see cref="MeterName"/>, for a service's dashboards. One instance is shared by every
/// store and cache of a process (or of a DI container).
/// </summary>
public sealed partial class SymbolicationTelemetry : IDisposable
{
    /// <summary>The name of the meter the instruments belong to.</summary>
    public const string MeterName = "Obs.Symbolication";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _downloads;
    private readonly Counter<long> _downloadBytes;
    private readonly Histogram<double> _downloadSeconds;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _evictions;
    private readonly UpDownCounter<long> _cacheBytes;
    private readonly Counter<long> _discarded;
    private readonly Histogram<double> _parseSeconds;

    /// <summary>
    /// Creates the telemetry. With <paramref name="meterFactory"/> (a host's <c>IMeterFactory</c>)
    /// the meter is the factory's; without, it is created here and disposed with this instance.
    /// </summary>
    public SymbolicationTelemetry(ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(MeterName);
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _downloads = _meter.CreateCounter<long>("obs.symbolication.downloads", "{download}",
            "Symbol file downloads, by result (found, not_found, error)");
        _downloadBytes = _meter.CreateCounter<long>("obs.symbolication.download.bytes", "By", "Bytes of symbol files downloaded");
        _downloadSeconds = _meter.CreateHistogram<double>("obs.symbolication.download.duration", "s", "Time a symbol file download took");
        _hits = _meter.CreateCounter<long>("obs.symbolication.cache.hits", "{lookup}", "Symbol lookups a cache answered, by cache (memory, disk)");
        _misses = _meter.CreateCounter<long>("obs.symbolication.cache.misses", "{lookup}", "Symbol lookups a cache could not answer, by cache (memory, disk)");
        _evictions = _meter.CreateCounter<long>("obs.symbolication.cache.evictions", "{entry}", "Entries a cache evicted, by cache (memory, disk)");
        _cacheBytes = _meter.CreateUpDownCounter<long>("obs.symbolication.cache.size", "By",
            "Bytes a cache holds, by cache (memory: the private memory of its indexes, as its budget counts it)");
        _discarded = _meter.CreateCounter<long>("obs.symbolication.cache.discarded", "{file}",
            "Cached files found unusable (cut short, corrupt) and deleted, by cache (memory, disk)");
        _parseSeconds = _meter.CreateHistogram<double>("obs.symbolication.parse.duration", "s", "Time building a symbol index from text took");
    }

    /// <summary>
    /// A telemetry that logs nothing and records nothing: its meter is disposed at once, so that a
    /// listener subscribed to <see cref="MeterName"/> (a host's metrics) does not count what stores
    /// built without telemetry do.
    /// </summary>
    public static SymbolicationTelemetry None { get; } = CreateSilent();

    /// <summary>The logger the stores and caches write to (category <see cref="MeterName"/>).</summary>
    public ILogger Logger { get; }

    /// <summary>A download ended: <paramref name="result"/> is <c>found</c>, <c>not_found</c> or <c>error</c>.</summary>
    public void Downloaded(string url, string result, long bytes, TimeSpan elapsed)
    {
        _downloads.Add(1, new KeyValuePair<string, object?>("result", result));
        if (bytes > 0)
        {
            _downloadBytes.Add(bytes);
        }

        _downloadSeconds.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("result", result));
        LogDownloaded(Logger, url, result, bytes, elapsed.TotalSeconds);
    }

    /// <summary>A cache (<c>memory</c> or <c>disk</c>) answered a lookup for <paramref name="module"/>.</summary>
    public void CacheHit(string cache, string module)
    {
        _hits.Add(1, new KeyValuePair<string, object?>("cache", cache));
        LogCacheHit(Logger, cache, module);
    }

    /// <summary>A cache (<c>memory</c> or <c>disk</c>) could not answer a lookup for <paramref name="module"/>.</summary>
    public void CacheMiss(string cache, string module)
    {
        _misses.Add(1, new KeyValuePair<string, object?>("cache", cache));
        LogCacheMiss(Logger, cache, module);
    }

    /// <summary>
    /// A cache (<c>memory</c> or <c>disk</c>) answered a lookup for <paramref name="module"/> with a
    /// remembered "not found", without asking the symbol servers (counted as a hit with the tag
    /// <c>result=not_found</c>).
    /// </summary>
    public void NotFoundRemembered(string cache, string module)
    {
        _hits.Add(1, new KeyValuePair<string, object?>("cache", cache), new KeyValuePair<string, object?>("result", "not_found"));
        LogNotFoundRemembered(Logger, cache, module);
    }

    /// <summary>
    /// A cache (<c>memory</c> or <c>disk</c>) found a file of <paramref name="entry"/> that cannot be
    /// used (a text cut short, a corrupt index) and deleted it, to build or fetch it again.
    /// </summary>
    public void Discarded(string cache, string entry, string reason)
    {
        _discarded.Add(1, new KeyValuePair<string, object?>("cache", cache));
        LogDiscarded(Logger, cache, entry, reason);
    }

    /// <summary>A cache (<c>memory</c> or <c>disk</c>) evicted <paramref name="entry"/>.</summary>
    public void Evicted(string cache, string entry, string reason)
    {
        _evictions.Add(1, new KeyValuePair<string, object?>("cache", cache));
        LogEvicted(Logger, cache, entry, reason);
    }

    /// <summary>
    /// A cache (<c>memory</c> or <c>disk</c>) now holds <paramref name="deltaBytes"/> more bytes
    /// (fewer when negative): an entry was added or evicted.
    /// </summary>
    public void CacheSizeChanged(string cache, long deltaBytes)
    {
        if (deltaBytes != 0)
        {
            _cacheBytes.Add(deltaBytes, new KeyValuePair<string, object?>("cache", cache));
        }
    }

    /// <summary>An index was built from the text of <paramref name="module"/>'s symbol file.</summary>
    public void Parsed(string module, long bytes, TimeSpan elapsed)
    {
        _parseSeconds.Record(elapsed.TotalSeconds);
        LogParsed(Logger, module, bytes, elapsed.TotalSeconds);
    }

    private static SymbolicationTelemetry CreateSilent()
    {
        var telemetry = new SymbolicationTelemetry();
        telemetry.Dispose();
        return telemetry;
    }

    /// <summary>Disposes the meter when this instance created it.</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "download {Url}: {Result}, {Bytes} bytes in {Seconds:0.000} s")]
    private static partial void LogDownloaded(ILogger logger, string url, string result, long bytes, double seconds);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "{Cache} cache hit: {Module}")]
    private static partial void LogCacheHit(ILogger logger, string cache, string module);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "{Cache} cache miss: {Module}")]
    private static partial void LogCacheMiss(ILogger logger, string cache, string module);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "{Cache} cache evicted {Entry} ({Reason})")]
    private static partial void LogEvicted(ILogger logger, string cache, string entry, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "{Cache} cache remembers {Module} as not found")]
    private static partial void LogNotFoundRemembered(ILogger logger, string cache, string module);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "{Cache} cache discarded {Entry}: {Reason}")]
    private static partial void LogDiscarded(ILogger logger, string cache, string entry, string reason);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "parsed {Module}: {Bytes} bytes in {Seconds:0.000} s")]
    private static partial void LogParsed(ILogger logger, string module, long bytes, double seconds);
}
