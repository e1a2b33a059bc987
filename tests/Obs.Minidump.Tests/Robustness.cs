using System.Diagnostics;
using Obs.Minidump.Fuzz;
using Obs.Testing;

namespace Obs.Minidump.Tests;

/// <summary>The check every damaged input must pass: only typed errors, bounded allocation, no hang.</summary>
internal static class Robustness
{
    /// <summary>
    /// Opens <paramref name="input"/> and reads everything. Fails the test if anything other than a
    /// <see cref="MinidumpException"/> escapes, if allocation passes 2 × input + 16 MB, or if it takes
    /// more than 10 seconds. Returns whether the header and directory were accepted.
    /// </summary>
    public static bool AssertReadsCleanly(byte[] input, string what)
    {
        var opened = false;
        var watch = Stopwatch.StartNew();
        var allocated = AllocationMeter.Measure(() =>
        {
            try
            {
                using var dump = MinidumpFile.Read(input);
                opened = true;
                MinidumpFuzzTarget.ReadEverything(dump);
            }
            catch (MinidumpException ex)
            {
                Assert.True(ex.Offset >= -1 && ex.Offset <= input.Length, $"{what}: offset {ex.Offset} outside the input ({ex.Message})");
            }
        });
        watch.Stop();
        Assert.True(allocated <= AllocationMeter.Bound(input.Length),
            $"{what}: {allocated} bytes allocated for {input.Length} bytes of input");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{what}: took {watch.Elapsed}");
        return opened;
    }
}
