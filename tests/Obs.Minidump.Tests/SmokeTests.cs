namespace Obs.Minidump.Tests;

public sealed class SmokeTests
{
    // Streams that are damaged in the fixtures themselves: in this exploitability dump (edited
    // upstream) the maps text stops in the middle of its last line, and the DsoDebug bytes are
    // UTF-16 text (a count of 1,761,635,328 link maps).
    private static readonly Dictionary<string, string[]> DamagedStreams = new()
    {
        ["breakpad/dumps/linux_executable_stack.dmp"] = ["LinuxMaps", "LinuxDsoDebug"],
        ["rust-minidump/dumps/invalid-range.dmp"] = ["*"],
        ["rust-minidump/dumps/invalid-record-count.dmp"] = ["*"],
    };

    [Theory]
    [MemberData(nameof(FixtureDumps.AllData), MemberType = typeof(FixtureDumps))]
    public void Every_fixture_stream_reads_except_the_known_damaged_ones(string relative)
    {
        if (DamagedStreams.TryGetValue(relative, out var damaged) && damaged[0] == "*")
        {
            return;
        }

        using var dump = FixtureDumps.Open(relative);
        var failures = new List<string>();
        foreach (var entry in dump.Directory)
        {
            try
            {
                dump.GetStream(entry);
            }
            catch (MinidumpException ex)
            {
                failures.Add($"{entry.StreamType}: {ex.Message}");
                Assert.True(ex.Offset >= 0 && ex.Offset <= dump.Length, ex.Message);
            }
        }

        Assert.Equal(damaged ?? [], failures.Select(f => f[..f.IndexOf(':', StringComparison.Ordinal)]));
    }
}
