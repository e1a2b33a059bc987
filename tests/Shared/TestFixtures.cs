namespace Obs.Testing;

/// <summary>
/// Locates the repository's <c>tests/fixtures</c> folder (copied from upstream projects; see
/// <c>tests/fixtures/NOTICE.md</c>) from wherever the test assembly runs.
/// </summary>
internal static class TestFixtures
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>Absolute path of <c>tests/fixtures</c>.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>Absolute path of a fixture given relative to <c>tests/fixtures</c>, with <c>/</c> separators.</summary>
    public static string Path(string relative) =>
        System.IO.Path.Combine(Root, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

    /// <summary>The bytes of a fixture.</summary>
    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path(relative));

    /// <summary>Every file below a fixture folder whose name matches <paramref name="pattern"/>, relative to the root, sorted.</summary>
    public static IReadOnlyList<string> Find(string folder, string pattern)
    {
        var files = Directory.GetFiles(Path(folder), pattern, SearchOption.AllDirectories);
        var relative = new List<string>(files.Length);
        foreach (var file in files)
        {
            relative.Add(System.IO.Path.GetRelativePath(Root, file).Replace(System.IO.Path.DirectorySeparatorChar, '/'));
        }

        relative.Sort(StringComparer.Ordinal);
        return relative;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }
}
