using Obs.Minidump;

namespace Obs.Symbolication.Analysis;

/// <summary>One region of a <see cref="MemoryMap"/>, with an inclusive last address.</summary>
internal readonly record struct MappedRegion(ulong Start, ulong Last, bool IsReadable, bool IsWritable, bool IsExecutable)
{
    /// <summary>Whether any access at all is allowed.</summary>
    public bool IsAccessible => IsReadable || IsWritable || IsExecutable;

    /// <summary>Whether <paramref name="operation"/> may be allowed here; an undetermined operation may be.</summary>
    public bool PossiblyAllows(MemoryOperation operation) => operation switch
    {
        MemoryOperation.Read => IsReadable,
        MemoryOperation.Write => IsWritable,
        MemoryOperation.Execute => IsExecutable,
        _ => true,
    };

    /// <summary>Whether <paramref name="operation"/> is certainly allowed here; an undetermined operation is not.</summary>
    public bool Allows(MemoryOperation operation) => operation != MemoryOperation.Undetermined && PossiblyAllows(operation);
}

/// <summary>
/// The process's memory map with its permissions, from the MemoryInfoList when the dump has one,
/// else from the Linux maps (rust-minidump's <c>UnifiedMemoryInfoList</c>, which prefers the former).
/// Regions are kept as the dump's own lookups keep them: sorted by start, empty ones left out, and a
/// region overlapping one already kept dropped.
/// </summary>
internal sealed class MemoryMap
{
    private readonly MappedRegion[] _regions;

    private MemoryMap(MappedRegion[] regions)
    {
        _regions = regions;
    }

    /// <summary>A map without regions.</summary>
    public static MemoryMap Empty { get; } = new([]);

    /// <summary>The regions in address order.</summary>
    public ReadOnlySpan<MappedRegion> Regions => _regions;

    /// <summary>Builds the map from whichever source is present.</summary>
    public static MemoryMap From(MinidumpMemoryInfoList? infoList, MinidumpLinuxMaps? linuxMaps)
    {
        var candidates = new List<MappedRegion>();
        if (infoList is not null)
        {
            foreach (var info in infoList.Regions)
            {
                if (info.RegionSize != 0)
                {
                    var last = ulong.MaxValue - info.BaseAddress < info.RegionSize - 1 ? ulong.MaxValue : info.BaseAddress + info.RegionSize - 1;
                    candidates.Add(new MappedRegion(info.BaseAddress, last, info.IsReadable, info.IsWritable, info.IsExecutable));
                }
            }
        }
        else if (linuxMaps is not null)
        {
            foreach (var mapping in linuxMaps.Mappings)
            {
                if (mapping.EndAddress > mapping.StartAddress)
                {
                    candidates.Add(new MappedRegion(mapping.StartAddress, mapping.EndAddress - 1,
                        mapping.IsReadable, mapping.IsWritable, mapping.IsExecutable));
                }
            }
        }

        // A stable sort keeps the first of two regions with the same bounds, as the dump's own index does.
        var ordered = candidates.Select((region, index) => (region, index))
            .OrderBy(p => p.region.Start).ThenBy(p => p.region.Last).ThenBy(p => p.index);
        var kept = new List<MappedRegion>(candidates.Count);
        foreach (var (region, _) in ordered)
        {
            if (kept.Count == 0 || region.Start > kept[^1].Last)
            {
                kept.Add(region);
            }
        }

        return new MemoryMap([.. kept]);
    }

    /// <summary>The region containing <paramref name="address"/>, or null.</summary>
    public MappedRegion? Find(ulong address)
    {
        int low = 0, high = _regions.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var region = _regions[middle];
            if (address < region.Start)
            {
                high = middle - 1;
            }
            else if (address > region.Last)
            {
                low = middle + 1;
            }
            else
            {
                return region;
            }
        }

        return null;
    }
}
