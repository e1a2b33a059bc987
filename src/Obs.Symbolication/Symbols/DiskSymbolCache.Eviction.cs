using Microsoft.Extensions.Logging;

namespace Obs.Symbolication;

public sealed partial class DiskSymbolCache
{
    private int _trimming;

    /// <summary>
    /// Deletes the entries used longest ago until the cache is within
    /// <see cref="SymbolCacheOptions.MaxSizeBytes"/>, sparing <paramref name="written"/> (the entry
    /// just written). An entry's last use is the latest modification of any of its files: writes,
    /// and the record a hit touches. Runs after each write; one at a time per instance.
    /// </summary>
    private void Trim(CacheEntry written)
    {
        if (_options.MaxSizeBytes == long.MaxValue || Interlocked.Exchange(ref _trimming, 1) == 1)
        {
            return;
        }

        try
        {
            var entries = new List<(DirectoryInfo Folder, long Bytes, DateTime LastUsed)>();
            long total = 0;
            foreach (var name in new DirectoryInfo(_root).EnumerateDirectories())
            {
                if (string.Equals(name.FullName, _temporary, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var id in name.EnumerateDirectories())
                {
                    long bytes = 0;
                    var lastUsed = DateTime.MinValue;
                    foreach (var file in id.EnumerateFiles())
                    {
                        bytes += file.Length;
                        lastUsed = file.LastWriteTimeUtc > lastUsed ? file.LastWriteTimeUtc : lastUsed;
                    }

                    entries.Add((id, bytes, lastUsed));
                    total += bytes;
                }
            }

            if (total <= _options.MaxSizeBytes)
            {
                return;
            }

            entries.Sort(static (a, b) => a.LastUsed.CompareTo(b.LastUsed));
            foreach (var (folder, bytes, _) in entries)
            {
                if (total <= _options.MaxSizeBytes)
                {
                    break;
                }

                if (string.Equals(folder.FullName, written.Folder, StringComparison.Ordinal))
                {
                    continue;
                }

                try
                {
                    folder.Delete(recursive: true);
                    total -= bytes;
                    _telemetry.Evicted(CacheName, Path.GetRelativePath(_root, folder.FullName).Replace('\\', '/'), "size");
                    if (folder.Parent is { } parent && !parent.EnumerateFileSystemInfos().Any())
                    {
                        parent.Delete();
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // In use where files in use cannot be deleted (a mapped index on Windows): next time.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_telemetry.Logger, $"could not trim the cache: {ex.Message}");
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }

    /// <summary>
    /// A download's text on its way into the cache: a temporary file that the download writes as
    /// the bytes arrive. A write that fails (a full disk) stops the copy, not the download.
    /// </summary>
    private sealed class TemporaryText : ISymbolTextSink, IDisposable
    {
        private readonly ILogger _logger;
        private FileStream? _stream;

        private TemporaryText(string path, FileStream stream, ILogger logger)
        {
            Path = path;
            _stream = stream;
            _logger = logger;
        }

        public string Path { get; }

        public static TemporaryText? TryCreate(string folder, ILogger logger)
        {
            var path = System.IO.Path.Combine(folder, $"{Guid.NewGuid():N}.sym.tmp");
            try
            {
                return new TemporaryText(path, new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1), logger);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(logger, $"could not create {path}: {ex.Message}");
                return null;
            }
        }

        public void Reset()
        {
            try
            {
                _stream?.SetLength(0);
            }
            catch (IOException ex)
            {
                Fail(ex);
            }
        }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            try
            {
                _stream?.Write(bytes);
            }
            catch (IOException ex)
            {
                Fail(ex);
            }
        }

        /// <summary>Moves the text into the cache when it is whole (<paramref name="bytes"/> long).</summary>
        public bool TryCommit(string destination, long bytes)
        {
            if (_stream is not { } stream)
            {
                return false;
            }

            try
            {
                var length = stream.Length;
                stream.Dispose();
                _stream = null;
                if (length != bytes)
                {
                    return false;
                }

                File.Move(Path, destination, overwrite: true);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(_logger, $"could not store {destination}: {ex.Message}");
                return false;
            }
        }

        public void Dispose()
        {
            _stream?.Dispose();
            _stream = null;
            TryDelete(Path);
        }

        private void Fail(IOException ex)
        {
            LogWriteFailed(_logger, $"could not write {Path}: {ex.Message}");
            _stream?.Dispose();
            _stream = null;
        }
    }
}
