using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Obs.SymbolFiles;

namespace Obs.Symbolication;

/// <summary>
/// Breakpad symbols from symbol servers over HTTP, as rust-minidump's <c>HttpSymbolSupplier</c>
/// fetches them (Tecken's protocol): <c>GET BASE/DEBUGFILE/DEBUGID/NAME.sym?code_file=…&amp;code_id=…</c>
/// on each base URL in order (<see cref="SymbolFilePaths.BreakpadSymbolPath"/>); a module without a
/// debug file or id is first looked up by its code file and id, whose redirect names them. The
/// file is parsed while it downloads. Without a cache, every process downloads again: put a
/// <see cref="DiskSymbolCache"/> in front of it.
/// </summary>
/// <remarks>
/// <para>Bodies may be compressed (<c>Content-Encoding: gzip</c>, as Tecken's storage serves
/// them); they are decoded whether or not the <see cref="HttpClient"/>'s handler does so. Redirects
/// of downloads are followed (up to a limit) whether or not the handler follows them; the
/// code-file/code-id lookup needs to see its redirect, so give a client whose handler does not
/// follow them (<see cref="CreateHttpClient"/> makes one). With one that does, the lookup reads
/// the final URL instead, after the extra request.</para>
/// <para>Concurrent requests for one module share one search. At most
/// <see cref="SymbolServerOptions.MaxConcurrentDownloads"/> requests run at once. A server error, a
/// timeout or a dropped connection is retried with backoff, then the next URL is tried; a module
/// no URL could serve is reported <see cref="SymbolFileStatus.NotFound"/> when every server
/// answered 404 (or 410), and <see cref="SymbolFileStatus.LoadError"/> when one failed. Nothing
/// but cancellation throws.</para>
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore never creates its wait handle, so it holds nothing to dispose; suppliers live as long as their host.")]
public sealed partial class HttpSymbolSupplier : ISymbolSupplier
{
    private const int MaxRedirects = 10;
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789ABCDEFabcdef");
    private static readonly ProductInfoHeaderValue UserAgent = new("Obs.Symbolication", typeof(HttpSymbolSupplier).Assembly.GetName().Version?.ToString(3));

    private readonly HttpClient _client;
    private readonly SymbolServerOptions _options;
    private readonly Uri[] _urls;
    private readonly SemaphoreSlim _slots;
    private readonly SymbolicationTelemetry _telemetry;
    private readonly SymbolFlights _flights;

