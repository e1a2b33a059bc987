using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Obs.SymbolFiles;

namespace Obs.Symbolication;

public sealed partial class DiskSymbolCache
{
    private const string TemporaryFolderName = ".tmp";
    private const string RecordHeader = "# obs symbol cache";

    // Longer than any name a symbol store uses; keeps every file of an entry under the usual
    // file-name limit once its suffixes are added.
    private const int MaxSegmentLength = 200;

    private static readonly TimeSpan TemporaryFileLifetime = TimeSpan.FromDays(1);

    // What a cache path segment may not hold on any system: the file name's invalid characters, and Windows' separators.
    private static readonly System.Buffers.SearchValues<char> UnsafeNameCharacters =
        System.Buffers.SearchValues.Create([.. Path.GetInvalidFileNameChars(), '\\', ':']);

    private static readonly System.Buffers.SearchValues<char> LettersAndDigits =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private int _temporaryCleaned;

    /// <summary>
    /// Opens the saved index built from the text with <paramref name="hash"/> and
    /// <paramref name="bytes"/>: with its full-content hash checked when it has not been checked
    /// before (no mark, or a mark for another file), with only its header and bounds checked
    /// after that. A file that fails the checks is deleted; null when there is no usable index.
    /// </summary>
    private SymbolIndex? OpenIndex(CacheEntry entry, ulong hash, long bytes)
    {
        var path = entry.IndexFile(hash);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        var mark = path + VerifiedSuffix;
        var stamp = Stamp(info);
        var verified = ReadRecord(mark) is { } record && record.TryGetValue("stamp", out var recorded) && recorded == stamp;
        SymbolIndex index;
        try
        {
            index = SymbolIndex.Open(path, verifyContent: !verified);
        }
        catch (SymbolFileException ex)
        {
            Discard(path, entry.Key, $"the index is not valid: {ex.Message}");
            Discard(mark, entry.Key, "its index is gone");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_telemetry.Logger, $"{path}: {ex.Message}");
            return null;
        }

        if (index.SourceHash != hash || index.Statistics.Bytes != bytes)
        {
            index.Dispose();
            Discard(path, entry.Key, "the index was built from another text than its name says");
            Discard(mark, entry.Key, "its index is gone");
            return null;
        }

        if (!verified)
        {
            WriteRecord(mark, [("stamp", stamp)]);
        }

