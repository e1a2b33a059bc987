using System.Buffers;
using System.IO.Hashing;
using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// Drives the parse of each kind of input: in-memory bytes and files are split into chunks at
/// line boundaries and parsed on several threads; streams and pipes are parsed as they arrive.
/// </summary>
internal static class SymbolFileLoader
{
    /// <summary>Chunks per thread: more chunks than threads balance record mixes that differ along the file.</summary>
    private const int ChunksPerThread = 4;

    private const int ReadBlockSize = 1 << 20;

    /// <summary>Segments are numbered in 8 bits; chunks plus the assembler's fix-up segments stay below 256.</summary>
    private const int MaxChunks = 64;

    public static unsafe SymbolIndex ParseSpan(ReadOnlySpan<byte> data, SymbolParseOptions options)
    {
        var boundaries = SplitSpan(data, options);
        var chunks = CreateBuilders(boundaries.Length - 1, options);
        ulong sourceHash;
        fixed (byte* start = data)
        {
            var address = (nint)start;
            var hash = SourceHash.Start(start, data.Length);
            try
            {
                RunChunks(chunks, options, k =>
            {
                var from = boundaries[k];
                var span = new ReadOnlySpan<byte>((byte*)address + from, checked((int)(boundaries[k + 1] - from)));
                var feeder = new LineFeeder(chunks[k], options.MaxLineLength, from);
                feeder.Feed(span);
                feeder.Complete();
            });
            }
            finally
            {
                // The hash reads the pinned bytes: let it finish before they are unpinned.
                WaitQuietly(hash);
            }

            sourceHash = hash.GetAwaiter().GetResult();
        }

        return SymbolIndexAssembler.Assemble(chunks, options, data.Length, sourceHash);
    }

    /// <summary>Parses a file that can be read at offsets (a regular file), in blocks on several threads.</summary>
    public static SymbolIndex LoadFile(SafeFileHandle handle, SymbolParseOptions options)
    {
        var length = RandomAccess.GetLength(handle);
        FileReadAhead.Hint(handle, length);
        var boundaries = SplitFile(handle, length, options);
        var chunks = CreateBuilders(boundaries.Length - 1, options);
        var hash = SourceHash.Start(handle, length);
        try
        {
            RunChunks(chunks, options, k => ParseFileRange(handle, boundaries[k], boundaries[k + 1], chunks[k], options));
        }
        finally
        {
            // The hash reads the handle: let it finish before the handle is closed.
            WaitQuietly(hash);
        }

        return SymbolIndexAssembler.Assemble(chunks, options, length, hash.GetAwaiter().GetResult());
    }

    public static async ValueTask<SymbolIndex> LoadStreamAsync(Stream stream, SymbolParseOptions options, CancellationToken cancellationToken)
    {
        var chunks = CreateBuilders(1, options);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBlockSize);
        var hash = new XxHash3();
        long total = 0;
        try
        {
            var feeder = new LineFeeder(chunks[0], options.MaxLineLength, 0);
            int read;
            while (!feeder.Stopped && (read = await stream.ReadAsync(buffer.AsMemory(0, ReadBlockSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                feeder.Feed(buffer.AsSpan(0, read));
                hash.Append(buffer.AsSpan(0, read));
                total += read;
            }

            feeder.Complete();
        }
        catch
        {
            DisposeAll(chunks);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return SymbolIndexAssembler.Assemble(chunks, options, total, hash.GetCurrentHashAsUInt64());
    }

    public static async ValueTask<SymbolIndex> LoadPipeAsync(PipeReader reader, SymbolParseOptions options, CancellationToken cancellationToken)
    {
        var chunks = CreateBuilders(1, options);
        var hash = new XxHash3();
        long total = 0;
        try
        {
            var feeder = new LineFeeder(chunks[0], options.MaxLineLength, 0);
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    feeder.Feed(segment.Span);
                    hash.Append(segment.Span);
                }

                total += buffer.Length;

                // Everything was consumed: a line cut by a segment boundary sits in the feeder's
                // bounded carry buffer, so the pipe never has to hold more than one read.
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled || feeder.Stopped)
                {
                    break;
                }
            }

            feeder.Complete();
        }
        catch
        {
            DisposeAll(chunks);
            throw;
        }

        return SymbolIndexAssembler.Assemble(chunks, options, total, hash.GetCurrentHashAsUInt64());
    }

