using Obs.Minidump;

namespace Obs.Symbolication.Analysis;

/// <summary>The bits of an address that a flip is looked for in.</summary>
internal enum BitRange
{
    /// <summary>Every bit (a CPU other than amd64).</summary>
    All,

    /// <summary>The low bits that a canonical amd64 address may use freely.</summary>
    Amd64Canonical,

    /// <summary>The high bits, whose flip makes an amd64 address non-canonical.</summary>
    Amd64NonCanonical,
}

/// <summary>
/// Finds addresses one flipped bit away from a faulting address that would have been valid, and
/// rates how likely a hardware bit flip is (rust-minidump's <c>bitflip</c> module and
/// <c>PossibleBitFlip::calculate_heuristics</c>).
/// </summary>
internal static class BitFlipDetector
{
    // Registers within this distance of a corrected address count as pointing near it.
    private const ulong NearbyRegisterDistance = 1 << 12;

    // Corrected addresses at or below this are too common to say anything about nearby registers,
    // and an original address this low next to a null correction suggests a small integer, not a flip.
    private const ulong LowAddressCutoff = NearbyRegisterDistance * 2;

    private const float High = 0.90f;
    private const float Medium = 0.50f;
    private const float Low = 0.25f;
    private const float Baseline = Low;
    private const float NonCanonical = High;
    private const float Null = Medium;
    private const float Poison = Medium;
    private const float OriginalLow = Medium;
    private static readonly float[] NearbyRegister = [Medium, Medium + 0.05f, Medium + 0.1f, Medium + 0.15f];

    /// <summary>
    /// The possible bit flips of <paramref name="address"/>: empty when the address itself is in a
    /// region that may allow <paramref name="operation"/>, or when it lies closer to such a region
    /// than the access size (an off-by-one more likely than a flip).
    /// </summary>
    public static List<PossibleBitFlip> Find(ulong address, string? sourceRegister, BitRange range, MinidumpContext? context,
        MemoryMap memory, MemoryOperation operation, byte? accessSize)
    {
        var flips = new List<PossibleBitFlip>();
        if (memory.Find(address) is { } mapped && mapped.PossiblyAllows(operation))
        {
            return flips;
        }

        if (DistanceToClosestMapping(address, operation, memory) is { } distance && accessSize is { } size && distance < size)
        {
            return flips;
        }

        var (first, end) = range switch
        {
            BitRange.Amd64Canonical => (0, 48),
            BitRange.Amd64NonCanonical => (48, 64),
            _ => (0, 64),
        };
        for (var bit = first; bit < end; bit++)
        {
            var candidate = address ^ (1UL << bit);

            // A flip to null is kept even though null is never mapped: the intended value was likely
            // null and a check went the wrong way. Upstream then also lists it if null is mapped.
            if (candidate == 0)
            {
                flips.Add(Create(candidate, address, sourceRegister, range == BitRange.Amd64NonCanonical, context));
            }

            if (memory.Find(candidate) is { } region && region.PossiblyAllows(operation))
            {
                flips.Add(Create(candidate, address, sourceRegister, range == BitRange.Amd64NonCanonical, context));
            }
        }

        return flips;
    }

    /// <summary>The distance to the nearest region that may allow <paramref name="operation"/>, or null when none may.</summary>
    private static ulong? DistanceToClosestMapping(ulong address, MemoryOperation operation, MemoryMap memory)
    {
        ulong? closest = null;
        foreach (var region in memory.Regions)
        {
            if (!region.PossiblyAllows(operation))
            {
                continue;
            }

            var distance = address < region.Start ? region.Start - address : address > region.Last ? address - region.Last : 0;
            if (closest is null || distance < closest)
            {
                closest = distance;
            }
        }

        return closest;
    }

    private static PossibleBitFlip Create(ulong corrected, ulong original, string? sourceRegister, bool wasNonCanonical, MinidumpContext? context)
    {
        var isNull = corrected == 0;
        var wasLow = isNull && original <= LowAddressCutoff;
        uint nearby = 0;
        var poison = false;
        if (context is not null)
        {
            var countNearby = corrected > LowAddressCutoff;
            foreach (var name in context.ValidRegisterNames)
            {
                var value = context.GetRegister(name);
                if (countNearby && (corrected > value ? corrected - value : value - corrected) <= NearbyRegisterDistance)
                {
                    nearby++;
                }

                poison = poison || IsPoison(value, context.PointerSize);
            }
        }

        var details = new BitFlipDetails(wasNonCanonical, isNull, wasLow, nearby, poison);
        return new PossibleBitFlip(corrected, sourceRegister, details, Confidence(details));
    }

    /// <summary>
    /// Whether <paramref name="value"/> is one byte repeated across the register, that byte being
    /// an allocator's poison pattern (Mozilla's poison values, jemalloc's and mozjemalloc's junk).
    /// </summary>
    private static bool IsPoison(ulong value, int registerSize)
    {
        var pattern = registerSize switch
        {
            2 => 0x0101UL,
            4 => 0x01010101UL,
            8 => 0x0101010101010101UL,
            _ => 0UL,
        };
        if (pattern == 0 || value != unchecked((value & 0xff) * pattern))
        {
            return false;
        }

        return (value & 0xff) is 0x2b or 0x2d or 0x2f or 0x49 or 0x4b or 0x4d or 0x4f or 0x6b or 0x8b or 0x9b
            or 0x9f or 0xa5 or 0xbb or 0xcc or 0xcd or 0xce or 0xdb or 0xe5;
    }

    /// <summary>
    /// A confidence, from none to certain: a baseline combined with what supports a flip, halved when a
    /// register holds a poison pattern (a use-after-free is then the likelier story). Computed in
    /// single precision in upstream's order, so the value prints the same.
    /// </summary>
    internal static float Confidence(BitFlipDetails details)
    {
        Span<float> values = stackalloc float[4];
        var count = 0;
        values[count++] = Baseline;
        if (details.WasNonCanonical)
        {
            values[count++] = NonCanonical;
        }

        if (details.IsNull)
        {
            values[count++] = details.WasLow ? Null * OriginalLow : Null;
        }

        if (details.NearbyRegisters > 0)
        {
            values[count++] = NearbyRegister[(int)Math.Min(details.NearbyRegisters, (uint)NearbyRegister.Length) - 1];
        }

        var remaining = 1.0f;
        foreach (var value in values[..count])
        {
            remaining *= 1.0f - value;
        }

        var confidence = 1.0f - remaining;
        return details.PoisonRegisters ? confidence * Poison : confidence;
    }
}
