namespace Obs.Testing;

/// <summary>
/// Measures managed allocation on the current thread, for the "allocation is proportional to
/// the input" bounds (2 × input + 16 MB) that parser tests assert.
/// </summary>
internal static class AllocationMeter
{
    /// <summary>The bound every parser must respect for an input of <paramref name="inputLength"/> bytes.</summary>
    public static long Bound(long inputLength) => (2 * inputLength) + (16L << 20);

    /// <summary>Runs <paramref name="action"/> and returns the bytes it allocated on this thread.</summary>
    public static long Measure(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
