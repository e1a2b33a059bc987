using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Obs.Symbolication;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Obs.Symbolication's stackwalker, symbol stores and caches in a service collection.</summary>
public static class SymbolicationServiceCollectionExtensions
{
    /// <summary>
    /// Registers, as singletons: <see cref="SymbolicationTelemetry"/> (over the host's
    /// <see cref="ILoggerFactory"/> and <see cref="IMeterFactory"/> when it has them); the
    /// <see cref="HttpClient"/> named <see cref="SymbolicationOptions.HttpClientName"/> through
    /// <c>IHttpClientFactory</c>; one <see cref="ISymbolSupplier"/>, a <see cref="MemorySymbolCache"/>
    /// over a <see cref="DiskSymbolCache"/> when <see cref="SymbolicationOptions.CacheDirectory"/> is
    /// set (else over the local folders and the symbol servers, in that order); and a
    /// <see cref="MinidumpStackwalker"/> that processes dumps with them.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (called once, when the options are first read).</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>
    /// <para>Options are applied with <c>Configure</c>, so a host may add its own
    /// <c>services.Configure&lt;SymbolicationOptions&gt;(…)</c> calls (or bind a configuration
    /// section) before or after. The stores are made when the supplier is first resolved, and an
    /// invalid option (a relative URL, a budget of zero) throws <see cref="ArgumentException"/> then.</para>
    /// <para>The symbol servers' client has no client-wide timeout (each download has
    /// <see cref="SymbolicationOptions.DownloadTimeout"/>), a primary handler from
    /// <see cref="HttpSymbolSupplier.CreateMessageHandler"/> (decompression on, redirects left to
    /// the supplier, pooled connections recycled every few minutes) and no handler rotation, as a
    /// client that a singleton keeps needs. A host may add handlers to it by name (resilience,
    /// authentication).</para>
    /// <para>Registrations already present are kept (<c>TryAdd</c>): a host that registers its own
    /// <see cref="SymbolicationTelemetry"/> or <see cref="ISymbolSupplier"/> first gets it used.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IServiceCollection AddObsSymbolication(this IServiceCollection services, Action<SymbolicationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        // A supplier the host registered itself is a symbol source whatever the options say.
        var hostSupplier = services.Any(d => d.ServiceType == typeof(ISymbolSupplier));
        services.AddOptions<SymbolicationOptions>().Configure(configure);
        services.AddHttpClient(SymbolicationOptions.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(HttpSymbolSupplier.CreateMessageHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.TryAddSingleton(provider => new SymbolicationTelemetry(provider.GetService<ILoggerFactory>(), provider.GetService<IMeterFactory>()));
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SymbolicationOptions>>().Value;
            var telemetry = provider.GetRequiredService<SymbolicationTelemetry>();
            var stores = SymbolStores.Create(
                options,
                () => provider.GetRequiredService<IHttpClientFactory>().CreateClient(SymbolicationOptions.HttpClientName),
                telemetry);
            return new MemorySymbolCache(stores, options.MemoryCache, telemetry);
        });
        services.TryAddSingleton<ISymbolSupplier>(provider => provider.GetRequiredService<MemorySymbolCache>());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SymbolicationOptions>>().Value;
            var stackwalk = new StackwalkOptions
            {
                UseCorruptSymbols = options.UseCorruptSymbols,
                Timeout = options.DumpTimeout,
                Logger = provider.GetService<ILoggerFactory>()?.CreateLogger(typeof(MinidumpStackwalker).FullName!),
            };
            if (options.MaxDegreeOfParallelism is { } parallelism)
            {
                stackwalk = stackwalk with { MaxDegreeOfParallelism = parallelism };
            }

            // Without any symbol source no module is missing its symbols, as minidump-stackwalk
            // run without a symbol path reports it.
            return new MinidumpStackwalker(options.HasSymbolSources || hostSupplier ? provider.GetRequiredService<ISymbolSupplier>() : null, stackwalk);
        });

        return services;
    }
}

/// <summary>The symbol stores <see cref="SymbolicationOptions"/> describe, composed as <c>AddObsSymbolication</c> documents.</summary>
internal static class SymbolStores
{
    /// <summary>
    /// A <see cref="DiskSymbolCache"/> over the local folders and the servers when a cache folder is
    /// set; else the local folders and the servers in order (either alone when the other is absent,
    /// an empty chain, which finds nothing, when both are).
    /// </summary>
    public static ISymbolSupplier Create(SymbolicationOptions options, Func<HttpClient> httpClient, SymbolicationTelemetry telemetry)
    {
        var local = options.SymbolPaths.Count > 0 ? new LocalSymbolSupplier(options.SymbolPaths) : null;
        HttpSymbolSupplier? server = null;
        if (options.SymbolServerUrls.Count > 0)
        {
            var serverOptions = new SymbolServerOptions
            {
                Urls = [.. options.SymbolServerUrls],
                Headers = new Dictionary<string, string>(options.SymbolServerHeaders, StringComparer.OrdinalIgnoreCase),
            };
            if (options.DownloadTimeout is { } timeout)
            {
                serverOptions = serverOptions with { DownloadTimeout = timeout };
            }

            if (options.MaxConcurrentDownloads is { } concurrency)
            {
                serverOptions = serverOptions with { MaxConcurrentDownloads = concurrency };
            }

            if (options.MaxDownloadRetries is { } retries)
            {
                serverOptions = serverOptions with { MaxRetries = retries };
            }

            server = new HttpSymbolSupplier(httpClient(), serverOptions, telemetry);
        }

        if (options.CacheDirectory is { Length: > 0 } directory)
        {
            var cacheOptions = new SymbolCacheOptions
            {
                Directory = directory,
                TemporaryDirectory = options.CacheTemporaryDirectory,
                CacheLocalSymbols = options.CacheLocalSymbols,
            };
            if (options.CacheKeepsText is { } keepText)
            {
                cacheOptions = cacheOptions with { KeepText = keepText };
            }

            if (options.CacheMaxSizeBytes is { } maxSize)
            {
                cacheOptions = cacheOptions with { MaxSizeBytes = maxSize };
            }

            if (options.CacheNotFoundTimeToLive is { } notFound)
            {
                cacheOptions = cacheOptions with { NotFoundTimeToLive = notFound };
            }

            return new DiskSymbolCache(cacheOptions, local, server, telemetry);
        }

        if (local is not null && server is not null)
        {
            return new ChainedSymbolSupplier([local, server]);
        }

        return (ISymbolSupplier?)local ?? (ISymbolSupplier?)server ?? new ChainedSymbolSupplier([]);
    }
}
