namespace Obs.Symbolication;

/// <summary>
/// The symbol servers an <see cref="HttpSymbolSupplier"/> asks, and how: Tecken's protocol
/// (<c>BASE/DEBUGFILE/DEBUGID/NAME.sym</c>, and the code-file/code-id lookup answered with a
/// redirect), as minidump-stackwalk's <c>--symbols-url</c> speaks it.
/// </summary>
public sealed record SymbolServerOptions
{
    /// <summary>
    /// The base URLs, tried in order for each module until one has its file (a trailing <c>/</c>
    /// is added when missing, as rust-minidump does). A response other than a success moves on to
    /// the next URL.
    /// </summary>
    public IList<Uri> Urls { get; init; } = [];

    /// <summary>
    /// The longest one download may take, from the request to the last byte of the body (the
    /// default is minidump-stackwalk's, 1000 seconds). A
    /// download that takes longer is abandoned (and retried, see <see cref="MaxRetries"/>).
    /// </summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(1000);

    /// <summary>How many downloads run at once, across every module and URL (at least 1; default 4).</summary>
    public int MaxConcurrentDownloads { get; init; } = 4;

    /// <summary>
    /// Headers sent with every request, for example a token a server requires. They are sent to
    /// the base URLs' own hosts only: a redirect to another host (a storage bucket or CDN) does not
    /// carry them.
    /// </summary>
    public IDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How many times a request is retried after a server error (5xx, 408, 429), a timeout, a
    /// failed connection or a body cut short, with exponential backoff from
    /// <see cref="RetryDelay"/> (default 2; 0 disables retries). A 404 or other client error is
    /// an answer and is not retried.
    /// </summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>
    /// The wait before the first retry; each later retry waits twice as long, with up to a quarter
    /// added at random so that clients do not retry in step. A server's <c>Retry-After</c> is
    /// honoured up to <see cref="MaxRetryDelay"/>. Default half a second.
    /// </summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two tries of a request (default 30 seconds).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Receives the progress of each download as its bytes arrive (at most a few times a second per
    /// download) and once when it ends, for a progress display. Null (the default) reports nothing.
    /// It is called on the download's thread and must be quick.
    /// </summary>
    public IProgress<SymbolDownloadProgress>? Progress { get; init; }
}

/// <summary>How far a symbol file's download has got (see <see cref="SymbolServerOptions.Progress"/>).</summary>
/// <param name="Module">The symbol file's name (<c>xul.sym</c>).</param>
/// <param name="Url">The URL being downloaded.</param>
/// <param name="BytesReceived">Bytes of the file received so far, after decompression.</param>
/// <param name="ContentLength">The size the server announced (compressed when it sends gzip), or null.</param>
/// <param name="Elapsed">Time since the download began.</param>
/// <param name="Completed">True on the last report of the download, whether it succeeded or failed.</param>
public readonly record struct SymbolDownloadProgress(string Module, string Url, long BytesReceived, long? ContentLength, TimeSpan Elapsed, bool Completed)
{
    /// <summary>The average rate so far, in bytes per second (0 before any time has passed).</summary>
    public double BytesPerSecond => Elapsed > TimeSpan.Zero ? BytesReceived / Elapsed.TotalSeconds : 0;
}
