using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// What identifies a module's symbols: its code file and id (the binary) and its debug file and
/// id (the PDB or the Breakpad file). Symbol stores look files up by these.
/// </summary>
/// <param name="CodeFile">The code file as the dump records it (a full path, or a name).</param>
/// <param name="CodeId">The code id (<c>45d35f6c2d000</c>, a build id), if known.</param>
/// <param name="DebugFile">The debug file (<c>test_app.pdb</c>), if known; empty on MinGW builds.</param>
/// <param name="DebugId">The debug id in Breakpad form (<c>5A9832E5287241C1838ED98914E9B7FF1</c>), if known.</param>
public sealed record ModuleIdentity(string CodeFile, string? CodeId, string? DebugFile, string? DebugId)
{
    /// <summary>The identity of a module of a dump.</summary>
    public static ModuleIdentity FromModule(MinidumpModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return new ModuleIdentity(module.CodeFile, module.CodeId, module.DebugFile, module.DebugId);
    }

    /// <summary>The last component of <see cref="CodeFile"/>, split at <c>/</c> or <c>\</c>: the name reports use.</summary>
    public string CodeFileName => SymbolFilePaths.LeafName(CodeFile);
}
