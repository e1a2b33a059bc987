using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// The symbols of one dump's walk (rust-minidump's <c>Symbolizer</c>): asks the supplier once per
/// module however many threads need it, keeps the results (and their references to the indexes)
/// until the walk ends, and records what happened per module for the report.
/// </summary>
internal sealed class SymbolResolver : IDisposable
{
    private readonly ISymbolSupplier? _supplier;
    private readonly bool _useCorruptSymbols;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ModuleIdentity, Lazy<Task<ModuleSymbols>>> _modules = new();
    private readonly ConcurrentDictionary<MinidumpModule, Lazy<Task<ModuleSymbols>>> _byModule = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentQueue<SymbolFileResult> _results = new();
    private readonly ConcurrentDictionary<string, ModuleSymbolStatus> _status = new(StringComparer.Ordinal);

    /// <summary>A resolver over <paramref name="supplier"/>; without one every module simply has no symbols, and nothing is recorded.</summary>
    public SymbolResolver(ISymbolSupplier? supplier, bool useCorruptSymbols, ILogger logger)
    {
        _supplier = supplier;
        _useCorruptSymbols = useCorruptSymbols;
        _logger = logger;
    }

    /// <summary>What happened per module, keyed by the code file's leaf name (a later module of the same name replaces an earlier one, as in rust-minidump).</summary>
    public IReadOnlyDictionary<string, ModuleSymbolStatus> Status => _status;

    /// <summary>The symbols of <paramref name="module"/>, loaded on first use.</summary>
    public ValueTask<ModuleSymbols> GetAsync(MinidumpModule module, CancellationToken cancellationToken)
    {
        if (_supplier is null)
        {
            return ValueTask.FromResult(ModuleSymbols.None);
        }

        // Asked for every frame and every scanned candidate: the module object itself is the key
        // that costs nothing; its identity (which modules of one dump may share) only on first use.
        if (!_byModule.TryGetValue(module, out var lazy))
        {
            lazy = _byModule.GetOrAdd(module, Find(module, cancellationToken));
        }

        var task = lazy.Value;
        return task.IsCompletedSuccessfully ? ValueTask.FromResult(task.Result) : new ValueTask<ModuleSymbols>(task);
    }

    private Lazy<Task<ModuleSymbols>> Find(MinidumpModule module, CancellationToken cancellationToken) =>
        // Every caller of one walk passes the walk's token, so the first caller's is everyone's.
        _modules.GetOrAdd(ModuleIdentity.FromModule(module), key => new Lazy<Task<ModuleSymbols>>(() => LoadAsync(key, cancellationToken)));

    private async Task<ModuleSymbols> LoadAsync(ModuleIdentity module, CancellationToken cancellationToken)
    {
        var result = await _supplier!.LocateAsync(module, cancellationToken).ConfigureAwait(false);
        _results.Enqueue(result);
        var loaded = result.Status is SymbolFileStatus.Found or SymbolFileStatus.Corrupt;
        var corrupt = result.Status == SymbolFileStatus.Corrupt;
        _status[module.CodeFileName] = new ModuleSymbolStatus(loaded, corrupt, result.SymbolUrl, result.RecoveredDebugFile, result.RecoveredDebugId);
        switch (result.Status)
        {
            case SymbolFileStatus.Found:
                SymbolLog.Loaded(_logger, module.CodeFileName, module.DebugId);
                return new ModuleSymbols(result.Index);
            case SymbolFileStatus.Corrupt:
                SymbolLog.Corrupt(_logger, module.CodeFileName, result.Message);
                return _useCorruptSymbols && result.Index is not null ? new ModuleSymbols(result.Index) : ModuleSymbols.None;
            case SymbolFileStatus.LoadError:
                SymbolLog.LoadFailed(_logger, module.CodeFileName, result.Message);
                return ModuleSymbols.None;
            default:
                SymbolLog.NotFound(_logger, module.CodeFileName, module.DebugId);
                return ModuleSymbols.None;
        }
    }

    /// <summary>Releases every result's reference to its index.</summary>
    public void Dispose()
    {
        while (_results.TryDequeue(out var result))
        {
            result.Dispose();
        }
    }
}

internal static partial class SymbolLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "loaded symbols for {Module} ({DebugId})")]
    public static partial void Loaded(ILogger logger, string module, string? debugId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "no symbols for {Module} ({DebugId})")]
    public static partial void NotFound(ILogger logger, string module, string? debugId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "corrupt symbols for {Module}: {Reason}")]
    public static partial void Corrupt(ILogger logger, string module, string? reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "could not read symbols for {Module}: {Reason}")]
    public static partial void LoadFailed(ILogger logger, string module, string? reason);
}
