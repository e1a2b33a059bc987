using System.Diagnostics;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using Obs.SymbolFiles;

namespace Obs.Symbolication;

public sealed partial class HttpSymbolSupplier
{
    // Reads of the body go straight into the pipe's buffers; the writer waits when the parser
    // falls this far behind, so a fast network does not pile the file up in memory.
    private const int ReadBlock = 64 * 1024;
    private static readonly PipeOptions BodyPipe = new(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20,
        minimumSegmentSize: ReadBlock, useSynchronizationContext: false);

    private static readonly long ProgressInterval = Stopwatch.Frequency / 4;

    /// <summary>
    /// Parses a successful response's body while it arrives, through a <see cref="PipeReader"/>,
    /// copying each block to <paramref name="copy"/> before the parser sees it. A body cut short,
    /// a timeout or a failed read throws (and the caller retries); a body that is not a symbol file
    /// is <see cref="AttemptKind.Invalid"/>; any other status than a success is answered here.
    /// </summary>
    private async Task<Attempt<SymbolIndex>> ReadSymbolsAsync(HttpResponseMessage response, string name, string url,
        ISymbolTextSink? copy, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            if (IsTransient(response.StatusCode))
            {
                return Attempt<SymbolIndex>.Transient(response);
            }

            // 404 and 410 say the server has no such file; any other refusal (401, 403, ...) is a
            // failure to be told apart, so that it is not remembered as "not found".
            return status is 404 or 410
                ? new Attempt<SymbolIndex>(AttemptKind.NotFound, null, $"HTTP {status}")
                : new Attempt<SymbolIndex>(AttemptKind.Failed, null, $"HTTP {status}");
        }

        copy?.Reset();
        var started = Stopwatch.GetTimestamp();
        var length = response.Content.Headers.ContentLength;
        await using var body = await OpenBodyAsync(response.Content, cancellationToken).ConfigureAwait(false);
        var pipe = new Pipe(BodyPipe);
        var parse = Task.Run(() => SymbolIndex.LoadFromPipeAsync(pipe.Reader, ParseOptions, cancellationToken).AsTask(), CancellationToken.None);

        long received = 0;
        var reported = started;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var memory = pipe.Writer.GetMemory(ReadBlock);
                var read = await body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                copy?.Write(memory.Span[..read]);
                pipe.Writer.Advance(read);
                received += read;
                if (_options.Progress is { } progress && Stopwatch.GetTimestamp() - reported >= ProgressInterval)
                {
                    reported = Stopwatch.GetTimestamp();
                    progress.Report(new SymbolDownloadProgress(name, url, received, length, Stopwatch.GetElapsedTime(started), Completed: false));
                }

                var flushed = await pipe.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    // The parser stopped reading: it failed, and says why below.
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        await pipe.Writer.CompleteAsync(failure).ConfigureAwait(false);
        SymbolIndex? index = null;
        Exception? parseFailure = null;
        try
        {
            index = await parse.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            parseFailure = ex;
        }

        await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        _options.Progress?.Report(new SymbolDownloadProgress(name, url, received, length, Stopwatch.GetElapsedTime(started), Completed: true));

        if (failure is not null)
        {
            // The body's own failure (a dropped connection, the timeout) is what went wrong, not
            // the parser's complaint about the text being cut short.
            index?.Dispose();
            ExceptionDispatchInfo.Throw(failure);
        }

        switch (parseFailure)
        {
            case null:
                return new Attempt<SymbolIndex>(AttemptKind.Done, index, Bytes: received);
            case SymbolFileException invalid:
                return new Attempt<SymbolIndex>(AttemptKind.Invalid, null, invalid.Message, Bytes: received);
            default:
                ExceptionDispatchInfo.Throw(parseFailure);
                return default;
        }
    }

    /// <summary>
    /// The body, decoded when the handler left it compressed (Tecken's storage serves symbol files
    /// with <c>Content-Encoding: gzip</c>). Encodings are undone in the reverse of the order listed.
    /// </summary>
    private static async Task<Stream> OpenBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        foreach (var encoding in content.Headers.ContentEncoding.Reverse())
        {
            stream = encoding.Trim().ToUpperInvariant() switch
            {
                "GZIP" or "X-GZIP" => new GZipStream(stream, CompressionMode.Decompress),
                "DEFLATE" => new ZLibStream(stream, CompressionMode.Decompress),
                "BR" => new BrotliStream(stream, CompressionMode.Decompress),
                "IDENTITY" => stream,
                _ => throw new InvalidDataException($"the body has a content encoding this client cannot decode: {encoding}"),
            };
        }

        return stream;
    }
}
