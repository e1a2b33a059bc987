using Microsoft.Extensions.Logging;
using Obs.SymbolFiles;

namespace Obs.Symbolication;

/// <summary>
/// A folder of symbol files and their saved indexes, shared by the processes of a machine, in
/// front of local symbol folders and symbol servers: a module's file is downloaded once per
/// machine and parsed once, and after that its index is mapped in place in milliseconds.
/// </summary>
/// <remarks>
/// <para>A module is looked for as rust-minidump's <c>HttpSymbolSupplier</c> looks: when it has no
/// debug file or id, the servers' code-file/code-id lookup recovers them (and the answer is
/// kept); then the local folders, then the cache, then the servers in order. The first answer
/// other than "not found" wins.</para>
/// <para>Entries are keyed by debug file and id, in the symbol-store layout:
/// <c>NAME/DEBUGID/NAME.sym</c> holds the downloaded text (<see cref="SymbolCacheOptions.KeepText"/>),
/// <c>NAME.sym.HASH.symindex</c> its saved index, named after the text's hash so that a new text
/// never replaces an index another process may have mapped, and small files beside them say
/// where the text came from (the URL, or a local file's path, size and modification time), which
/// decides whether the index is current. A local file's currency is checked by its size and
/// modification time, without reading it; a downloaded text is hashed as it is parsed.</para>
/// <para>Every file is written under a temporary name and renamed into place, so processes can
/// share the folder (two may download the same file; one copy stays). An index is marked verified
/// when it is written (its full-content hash is computed from the tables written), and one found
/// without that mark (left by a process that died before marking it, or copied in) is checked
/// against its full-content hash once, on first use; later opens check its header and bounds only. A text that is cut short or
/// altered, or an index that is corrupt, is deleted and built or downloaded again, never served.
/// Modules that no server has are remembered for <see cref="SymbolCacheOptions.NotFoundTimeToLive"/>.
/// Past <see cref="SymbolCacheOptions.MaxSizeBytes"/>, the entries used longest ago are deleted.</para>
/// <para>Concurrent requests for one module share one search. A cache that cannot be written
/// (a full disk, no permission) only logs: the symbols are still served. Nothing but cancellation
/// throws.</para>
/// </remarks>
public sealed partial class DiskSymbolCache : ISymbolSupplier
{
    private const string CacheName = "disk";

    private readonly SymbolCacheOptions _options;
    private readonly LocalSymbolSupplier? _local;
    private readonly HttpSymbolSupplier? _server;
    private readonly SymbolicationTelemetry _telemetry;
    private readonly SymbolFlights _flights;
    private readonly string _root;
    private readonly string _temporary;
    private readonly string _notFoundKey;

