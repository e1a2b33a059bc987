using System.Collections.Immutable;
using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>The dump's loaded modules, possibly none (a dump without a module list is processed as one with an empty list).</summary>
internal sealed class LoadedModules
{
    private readonly MinidumpModuleList? _list;

    private readonly Lazy<ulong> _highestEnd;

    public LoadedModules(MinidumpModuleList? list)
    {
        _list = list;
        _highestEnd = new Lazy<ulong>(FindHighestEnd);
    }

    /// <summary>The end address of the highest module that <see cref="FindModule"/> keeps (an overlapped one is not); 0 without modules.</summary>
    public ulong HighestModuleEnd => _highestEnd.Value;

    public ImmutableArray<MinidumpModule> Modules => _list?.Modules ?? [];

    public MinidumpModule? MainModule => _list?.MainModule;

    /// <summary>The module whose range holds <paramref name="address"/> (overlaps resolved as rust-minidump's range map does).</summary>
    public MinidumpModule? FindModule(ulong address) => _list?.FindModule(address);

    private ulong FindHighestEnd()
    {
        MinidumpModule? top = null;
        foreach (var module in Modules)
        {
            if ((top is null || module.BaseAddress > top.BaseAddress) && FindModule(module.BaseAddress) == module)
            {
                top = module;
            }
        }

        return top?.EndAddress ?? 0;
    }
}
