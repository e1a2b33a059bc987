using System.Globalization;

namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// Generated symbol files for the benchmarks, written once per size and seed into the temp
/// folder (never into the repository) and reused by later runs.
/// </summary>
internal static class BenchmarkInputs
{
    public const ulong Seed = 1;

    /// <summary>The path of the generated file of <paramref name="size"/> (<c>full</c>, <c>200mb</c>, <c>20mb</c>, …), generating it if needed.</summary>
    public static string SymbolFile(string size)
    {
        if (!SymbolFileGenerator.TryParseSize(size, out var bytes))
        {
            throw new ArgumentException($"unknown size '{size}'", nameof(size));
        }

        var directory = Path.Combine(Path.GetTempPath(), "obs-benchmarks");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"generated-{bytes}-seed{Seed}.sym"));
        if (!File.Exists(path))
        {
            var partial = path + ".partial";
            new SymbolFileGenerator(bytes, Seed).Generate(partial);
            File.Move(partial, path, overwrite: true);
        }

        return path;
    }

    /// <summary>The path of <paramref name="index"/> (built from the file of <paramref name="size"/>) saved, saving it if needed.</summary>
    public static string SavedIndex(string size, Obs.SymbolFiles.SymbolIndex index)
    {
        var path = Path.ChangeExtension(SymbolFile(size), ".symindex");
        if (!File.Exists(path) || !IsCurrent(path))
        {
            index.Save(path);
        }

        return path;
    }

    /// <summary>False for a saved index that this library no longer opens (an older layout, say).</summary>
    private static bool IsCurrent(string path)
    {
        try
        {
            Obs.SymbolFiles.SymbolIndex.Open(path).Dispose();
            return true;
        }
        catch (Obs.SymbolFiles.SymbolIndexFormatException)
        {
            return false;
        }
    }
}
