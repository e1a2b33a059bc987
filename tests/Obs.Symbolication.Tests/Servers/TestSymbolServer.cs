using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Obs.Testing;

/// <summary>
/// A symbol server in Tecken's download layout on a real Kestrel on 127.0.0.1 (an ephemeral port):
/// files under <c>DEBUGFILE/DEBUGID/NAME</c>, served gzip-compressed with <c>Content-Encoding:
/// gzip</c> as Tecken's storage does; code-file/code-id paths answered with a 302 to the debug
/// path, as Tecken does; 404 for everything else. It records every request, and a test can step
/// in before a request is answered (to fail it, delay it, or cut its body short).
/// </summary>
internal sealed class TestSymbolServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _redirects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication? _app;

    private TestSymbolServer(string prefix) => Prefix = prefix;

    /// <summary>The path under which the store is served (<c>/symbols/</c>), so that base URLs with a path are exercised.</summary>
    public string Prefix { get; }

    /// <summary>The store's base URL, with its trailing slash.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Serve files gzip-compressed (the default), as Tecken's storage does.</summary>
    public bool Gzip { get; set; } = true;

    /// <summary>
    /// Called before each request is answered, with the store-relative path; returning true means
    /// the hook answered it (or aborted the connection).
    /// </summary>
    public Func<HttpContext, string, Task<bool>>? Intercept { get; set; }

    /// <summary>Every request so far, as store-relative path and query.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    public static async Task<TestSymbolServer> StartAsync(string prefix = "/symbols/")
    {
        var server = new TestSymbolServer(prefix);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + prefix);
        server._app = app;
        return server;
    }

    /// <summary>Serves <paramref name="content"/> at the store-relative <paramref name="path"/>.</summary>
    public void AddFile(string path, byte[] content) => _files[path] = content;

    /// <summary>Answers <paramref name="path"/> with a 302 to the store-relative <paramref name="target"/> (a relative Location, as Tecken sends).</summary>
    public void AddRedirect(string path, string target) => _redirects[path] = target;

    /// <summary>The number of requests whose path (without the query) is <paramref name="path"/>.</summary>
    public int CountRequests(string path) => _requests.Count(r => r.Split('?')[0] == path);

    /// <summary>Stops the server: later requests find nothing listening.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task HandleAsync(HttpContext context)
    {
        var full = context.Request.Path.Value ?? "/";
        if (!full.StartsWith(Prefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var path = full[Prefix.Length..];
        _requests.Enqueue(path + context.Request.QueryString.Value);
        if (Intercept is { } intercept && await intercept(context, path))
        {
            return;
        }

        if (_redirects.TryGetValue(path, out var target))
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = Prefix + target;
            return;
        }

        if (!_files.TryGetValue(path, out var content))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("Symbol Not Found");
            return;
        }

        context.Response.ContentType = "text/plain";
        if (Gzip)
        {
            context.Response.Headers.ContentEncoding = "gzip";
            content = Compress(content);
        }

        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content);
    }

    public static byte[] Compress(byte[] content)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return compressed.ToArray();
    }
}
