using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// Which of a dump's streams minidump-stackwalk's human report lists as "unimplemented" (types it
/// knows but does not decode) and "unknown" (types it does not know), by rust-minidump's own
/// lists, which differ from what Obs.Minidump decodes.
/// </summary>
internal static class StreamCatalog
{
    public static (IReadOnlyList<MinidumpDirectoryEntry> Unimplemented, IReadOnlyList<MinidumpDirectoryEntry> Unknown) Classify(
        IReadOnlyList<MinidumpDirectoryEntry> directory)
    {
        // A type that repeats is read from its last entry, so only that one is listed.
        var last = new Dictionary<MinidumpStreamType, MinidumpDirectoryEntry>();
        foreach (var entry in directory)
        {
            last[entry.StreamType] = entry;
        }

        var unimplemented = new List<MinidumpDirectoryEntry>();
        var unknown = new List<MinidumpDirectoryEntry>();
        foreach (var entry in directory)
        {
            if (last[entry.StreamType] != entry)
            {
                continue;
            }

            if (IsUnimplemented((uint)entry.StreamType))
            {
                unimplemented.Add(entry);
            }
            else if (!IsImplemented((uint)entry.StreamType))
            {
                unknown.Add(entry);
            }
        }

        return (unimplemented, unknown);
    }

    private static bool IsUnimplemented(uint type) => type is 0 or 1 or 2 or 0xffff or 8 or 10 or 11 or 13
        or (>= 18 and <= 23) or (>= 0x8000 and <= 0x800c) or 0x47670006 or 0x47670008 or 0x4767000a;

    private static bool IsImplemented(uint type) => type is 3 or 4 or 5 or 6 or 7 or 9 or 12 or 14 or 15 or 16 or 17 or 24
        or 0x47670001 or 0x47670002 or 0x47670003 or 0x47670004 or 0x47670005 or 0x47670007 or 0x47670009
        or 0x43500001 or 0x4b6b0002 or 0x4d7a0001 or 0x4d7a0002 or 0x4d7a0003 or 0x4d7a0004;
}