    /// <summary>Creates a supplier that asks the servers of <paramref name="options"/> through <paramref name="httpClient"/>.</summary>
    /// <param name="httpClient">The client to send requests with (see the remarks for how its handler should be set up); not disposed by the supplier.</param>
    /// <param name="options">The servers and how to ask them.</param>
    /// <param name="telemetry">Where downloads are logged and counted; none by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A URL is not an absolute http or https URL, or a limit is out of range.</exception>
    public HttpSymbolSupplier(HttpClient httpClient, SymbolServerOptions options, SymbolicationTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentDownloads, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries, nameof(options));
        if (options.DownloadTimeout <= TimeSpan.Zero && options.DownloadTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.DownloadTimeout, "the download timeout must be positive");
        }

        _urls = [.. (options.Urls ?? []).Select(NormalizeBaseUrl)];
        _client = httpClient;
        _options = options;
        _slots = new SemaphoreSlim(options.MaxConcurrentDownloads, options.MaxConcurrentDownloads);
        _telemetry = telemetry ?? SymbolicationTelemetry.None;
        _flights = new SymbolFlights(LocateCoreAsync);
    }

    /// <summary>The base URLs asked, in order, each ending with <c>/</c>.</summary>
    public IReadOnlyList<Uri> Urls => _urls;

    /// <summary>How downloaded files are parsed (null for the defaults).</summary>
    public SymbolParseOptions? ParseOptions { get; init; }

    /// <summary>
    /// A handler set up as the supplier wants it: bodies decompressed (gzip, deflate, Brotli),
    /// redirects not followed (the supplier follows those of downloads itself, and the
    /// code-file/code-id lookup needs to see its own), connections recycled every few minutes so
    /// that DNS changes are seen. For <c>IHttpClientFactory</c>'s <c>ConfigurePrimaryHttpMessageHandler</c>.
    /// </summary>
    public static SocketsHttpHandler CreateMessageHandler() => new()
    {
        AutomaticDecompression = DecompressionMethods.All,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>
    /// A client over <see cref="CreateMessageHandler"/>, without a client-wide timeout (each download
    /// has <see cref="SymbolServerOptions.DownloadTimeout"/>). One client serves any number of suppliers.
    /// </summary>
    public static HttpClient CreateHttpClient() => new(CreateMessageHandler(), disposeHandler: true)
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

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
            return await DownloadAsync(module, null, cancellationToken).ConfigureAwait(false);
        }

        var answer = await LookupDebugInfoAsync(module, cancellationToken).ConfigureAwait(false);
        if (answer.Status != CodeInfoStatus.Found)
        {
            return answer.Status == CodeInfoStatus.Failed
                ? SymbolFileResult.LoadError(answer.Message ?? "the code-file/code-id lookup failed")
                : SymbolFileResult.NotFound(answer.Message);
        }

        var recovered = module with { DebugFile = answer.DebugFile, DebugId = answer.DebugId };
        using var result = await DownloadAsync(recovered, null, cancellationToken).ConfigureAwait(false);
        return result.WithSource(null, answer.DebugFile, answer.DebugId);
    }

    /// <summary>
    /// Asks each server in turn for the code-file/code-id path of <paramref name="module"/>
    /// (<see cref="SymbolFilePaths.CodeInfoSymbolPath"/>) without following the redirect, and reads
    /// the debug file and id from the last three segments of its <c>Location</c>.
    /// </summary>
    internal async Task<CodeInfoAnswer> LookupDebugInfoAsync(ModuleIdentity module, CancellationToken cancellationToken)
    {
        var relative = SymbolFilePaths.CodeInfoSymbolPath(module);
        if (relative is null)
        {
            return new CodeInfoAnswer(CodeInfoStatus.NotFound, null, null, "the module has no debug file or id, and no code file and id to look them up by");
        }

        string? failure = null;
        foreach (var baseUrl in _urls)
        {
            var url = new Uri(baseUrl, EscapePath(relative));
            LogCodeInfoLookup(_telemetry.Logger, url.AbsoluteUri);
            var attempt = await WithRetriesAsync(url, baseUrl, followRedirects: false, ReadRedirect, cancellationToken).ConfigureAwait(false);
            switch (attempt.Kind)
            {
                case AttemptKind.Done:
                    var (debugFile, debugId) = attempt.Value;
                    LogCodeInfoFound(_telemetry.Logger, url.AbsoluteUri, debugFile!, debugId!);
                    return new CodeInfoAnswer(CodeInfoStatus.Found, debugFile, debugId, null);
                case AttemptKind.NotFound:
                    break;
                default:
                    failure ??= $"{url.AbsoluteUri}: {attempt.Reason}";
                    break;
            }
        }

        return failure is null
            ? new CodeInfoAnswer(CodeInfoStatus.NotFound, null, null, $"no symbol server knows the code file and id ({relative})")
            : new CodeInfoAnswer(CodeInfoStatus.Failed, null, null, failure);

        static Task<Attempt<(string?, string?)>> ReadRedirect(HttpResponseMessage response, Uri requested, CancellationToken cancellationToken)
        {
            var status = (int)response.StatusCode;
            Uri? target = null;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                target = location.IsAbsoluteUri ? location : new Uri(requested, location);
            }
            else if (response.IsSuccessStatusCode && response.RequestMessage?.RequestUri is { } final && final != requested)
            {
                // A handler that follows redirects has already gone where the Location pointed.
                target = final;
            }

            if (target is not null && TryReadDebugInfo(target, out var debugFile, out var debugId))
            {
                return Task.FromResult(new Attempt<(string?, string?)>(AttemptKind.Done, (debugFile, debugId)));
            }

            return Task.FromResult(IsTransient(response.StatusCode)
                ? Attempt<(string?, string?)>.Transient(response)
                : new Attempt<(string?, string?)>(AttemptKind.NotFound, default, $"HTTP {status}"));
        }
    }

    /// <summary>
    /// Downloads and parses <paramref name="module"/>'s symbol file from the first server that has
    /// it, copying the text to <paramref name="copy"/> as it arrives. The result is found (or
    /// corrupt, with the parsed index, when some lines could not be parsed) and names the URL; not
    /// found when every server answered 404 or 410; a load error when one failed or sent a body
    /// that is not a symbol file at all (an error page), which, as in rust-minidump, moves on to
    /// the next URL.
    /// </summary>
    internal async Task<SymbolFileResult> DownloadAsync(ModuleIdentity module, ISymbolTextSink? copy, CancellationToken cancellationToken)
    {
        var relative = SymbolFilePaths.BreakpadSymbolPath(module);
        if (relative is null)
        {
            return SymbolFileResult.NotFound("the module has no debug file or id");
        }

        var name = relative[(relative.LastIndexOf('/') + 1)..];
        var query = $"?code_file={Uri.EscapeDataString(module.CodeFileName)}&code_id={Uri.EscapeDataString(module.CodeId ?? string.Empty)}";
        string? failure = null;
        foreach (var baseUrl in _urls)
        {
            var url = new Uri(baseUrl, EscapePath(relative) + query);
            var address = url.AbsoluteUri;
            var started = Stopwatch.GetTimestamp();
            var attempt = await WithRetriesAsync(
                url,
                baseUrl,
                followRedirects: true,
                (response, _, token) => ReadSymbolsAsync(response, name, address, copy, token),
                cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            switch (attempt.Kind)
            {
                case AttemptKind.Done:
                    var index = attempt.Value!;
                    _telemetry.Downloaded(address, "found", index.Statistics.Bytes, elapsed);
                    return SymbolFileResult.ForIndex(index, address, symbolUrl: address);

                case AttemptKind.NotFound:
                    _telemetry.Downloaded(address, "not_found", 0, elapsed);
                    break;
                default:
                    _telemetry.Downloaded(address, "error", attempt.Bytes, elapsed);
                    failure ??= $"{address}: {attempt.Reason}";
                    break;
            }
        }

        return failure is not null
            ? SymbolFileResult.LoadError(failure)
            : SymbolFileResult.NotFound(_urls.Length == 0 ? "no symbol server is configured" : $"no symbol server has {relative}");
    }

    /// <summary>
    /// Sends a GET for <paramref name="url"/> and hands the response to <paramref name="read"/>,
    /// retrying server errors, timeouts and failed connections with backoff. Each try holds a
    /// download slot and has the download timeout.
    /// </summary>
    private async Task<Attempt<T>> WithRetriesAsync<T>(Uri url, Uri baseUrl, bool followRedirects,
        Func<HttpResponseMessage, Uri, CancellationToken, Task<Attempt<T>>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            Attempt<T> outcome;
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.DownloadTimeout);
                try
                {
                    using var response = await SendAsync(url, baseUrl, followRedirects, timeout.Token).ConfigureAwait(false);
                    outcome = await read(response, url, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    outcome = new Attempt<T>(AttemptKind.Transient, default, $"timed out after {_options.DownloadTimeout.TotalSeconds:0.###} s");
                }
                catch (HttpRequestException ex)
                {
                    outcome = new Attempt<T>(AttemptKind.Transient, default, ex.Message);
                }
                catch (IOException ex)
                {
                    outcome = new Attempt<T>(AttemptKind.Transient, default, ex.Message);
                }
                catch (InvalidDataException ex)
                {
                    // A compressed body that does not decompress: the server sent it so, again.
                    outcome = new Attempt<T>(AttemptKind.Failed, default, ex.Message);
                }
            }
            finally
            {
                _slots.Release();
            }

            if (outcome.Kind != AttemptKind.Transient || attempt >= _options.MaxRetries)
            {
                return outcome;
            }

            var delay = RetryDelay(attempt, outcome.RetryAfter);
            LogRetry(_telemetry.Logger, url.AbsoluteUri, outcome.Reason, attempt + 1, delay.TotalSeconds);
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the request, following redirects up to a limit when asked; the configured headers go
    /// only to the base URL's origin, so that a token is not handed to a storage bucket.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Uri url, Uri baseUrl, bool followRedirects, CancellationToken cancellationToken)
    {
        var current = url;
        for (var hop = 0; ; hop++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (SameOrigin(current, baseUrl))
            {
                foreach (var (header, value) in _options.Headers ?? new Dictionary<string, string>())
                {
                    request.Headers.TryAddWithoutValidation(header, value);
                }
            }

            if (request.Headers.UserAgent.Count == 0 && _client.DefaultRequestHeaders.UserAgent.Count == 0)
            {
                request.Headers.UserAgent.Add(UserAgent);
            }

            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (!followRedirects || status is < 300 or >= 400 || response.Headers.Location is not { } location || hop == MaxRedirects)
            {
                return response;
            }

            var next = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            {
                // Not followed, and not retried either (it would answer the same): the caller
                // sees the redirect itself, a failed download.
                return response;
            }

            response.Dispose();
            current = next;
        }
    }

    private TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        var backoff = _options.RetryDelay * Math.Pow(2, Math.Min(attempt, 20));
        backoff += backoff * (Random.Shared.NextDouble() / 4);
        var delay = retryAfter is { } asked && asked > backoff ? asked : backoff;
        return delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static Uri NormalizeBaseUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"a symbol server URL must be an absolute http or https URL: {url}", nameof(url));
        }

        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    /// <summary>Escapes each segment of a relative path for a URL.</summary>
    private static string EscapePath(string relative) => string.Join('/', relative.Split('/').Select(Uri.EscapeDataString));

    /// <summary>
    /// The debug file and id of a code-file/code-id redirect: the last three segments of the
    /// target's path are <c>DEBUGFILE/DEBUGID/NAME</c>. The id is returned in Breakpad form
    /// (upper-case GUID, lower-case age); one that is not hex is rejected.
    /// </summary>
    internal static bool TryReadDebugInfo(Uri target, out string? debugFile, out string? debugId)
    {
        debugFile = null;
        debugId = null;
        var segments = target.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 3)
        {
            return false;
        }

        var file = Uri.UnescapeDataString(segments[^3]);
        var id = Uri.UnescapeDataString(segments[^2]).Replace("-", string.Empty, StringComparison.Ordinal);
        if (file.Length == 0 || id.Length is < 32 or > 40 || id.AsSpan().IndexOfAnyExcept(HexDigits) >= 0)
        {
            return false;
        }

        if (id.Length == 32)
        {
            id += "0";
        }

        debugFile = file;
        debugId = string.Concat(id[..32].ToUpperInvariant(), id[32..].ToLowerInvariant());
        return true;
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "code file / code id lookup: {Url}")]
    private static partial void LogCodeInfoLookup(ILogger logger, string url);

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "code file / code id lookup {Url} found {DebugFile} {DebugId}")]
    private static partial void LogCodeInfoFound(ILogger logger, string url, string debugFile, string debugId);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "{Url}: {Reason}; try {Attempt} again in {Seconds:0.0} s")]
    private static partial void LogRetry(ILogger logger, string url, string? reason, int attempt, double seconds);

    private enum AttemptKind
    {
        /// <summary>The response answered the request.</summary>
        Done,

        /// <summary>The server does not have it (404, 410, or another answer that is not an error of the server's).</summary>
        NotFound,

        /// <summary>A failure that may pass: a server error, a timeout, a dropped connection.</summary>
        Transient,

        /// <summary>A failure that would repeat.</summary>
        Failed,

        /// <summary>The body arrived but is not a symbol file.</summary>
        Invalid,
    }

    private readonly record struct Attempt<T>(AttemptKind Kind, T? Value, string? Reason = null, TimeSpan? RetryAfter = null, long Bytes = 0)
    {
        /// <summary>A server error: retried after the delay the server asks for, if it does.</summary>
        public static Attempt<T> Transient(HttpResponseMessage response)
        {
            var retry = response.Headers.RetryAfter;
            TimeSpan? after = retry?.Delta ?? (retry?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            return new Attempt<T>(AttemptKind.Transient, default, $"HTTP {(int)response.StatusCode}", after);
        }
    }
}

/// <summary>What a code-file/code-id lookup found.</summary>
internal enum CodeInfoStatus
{
    Found,
    NotFound,
    Failed,
}

/// <summary>The answer of a code-file/code-id lookup: the debug file and id when a server knew them.</summary>
internal sealed record CodeInfoAnswer(CodeInfoStatus Status, string? DebugFile, string? DebugId, string? Message);

/// <summary>Where a download's text is copied as it arrives (a cache's temporary file).</summary>
internal interface ISymbolTextSink
{
    /// <summary>Drops what was copied, before a retry starts the text again.</summary>
    void Reset();

    /// <summary>Copies the next bytes of the text.</summary>
    void Write(ReadOnlySpan<byte> bytes);
}