    /// <summary>Creates a cache in <see cref="SymbolCacheOptions.Directory"/> in front of <paramref name="local"/> and <paramref name="server"/>.</summary>
    /// <param name="options">Where the cache is and how it behaves.</param>
    /// <param name="local">Local symbol folders, asked first; null for none.</param>
    /// <param name="server">Symbol servers, asked for what neither the local folders nor the cache have; null for none.</param>
    /// <param name="telemetry">Where hits, misses, evictions and parses are logged and counted; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The directory is empty or not a valid path, or the size limit is not positive.</exception>
    public DiskSymbolCache(SymbolCacheOptions options, LocalSymbolSupplier? local, HttpSymbolSupplier? server, SymbolicationTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Directory, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSizeBytes, nameof(options));
        _options = options;
        _local = local;
        _server = server;
        _telemetry = telemetry ?? SymbolicationTelemetry.None;
        _root = Path.GetFullPath(options.Directory);
        _temporary = Path.GetFullPath(options.TemporaryDirectory ?? Path.Combine(_root, TemporaryFolderName));
        _notFoundKey = NotFoundKey(server);
        _flights = new SymbolFlights(LocateCoreAsync);
    }

    /// <summary>The cache's folder (a full path).</summary>
    public string Directory => _root;

    /// <summary>Where files are written before they are renamed into the cache (a full path).</summary>
    public string TemporaryDirectory => _temporary;

    /// <inheritdoc/>
    public ValueTask<SymbolFileResult> LocateAsync(ModuleIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return _flights.RunAsync(identity, cancellationToken);
    }

    private async Task<SymbolFileResult> LocateCoreAsync(ModuleIdentity module, CancellationToken cancellationToken)
    {
        if (module.DebugFile is not null && !string.IsNullOrEmpty(module.DebugId))
        {
            return await LocateByDebugIdAsync(module, cancellationToken).ConfigureAwait(false);
        }

        var (debugFile, debugId, failure) = await RecoverDebugInfoAsync(module, cancellationToken).ConfigureAwait(false);
        if (debugFile is null || debugId is null)
        {
            return failure is not null ? SymbolFileResult.LoadError(failure) : SymbolFileResult.NotFound("the module has no debug file or id");
        }

        using var result = await LocateByDebugIdAsync(module with { DebugFile = debugFile, DebugId = debugId }, cancellationToken).ConfigureAwait(false);
        return result.WithSource(null, debugFile, debugId);
    }

    /// <summary>Local folders, then the cache, then the servers, for a module with a debug file and id.</summary>
    private async Task<SymbolFileResult> LocateByDebugIdAsync(ModuleIdentity module, CancellationToken cancellationToken)
    {
        var entry = CacheEntry.ForModule(_root, module);
        if (_local is not null && _options.CacheLocalSymbols && entry is not null)
        {
            if (_local.FindFile(module) is { } file)
            {
                return LocateLocal(entry, file);
            }
        }
        else if (_local is not null)
        {
            var local = await _local.LocateAsync(module, cancellationToken).ConfigureAwait(false);
            if (local.Status != SymbolFileStatus.NotFound)
            {
                return local;
            }

            local.Dispose();
        }

        if (entry is null)
        {
            // A name that cannot be a cache entry (a path component of its own, say): asked for, never stored.
            return _server is null
                ? SymbolFileResult.NotFound()
                : await _server.DownloadAsync(module, null, cancellationToken).ConfigureAwait(false);
        }

        if (ServeDownloaded(entry) is { } cached)
        {
            _telemetry.CacheHit(CacheName, entry.Key);
            return cached;
        }

        if (_server is null)
        {
            _telemetry.CacheMiss(CacheName, entry.Key);
            return SymbolFileResult.NotFound();
        }

        if (IsRememberedNotFound(entry))
        {
            _telemetry.NotFoundRemembered(CacheName, entry.Key);
            return SymbolFileResult.NotFound($"no symbol server had {entry.Key} when last asked");
        }

        _telemetry.CacheMiss(CacheName, entry.Key);
        return await DownloadAsync(entry, module, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The debug file and id of a module that lacks them: the answer kept from an earlier lookup,
    /// or the servers' code-file/code-id lookup (whose answer, found or not, is kept).
    /// </summary>
    private async Task<(string? DebugFile, string? DebugId, string? Failure)> RecoverDebugInfoAsync(ModuleIdentity module, CancellationToken cancellationToken)
    {
        var entry = CacheEntry.ForCodeInfo(_root, module);
        if (entry is not null && ReadRecord(entry.DebugInfoFile) is { } kept
            && kept.TryGetValue("debug_file", out var keptFile) && kept.TryGetValue("debug_id", out var keptId))
        {
            _telemetry.CacheHit(CacheName, entry.Key);
            return (keptFile, keptId, null);
        }

        if (_server is null)
        {
            return (null, null, null);
        }

        if (entry is not null && IsRememberedNotFound(entry))
        {
            _telemetry.NotFoundRemembered(CacheName, entry.Key);
            return (null, null, null);
        }

        var answer = await _server.LookupDebugInfoAsync(module, cancellationToken).ConfigureAwait(false);
        switch (answer.Status)
        {
            case CodeInfoStatus.Found when entry is not null:
                WriteRecord(entry.DebugInfoFile, [("debug_file", answer.DebugFile!), ("debug_id", answer.DebugId!)]);
                break;
            case CodeInfoStatus.NotFound when entry is not null:
                RememberNotFound(entry);
                break;
            case CodeInfoStatus.Failed:
                return (null, null, answer.Message);
        }

        return (answer.DebugFile, answer.DebugId, null);
    }

    /// <summary>
    /// A local file's symbols through the cache: its saved index when the file's path, size and
    /// modification time are those it was built from, else the file parsed and its index saved.
    /// </summary>
    private SymbolFileResult LocateLocal(CacheEntry entry, string file)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(Path.GetFullPath(file));
            _ = info.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return SymbolFileResult.LoadError(ex.Message);
        }

        var identity = LocalIdentity(info);
        if (ReadSource(entry.LocalSourceFile) is { } source && source.Matches(identity) && OpenIndex(entry, source.Hash, source.Bytes) is { } cached)
        {
            _telemetry.CacheHit(CacheName, entry.Key);
            Touch(entry.LocalSourceFile);
            return SymbolFileResult.ForIndex(cached, info.FullName);
        }

        _telemetry.CacheMiss(CacheName, entry.Key);
        var built = Build(info.FullName, entry.Key, _local!.ParseOptions, out var failure);
        if (built is null)
        {
            return failure!;
        }

        // A file rewritten while it was parsed has another identity than the one read first; its
        // index is used for this dump and not stored under either.
        var after = new FileInfo(info.FullName);
        if (!after.Exists || !LocalIdentity(after).Equals(identity))
        {
            return SymbolFileResult.ForIndex(built, info.FullName);
        }

        var stored = Store(entry, built);
        if (stored is not null)
        {
            WriteSource(entry.LocalSourceFile, identity with { Hash = built.SourceHash });
            built.Dispose();
            Trim(entry);
        }

        return SymbolFileResult.ForIndex(stored ?? built, info.FullName);
    }

    /// <summary>
    /// A downloaded entry: its index when it is current and whole; else its text, when whole,
    /// parsed again (and the index saved); else null, after deleting what cannot be used.
    /// </summary>
    private SymbolFileResult? ServeDownloaded(CacheEntry entry)
    {
        if (ReadSource(entry.DownloadSourceFile) is not { Url: { } url } source)
        {
            return null;
        }

        var text = new FileInfo(entry.TextFile);
        if (OpenIndex(entry, source.Hash, source.Bytes) is { } index)
        {
            if (_options.KeepText && text.Exists && text.Length != source.Bytes)
            {
                Discard(text.FullName, entry.Key, $"the text is {text.Length} bytes, not the {source.Bytes} downloaded");
            }

            Touch(entry.DownloadSourceFile);
            return SymbolFileResult.ForIndex(index, url, symbolUrl: url);
        }

        if (!text.Exists)
        {
            Discard(entry.DownloadSourceFile, entry.Key, "neither the index nor the text is there");
            return null;
        }

        if (text.Length != source.Bytes)
        {
            Discard(text.FullName, entry.Key, $"the text is {text.Length} bytes, not the {source.Bytes} downloaded");
            Discard(entry.DownloadSourceFile, entry.Key, "its text is gone");
            return null;
        }

        var built = Build(text.FullName, entry.Key, _server?.ParseOptions, out _);
        if (built is null || built.SourceHash != source.Hash)
        {
            built?.Dispose();
            Discard(text.FullName, entry.Key, "the text is not the one downloaded (its hash differs)");
            Discard(entry.DownloadSourceFile, entry.Key, "its text is gone");
            return null;
        }

        var stored = Store(entry, built);
        if (stored is not null)
        {
            built.Dispose();
        }

        Touch(entry.DownloadSourceFile);
        return SymbolFileResult.ForIndex(stored ?? (SymbolIndexReference)built, url, symbolUrl: url);
    }

    /// <summary>
    /// Downloads the module's file, copying its text to a temporary file while it is parsed, and
    /// stores the text, the index and where they came from; remembers a module no server has.
    /// </summary>
    private async Task<SymbolFileResult> DownloadAsync(CacheEntry entry, ModuleIdentity module, CancellationToken cancellationToken)
    {
        using var text = _options.KeepText && EnsureFolder(_temporary) ? TemporaryText.TryCreate(_temporary, _telemetry.Logger) : null;
        var result = await _server!.DownloadAsync(module, text, cancellationToken).ConfigureAwait(false);
        if (result.Status == SymbolFileStatus.NotFound)
        {
            RememberNotFound(entry);
            return result;
        }

        if (result.Index is not { } index || result.SymbolUrl is not { } url)
        {
            return result;
        }

        var stored = Store(entry, index);
        var textKept = text is not null && text.TryCommit(entry.TextFile, index.Statistics.Bytes);
        if (stored is not null || textKept)
        {
            WriteSource(entry.DownloadSourceFile, new SourceIdentity(url, null, index.Statistics.Bytes, null, index.SourceHash));
            ForgetNotFound(entry);
            Trim(entry);
        }

        if (stored is null)
        {
            return result;
        }

        using (result)
        {
            return result.WithIndex(stored);
        }
    }

    /// <summary>Parses a text file; null with the result to report when it cannot be read or is not a symbol file.</summary>
    private SymbolIndex? Build(string path, string key, SymbolParseOptions? parseOptions, out SymbolFileResult? failure)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var index = LocalSymbolSupplier.TryParse(path, parseOptions, out failure);
        if (index is not null)
        {
            _telemetry.Parsed(key, index.Statistics.Bytes, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }

        return index;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "symbol cache: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string reason);
}