    /// <summary>Waits for a task without throwing its exception (a failed parse throws its own).</summary>
    private static void WaitQuietly(Task task) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne();

    private static void ParseFileRange(SafeFileHandle handle, long from, long to, SymbolTableBuilder builder, SymbolParseOptions options)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBlockSize);
        try
        {
            var feeder = new LineFeeder(builder, options.MaxLineLength, from);
            var position = from;
            while (position < to && !feeder.Stopped)
            {
                var wanted = (int)Math.Min(ReadBlockSize, to - position);
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, wanted), position);
                if (read <= 0)
                {
                    break;
                }

                feeder.Feed(buffer.AsSpan(0, read));
                position += read;
            }

            feeder.Complete();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static List<SymbolTableBuilder> CreateBuilders(int count, SymbolParseOptions options)
    {
        var chunks = new List<SymbolTableBuilder>(count);
        for (var k = 0; k < count; k++)
        {
            chunks.Add(new SymbolTableBuilder(options, segment: k));
        }

        return chunks;
    }

    private static void RunChunks(List<SymbolTableBuilder> chunks, SymbolParseOptions options, Action<int> parseChunk)
    {
        try
        {
            if (chunks.Count == 1)
            {
                parseChunk(0);
                return;
            }

            Parallel.For(0, chunks.Count, new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveParallelism }, parseChunk);
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count > 0)
        {
            DisposeAll(chunks);
            ExceptionDispatchInfo.Capture(aggregate.InnerExceptions[0]).Throw();
        }
        catch
        {
            DisposeAll(chunks);
            throw;
        }
    }

    private static void DisposeAll(List<SymbolTableBuilder> chunks)
    {
        foreach (var chunk in chunks)
        {
            chunk.Dispose();
        }
    }

    private static int ChunkCount(long length, SymbolParseOptions options)
    {
        var threads = options.EffectiveParallelism;
        // Below the threshold (1 MiB by default) splitting costs more than it saves.
        if (threads <= 1 || length < options.ParallelThreshold)
        {
            return 1;
        }

        return (int)Math.Min(Math.Min(threads * ChunksPerThread, MaxChunks), Math.Max(1, length / Math.Max(1, options.ParallelThreshold / 2)));
    }

    /// <summary>Chunk start offsets, each right after a newline, plus the length at the end.</summary>
    private static long[] SplitSpan(ReadOnlySpan<byte> data, SymbolParseOptions options)
    {
        var count = ChunkCount(data.Length, options);
        var boundaries = new List<long>(count + 1) { 0 };
        for (var k = 1; k < count; k++)
        {
            var nominal = Math.Max(boundaries[^1], (long)data.Length * k / count);
            var newline = data[(int)nominal..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            var boundary = nominal + newline + 1;
            if (boundary > boundaries[^1] && boundary < data.Length)
            {
                boundaries.Add(boundary);
            }
        }

        boundaries.Add(data.Length);
        return [.. boundaries];
    }

    private static long[] SplitFile(SafeFileHandle handle, long length, SymbolParseOptions options)
    {
        var count = ChunkCount(length, options);
        var boundaries = new List<long>(count + 1) { 0 };
        if (count > 1)
        {
            var window = new byte[64 * 1024];
            for (var k = 1; k < count; k++)
            {
                var boundary = NextLineStart(handle, length, Math.Max(boundaries[^1], length * k / count), window);
                if (boundary > boundaries[^1] && boundary < length)
                {
                    boundaries.Add(boundary);
                }
            }
        }

        boundaries.Add(length);
        return [.. boundaries];
    }

    /// <summary>The offset just after the first newline at or after <paramref name="from"/>, or the length.</summary>
    private static long NextLineStart(SafeFileHandle handle, long length, long from, byte[] window)
    {
        for (var position = from; position < length;)
        {
            var read = RandomAccess.Read(handle, window, position);
            if (read <= 0)
            {
                break;
            }

            var newline = window.AsSpan(0, read).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                return position + newline + 1;
            }

            position += read;
        }

        return length;
    }
}
