using Obs.Testing;

namespace Obs.Minidump.Tests;

/// <summary>The fixture minidumps and helpers to open them.</summary>
internal static class FixtureDumps
{
    /// <summary>Every fixture file that is a minidump, relative to tests/fixtures.</summary>
    public static IReadOnlyList<string> All { get; } = TestFixtures.Find("rust-minidump/dumps", "*.dmp")
        .Concat(TestFixtures.Find("breakpad/dumps", "*.dmp"))
        .ToList();

    public static TheoryData<string> AllData()
    {
        var data = new TheoryData<string>();
        foreach (var dump in All)
        {
            data.Add(dump);
        }

        return data;
    }

    public static MinidumpFile Open(string relative) => MinidumpFile.Read(TestFixtures.Bytes(relative));
}
