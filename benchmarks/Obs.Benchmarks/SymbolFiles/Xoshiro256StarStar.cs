using System.Numerics;

namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// xoshiro256** seeded through SplitMix64. The generator needs its own PRNG rather than
/// <see cref="Random"/> because "same seed, same bytes" must hold across .NET versions, and
/// integer-only sampling keeps it independent of floating-point libraries.
/// </summary>
internal struct Xoshiro256StarStar
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public Xoshiro256StarStar(ulong seed)
    {
        _s0 = SplitMix64(ref seed);
        _s1 = SplitMix64(ref seed);
        _s2 = SplitMix64(ref seed);
        _s3 = SplitMix64(ref seed);
    }

    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A value in [0, <paramref name="maxExclusive"/>); the bias of the multiply-shift reduction is below 2^-32.</summary>
    public int Next(int maxExclusive) => (int)(((NextUInt64() >> 32) * (ulong)(uint)maxExclusive) >> 32);

    /// <summary>A value in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    /// <summary>True with probability <paramref name="numerator"/>/<paramref name="denominator"/>.</summary>
    public bool Chance(int numerator, int denominator) => Next(denominator) < numerator;

    /// <summary>True with probability <paramref name="numerator"/>/<paramref name="denominator"/>, for 64-bit counts.</summary>
    public bool Chance(long numerator, long denominator) => (long)(NextUInt64() % (ulong)denominator) < numerator;

    public T Pick<T>(T[] items) => items[Next(items.Length)];

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
