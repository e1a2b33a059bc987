namespace Obs.Symbolication;

/// <summary>Where and how a <see cref="DiskSymbolCache"/> keeps symbol files and their indexes.</summary>
public sealed record SymbolCacheOptions
{
    /// <summary>
    /// The cache's folder (created when first written). Processes may share it: every file is
    /// written under a temporary name and renamed into place. minidump-stackwalk's default is a
    /// folder in the system's temporary directory, which the system may clean up.
    /// </summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Where files are written before they are renamed into the cache; it must be on the cache's
    /// file system for the renames to be atomic. Null (the default) uses a folder inside
    /// <see cref="Directory"/>.
    /// </summary>
    public string? TemporaryDirectory { get; init; }

    /// <summary>
    /// Keep each downloaded symbol file's text beside its index (the default), in the symbol-store
    /// layout (<c>NAME/DEBUGID/NAME.sym</c>), so that the index can be rebuilt without downloading
    /// again and the folder can serve as a symbol path. Without it only the index is kept.
    /// </summary>
    public bool KeepText { get; init; } = true;

    /// <summary>
    /// The most the cache may hold, in bytes; past it, the entries used longest ago are deleted
    /// after each write. The default, <see cref="long.MaxValue"/>, sets no limit.
    /// </summary>
    public long MaxSizeBytes { get; init; } = long.MaxValue;

    /// <summary>
    /// How long a module that no symbol server has is remembered as missing, so that it is not
    /// asked for again by every dump and every process (default one hour; zero remembers nothing).
    /// Failures (server errors, timeouts) are never remembered.
    /// </summary>
    public TimeSpan NotFoundTimeToLive { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Cache the indexes of symbol files found in local folders too, keyed by the file's path, size
    /// and modification time, so that a large local file is parsed once rather than by every
    /// process. Off by default; <c>obs stackwalk</c> sets it only when <c>--symbols-cache</c> is
    /// given explicitly.
    /// </summary>
    public bool CacheLocalSymbols { get; init; }
}
