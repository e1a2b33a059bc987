namespace Obs.Symbolication;

/// <summary>
/// Where symbol stores keep a module's Breakpad file: the layout Breakpad's and rust-minidump's
/// suppliers, Tecken and Mozilla's symbol servers share.
/// </summary>
public static class SymbolFilePaths
{
    /// <summary>
    /// The relative path of a module's <c>.sym</c> file: <c>NAME/DEBUGID/NAME.sym</c>, where NAME is
    /// the leaf of the debug file and a final <c>.pdb</c> (any case) becomes <c>.sym</c> rather
    /// than gaining it (<c>test_app.pdb/5A98…1/test_app.sym</c>, <c>libc.so/…/libc.so.sym</c>).
    /// An empty debug file falls back to the code file (MinGW builds have no PDB). Null without a
    /// debug file or id.
    /// </summary>
    public static string? BreakpadSymbolPath(ModuleIdentity module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module.DebugFile is null || string.IsNullOrEmpty(module.DebugId))
        {
            return null;
        }

        var debugFile = module.DebugFile.Length == 0 ? module.CodeFile : module.DebugFile;
        var leaf = LeafName(debugFile);
        return string.Join('/', leaf, module.DebugId, ReplaceOrAddExtension(leaf, "pdb", "sym"));
    }

    /// <summary>
    /// The relative path a symbol server answers for a code-file/code-id lookup:
    /// <c>CODEFILE/CODEID/NAME</c> with the code id upper-cased and NAME the code file's leaf with a
    /// final <c>.dll</c> replaced by <c>.sym</c>, any other name gaining <c>.sym</c>
    /// (<c>ShowSSEConfig.exe/6A4B9A365000/ShowSSEConfig.exe.sym</c>). Null without a code file or id.
    /// </summary>
    public static string? CodeInfoSymbolPath(ModuleIdentity module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (string.IsNullOrEmpty(module.CodeFile) || string.IsNullOrEmpty(module.CodeId))
        {
            return null;
        }

        var leaf = LeafName(module.CodeFile);
        return string.Join('/', leaf, module.CodeId.ToUpperInvariant(), ReplaceOrAddExtension(leaf, "dll", "sym"));
    }

    /// <summary>The last component of a Windows or POSIX path.</summary>
    public static string LeafName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.AsSpan().LastIndexOfAny('/', '\\');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    /// <summary>
    /// Drops a final <c>.<paramref name="extension"/></c> (compared case-insensitively) and appends
    /// <c>.<paramref name="newExtension"/></c>; a name without a dot only gains the new extension.
    /// </summary>
    private static string ReplaceOrAddExtension(string fileName, string extension, string newExtension)
    {
        var dot = fileName.LastIndexOf('.');
        if (dot >= 0 && fileName.AsSpan(dot + 1).Equals(extension, StringComparison.OrdinalIgnoreCase))
        {
            return string.Concat(fileName.AsSpan(0, dot + 1), newExtension);
        }

        return fileName + "." + newExtension;
    }
}