        return index;
    }

    /// <summary>
    /// Saves <paramref name="built"/> as the entry's index (unless a valid one is already there)
    /// and returns it opened from the file, so that the caller can release the built one's memory.
    /// The file is marked verified as it is written: its content hash was computed from the very
    /// tables written, and reading it back whole would only double the memory a large index
    /// takes while it is stored. Null when the index could not be stored.
    /// </summary>
    private SymbolIndex? Store(CacheEntry entry, SymbolIndexReference built)
    {
        var hash = built.SourceHash;
        var bytes = built.Statistics.Bytes;
        if (!EnsureFolder(entry.Folder) || !EnsureFolder(_temporary))
        {
            return null;
        }

        var destination = entry.IndexFile(hash);
        if (OpenIndex(entry, hash, bytes) is { } existing)
        {
            return existing;
        }

        var temporary = Path.Combine(_temporary, $"{Guid.NewGuid():N}.symindex");
        try
        {
            built.Save(temporary, _temporary);
            try
            {
                // Never over an existing file: another process may have it mapped (which Windows
                // forbids replacing), and it holds the same index anyway.
                File.Move(temporary, destination, overwrite: false);
            }
            catch (IOException) when (File.Exists(destination))
            {
                TryDelete(temporary);
                return OpenIndex(entry, hash, bytes);
            }

            var stored = SymbolIndex.Open(destination, verifyContent: false);
            WriteRecord(destination + VerifiedSuffix, [("stamp", Stamp(new FileInfo(destination)))]);
            return stored;
        }
        catch (SymbolFileException ex)
        {
            Discard(destination, entry.Key, $"the index just written is not valid: {ex.Message}");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_telemetry.Logger, $"could not store the index of {entry.Key}: {ex.Message}");
            TryDelete(temporary);
            return null;
        }
    }

    private const string VerifiedSuffix = ".verified";

    /// <summary>What identifies an index file's bytes for its verification mark: its size and modification time.</summary>
    private static string Stamp(FileInfo info) =>
        string.Create(CultureInfo.InvariantCulture, $"{info.Length} {info.LastWriteTimeUtc.Ticks}");

    /// <summary>A local file's identity before its hash is known: its full path, size and modification time.</summary>
    private static SourceIdentity LocalIdentity(FileInfo info) =>
        new(null, info.FullName, info.Length, info.LastWriteTimeUtc.Ticks, 0);

    private bool IsRememberedNotFound(CacheEntry entry)
    {
        if (_options.NotFoundTimeToLive <= TimeSpan.Zero)
        {
            return false;
        }

        var file = new FileInfo(entry.NotFoundFile(_notFoundKey));
        if (!file.Exists)
        {
            return false;
        }

        if (DateTime.UtcNow - file.LastWriteTimeUtc < _options.NotFoundTimeToLive)
        {
            return true;
        }

        TryDelete(file.FullName);
        return false;
    }

    private void RememberNotFound(CacheEntry entry)
    {
        if (_options.NotFoundTimeToLive > TimeSpan.Zero)
        {
            WriteRecord(entry.NotFoundFile(_notFoundKey), [("urls", string.Join(' ', _server?.Urls ?? []))]);
        }
    }

    private static void ForgetNotFound(CacheEntry entry)
    {
        try
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(entry.Folder, entry.Name + ".*" + NotFoundSuffix))
            {
                TryDelete(file);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale "not found" only costs a request once it expires.
        }
    }

    private const string NotFoundSuffix = ".notfound";

    /// <summary>
    /// A key for the list of servers, so that a module remembered as missing from some servers is
    /// asked again of others: the start of the SHA-256 of the URLs, one per line.
    /// </summary>
    private static string NotFoundKey(HttpSymbolSupplier? server)
    {
        var urls = string.Concat((server?.Urls ?? []).Select(url => url.AbsoluteUri + "\n"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(urls)), 0, 8);
    }

    /// <summary>Where a file's text came from, as the small file beside it records.</summary>
    private sealed record SourceIdentity(string? Url, string? Path, long Bytes, long? ModifiedTicks, ulong Hash)
    {
        /// <summary>Whether this record is of the local file <paramref name="local"/> as it is now.</summary>
        public bool Matches(SourceIdentity local) =>
            string.Equals(Path, local.Path, StringComparison.Ordinal) && Bytes == local.Bytes && ModifiedTicks == local.ModifiedTicks;
    }

    private static SourceIdentity? ReadSource(string path)
    {
        if (ReadRecord(path) is not { } record
            || !record.TryGetValue("bytes", out var bytesText) || !long.TryParse(bytesText, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            || !record.TryGetValue("hash", out var hashText) || !ulong.TryParse(hashText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash))
        {
            return null;
        }

        long? modified = record.TryGetValue("mtime", out var mtimeText) && long.TryParse(mtimeText, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? ticks
            : null;
        return new SourceIdentity(record.GetValueOrDefault("url"), record.GetValueOrDefault("path"), bytes, modified, hash);
    }

    private void WriteSource(string path, SourceIdentity source)
    {
        var fields = new List<(string, string)>();
        if (source.Url is { } url)
        {
            fields.Add(("url", url));
        }

        if (source.Path is { } file)
        {
            fields.Add(("path", file));
        }

        fields.Add(("bytes", source.Bytes.ToString(CultureInfo.InvariantCulture)));
        if (source.ModifiedTicks is { } ticks)
        {
            fields.Add(("mtime", ticks.ToString(CultureInfo.InvariantCulture)));
        }

        fields.Add(("hash", source.Hash.ToString("x16", CultureInfo.InvariantCulture)));
        WriteRecord(path, fields);
    }

    /// <summary>A small <c>key=value</c> file; null when it is missing, unreadable or not one of ours.</summary>
    private static Dictionary<string, string>? ReadRecord(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // A record is written whole and renamed into place; one without its header and final
        // newline was not written by this cache.
        if (!text.StartsWith(RecordHeader + "\n", StringComparison.Ordinal) || !text.EndsWith('\n'))
        {
            return null;
        }

        var record = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).AsSpan(1))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                record[line[..equals]] = line[(equals + 1)..];
            }
        }

        return record;
    }

    /// <summary>Writes a small record under a temporary name and renames it into place.</summary>
    private void WriteRecord(string path, IEnumerable<(string Key, string Value)> fields)
    {
        if (!EnsureFolder(_temporary) || !EnsureFolder(Path.GetDirectoryName(path)!))
        {
            return;
        }

        var text = new StringBuilder(RecordHeader).Append('\n');
        foreach (var (key, value) in fields)
        {
            // Values are URLs, paths and numbers; a line break in one would split the record.
            text.Append(key).Append('=').Append(value.ReplaceLineEndings(" ")).Append('\n');
        }

        var temporary = Path.Combine(_temporary, $"{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temporary, text.ToString(), new UTF8Encoding(false));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_telemetry.Logger, $"could not write {path}: {ex.Message}");
            TryDelete(temporary);
        }
    }

    /// <summary>Marks an entry used now, for the least-recently-used eviction.</summary>
    private static void Touch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only cache still serves; its entries just age as they were written.
        }
    }

    /// <summary>Deletes a file of an entry that cannot be used, and says why.</summary>
    private void Discard(string path, string key, string reason)
    {
        if (File.Exists(path))
        {
            _telemetry.Discarded(CacheName, key, $"{Path.GetFileName(path)}: {reason}");
            TryDelete(path);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Windows refuses to delete a file another process has mapped; it goes with a later eviction.
        }
    }

    private bool EnsureFolder(string path)
    {
        try
        {
            System.IO.Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_telemetry.Logger, $"could not create {path}: {ex.Message}");
            return false;
        }

        if (path == _temporary && Interlocked.Exchange(ref _temporaryCleaned, 1) == 0)
        {
            CleanTemporaryFolder();
        }

        return true;
    }

    /// <summary>Deletes what processes that died while writing left in the temporary folder.</summary>
    private void CleanTemporaryFolder()
    {
        try
        {
            foreach (var file in new DirectoryInfo(_temporary).EnumerateFiles())
            {
                if (DateTime.UtcNow - file.LastWriteTimeUtc > TemporaryFileLifetime)
                {
                    TryDelete(file.FullName);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Leftovers only take space.
        }
    }

    /// <summary>
    /// The files of one cache entry, <c>ROOT/NAME/ID/FILE</c>: the text <c>FILE</c> and the records,
    /// indexes and marks named after it.
    /// </summary>
    private sealed class CacheEntry
    {
        private CacheEntry(string folder, string name, string key)
        {
            Folder = folder;
            Name = name;
            Key = key;
        }

        public string Folder { get; }

        public string Name { get; }

        /// <summary>The entry's relative path, for logs.</summary>
        public string Key { get; }

        public string TextFile => Path.Combine(Folder, Name);

        public string DownloadSourceFile => TextFile + ".source";

        public string LocalSourceFile => TextFile + ".local";

        public string DebugInfoFile => TextFile + ".debuginfo";

        public string IndexFile(ulong hash) => string.Create(CultureInfo.InvariantCulture, $"{TextFile}.{hash:x16}.symindex");

        public string NotFoundFile(string serversKey) => $"{TextFile}.{serversKey}{NotFoundSuffix}";

        public static CacheEntry? ForModule(string root, ModuleIdentity module) => FromRelative(root, SymbolFilePaths.BreakpadSymbolPath(module));

        public static CacheEntry? ForCodeInfo(string root, ModuleIdentity module) => FromRelative(root, SymbolFilePaths.CodeInfoSymbolPath(module));

        /// <summary>
        /// The entry of a store-relative path, or null when a component could not be a file name
        /// (a module whose debug file is <c>..</c> must not reach outside the cache).
        /// </summary>
        private static CacheEntry? FromRelative(string root, string? relative)
        {
            if (relative?.Split('/') is not [var name, var id, var file]
                || !IsSafeName(name) || !IsSafeName(file) || id.Length is 0 or > MaxSegmentLength || id.AsSpan().IndexOfAnyExcept(LettersAndDigits) >= 0)
            {
                return null;
            }

            return new CacheEntry(Path.Combine(root, name, id), file, relative);
        }

        private static bool IsSafeName(string segment) =>
            segment.Length is > 0 and <= MaxSegmentLength && segment is not "." and not ".."
            && segment.AsSpan().IndexOfAny(UnsafeNameCharacters) < 0;
    }
}
