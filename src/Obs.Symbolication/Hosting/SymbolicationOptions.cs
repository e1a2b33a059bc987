namespace Obs.Symbolication;

/// <summary>
/// What a service that processes minidumps configures with
/// <c>services.AddObsSymbolication(options => …)</c>: where symbols come from (local folders,
/// symbol servers), the disk cache in front of them, the in-process cache, and how each dump is
/// processed. Read once, when the symbol supplier is first resolved.
/// </summary>
/// <remarks>
/// A mutable options class for <c>Microsoft.Extensions.Options</c>. A property left null takes the
/// default of the part it configures (<see cref="SymbolServerOptions"/>,
/// <see cref="SymbolCacheOptions"/>, <see cref="StackwalkOptions"/>), which are minidump-stackwalk's.
/// </remarks>
public sealed class SymbolicationOptions
{
    /// <summary>The name of the <see cref="HttpClient"/> registered with <c>IHttpClientFactory</c> for the symbol servers.</summary>
    public const string HttpClientName = "Obs.Symbolication";

    /// <summary>
    /// Local symbol folders in the symbol-store layout (<c>NAME/DEBUGID/NAME.sym</c>), or single
    /// <c>.sym</c> files, asked first, in order (minidump-stackwalk's symbol paths).
    /// </summary>
    public IList<string> SymbolPaths { get; } = [];

    /// <summary>Symbol servers speaking Tecken's protocol, asked in order after the local folders (<c>--symbols-url</c>).</summary>
    public IList<Uri> SymbolServerUrls { get; } = [];

    /// <summary>Headers sent with every request to the symbol servers' own hosts, for example a token.</summary>
    public IDictionary<string, string> SymbolServerHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The longest one download may take (<c>--symbols-download-timeout-secs</c>); null for <see cref="SymbolServerOptions.DownloadTimeout"/>'s default.</summary>
    public TimeSpan? DownloadTimeout { get; set; }

    /// <summary>How many downloads run at once; null for <see cref="SymbolServerOptions.MaxConcurrentDownloads"/>'s default.</summary>
    public int? MaxConcurrentDownloads { get; set; }

    /// <summary>How many times a failed download is retried; null for <see cref="SymbolServerOptions.MaxRetries"/>'s default.</summary>
    public int? MaxDownloadRetries { get; set; }

    /// <summary>
    /// The disk cache's folder (<c>--symbols-cache</c>), shared by the processes of a machine:
    /// downloaded texts and saved indexes, which later processes map in milliseconds. Null (the
    /// default) for no disk cache: downloads and parses are then kept in memory only.
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Where the disk cache writes files before renaming them (<c>--symbols-tmp</c>); null for a folder inside <see cref="CacheDirectory"/>.</summary>
    public string? CacheTemporaryDirectory { get; set; }

    /// <summary>Keep downloaded texts beside their indexes in the disk cache; null for <see cref="SymbolCacheOptions.KeepText"/>'s default.</summary>
    public bool? CacheKeepsText { get; set; }

    /// <summary>The disk cache's size cap in bytes; null for <see cref="SymbolCacheOptions.MaxSizeBytes"/>'s default (none).</summary>
    public long? CacheMaxSizeBytes { get; set; }

    /// <summary>How long the disk cache remembers a module no server has; null for <see cref="SymbolCacheOptions.NotFoundTimeToLive"/>'s default.</summary>
    public TimeSpan? CacheNotFoundTimeToLive { get; set; }

    /// <summary>Keep the indexes of local symbol files in the disk cache too (<see cref="SymbolCacheOptions.CacheLocalSymbols"/>).</summary>
    public bool CacheLocalSymbols { get; set; }

    /// <summary>The in-process cache: its byte budget (<see cref="MemorySymbolCacheOptions.BudgetBytes"/>, 1 GiB by default) and lifetimes.</summary>
    public MemorySymbolCacheOptions MemoryCache { get; set; } = new();

    /// <summary>Use the parsed part of corrupt symbol files, as Breakpad does (<see cref="StackwalkOptions.UseCorruptSymbols"/>).</summary>
    public bool UseCorruptSymbols { get; set; }

    /// <summary>The longest one dump may take, symbols included (<see cref="StackwalkOptions.Timeout"/>); null for no limit.</summary>
    public TimeSpan? DumpTimeout { get; set; }

    /// <summary>How many threads of one dump are walked at once; null for <see cref="StackwalkOptions.MaxDegreeOfParallelism"/>'s default.</summary>
    public int? MaxDegreeOfParallelism { get; set; }

    /// <summary>True when any symbol source is configured: a local path or a symbol server.</summary>
    internal bool HasSymbolSources => SymbolPaths.Count > 0 || SymbolServerUrls.Count > 0;
}
