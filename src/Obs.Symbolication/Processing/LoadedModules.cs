using System.Collections.Immutable;
using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>The dump's loaded modules, possibly none (a dump without a module list is processed as one with an empty list).</summary>
internal sealed class LoadedModules
{
    private readonly MinidumpModuleList? _list;

    public LoadedModules(MinidumpModuleList? list) => _list = list;

    public ImmutableArray<MinidumpModule> Modules => _list?.Modules ?? [];

    public MinidumpModule? MainModule => _list?.MainModule;

    /// <summary>The module whose range holds <paramref name="address"/> (overlaps resolved as rust-minidump's range map does).</summary>
    public MinidumpModule? FindModule(ulong address) => _list?.FindModule(address);
}
