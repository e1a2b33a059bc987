using System.Text;
using Obs.SymbolFiles;

namespace Obs.Symbolication;

/// <summary>
/// Breakpad symbols from local folders in the symbol-store layout
/// (<c>ROOT/NAME/DEBUGID/NAME.sym</c>, <see cref="SymbolFilePaths.BreakpadSymbolPath"/>), and from
/// single files named directly: a <c>.sym</c> file serves the module whose id its MODULE line
/// gives, and a saved index (<see cref="SymbolIndexReference.Save(string, string?)"/>) the module
/// it was built for. Paths are tried in order; the first that has the file wins (rust-minidump's
/// <c>SimpleSymbolSupplier</c>).
/// </summary>
/// <remarks>
/// A file in which some line cannot be parsed is reported as <see cref="SymbolFileStatus.Corrupt"/>
/// with what did parse, and a file that is not a Breakpad file at all as corrupt without an
/// index: rust-minidump rejects both, Breakpad uses the parsed part.
/// </remarks>
public sealed class LocalSymbolSupplier : ISymbolSupplier
{
    // A MODULE line is short; reading this much of a file named directly is enough to find its id.
    private const int ModuleLineLimit = 4096;

    private readonly string[] _paths;
    private readonly SymbolParseOptions? _parseOptions;

    /// <summary>Creates a supplier over <paramref name="paths"/> (folders or <c>.sym</c> files), tried in order.</summary>
    public LocalSymbolSupplier(IEnumerable<string> paths, SymbolParseOptions? parseOptions = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _paths = [.. paths];
        _parseOptions = parseOptions;
    }

    /// <summary>The folders and files searched, in order.</summary>
    public IReadOnlyList<string> Paths => _paths;

    /// <summary>How files are parsed (null for the defaults).</summary>
    internal SymbolParseOptions? ParseOptions => _parseOptions;

    /// <inheritdoc/>
    public ValueTask<SymbolFileResult> LocateAsync(ModuleIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        cancellationToken.ThrowIfCancellationRequested();
        var file = FindFile(identity);
        return ValueTask.FromResult(file is null ? SymbolFileResult.NotFound() : Load(file));
    }

    /// <summary>The first file of the search path that holds <paramref name="module"/>'s symbols, or null.</summary>
    public string? FindFile(ModuleIdentity module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var relative = SymbolFilePaths.BreakpadSymbolPath(module);
        if (relative is null)
        {
            return null;
        }

        foreach (var path in _paths)
        {
            if (File.Exists(path))
            {
                if (string.Equals(ReadModuleId(path), module.DebugId, StringComparison.Ordinal))
                {
                    return path;
                }
            }
            else if (Directory.Exists(path))
            {
                var candidate = Path.Combine(path, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private SymbolFileResult Load(string file) =>
        TryParse(file, _parseOptions, out var failure) is { } index ? SymbolFileResult.ForIndex(index, file) : failure!;

    /// <summary>
    /// Loads a symbol file (text or saved index); null, with the result to report, when it cannot
    /// be read (a load error) or is not a symbol file (corrupt).
    /// </summary>
    internal static SymbolIndex? TryParse(string path, SymbolParseOptions? options, out SymbolFileResult? failure)
    {
        try
        {
            failure = null;
            return SymbolIndex.Load(path, options);
        }
        catch (SymbolFileException e)
        {
            failure = SymbolFileResult.Corrupt(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = SymbolFileResult.LoadError(e.Message);
        }

        return null;
    }

    /// <summary>The module id of a file named directly: on the MODULE line that opens a text, or in a saved index; null for neither.</summary>
    private static string? ReadModuleId(string file) => ReadTextModuleId(file) ?? ReadSavedIndexModuleId(file);

    private static string? ReadSavedIndexModuleId(string file)
    {
        try
        {
            // Opening maps the file and reads its header and metadata only, whatever its size.
            using var index = SymbolIndex.Open(file);
            return index.Module?.Id;
        }
        catch (Exception e) when (e is SymbolFileException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadTextModuleId(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            Span<byte> buffer = stackalloc byte[ModuleLineLimit];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var line = buffer[..length];
            var end = line.IndexOfAny((byte)'\r', (byte)'\n');
            if (end >= 0)
            {
                line = line[..end];
            }

            // MODULE <os> <cpu> <id> <name>
            Span<Range> fields = stackalloc Range[5];
            var text = Encoding.UTF8.GetString(line);
            var count = text.AsSpan().Split(fields, ' ', StringSplitOptions.RemoveEmptyEntries);
            return count >= 4 && text.AsSpan(fields[0]).SequenceEqual("MODULE") ? text[fields[3]] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
