using System.Globalization;
using Obs.Testing;

namespace Obs.Minidump.Tests;

/// <summary>
/// Every Breakpad <c>minidump_stackwalk -m</c> output in the fixtures against what Obs reads from
/// the same dump: the <c>OS|</c>, <c>CPU|</c> and every <c>Module|</c> line.
/// </summary>
public sealed class BreakpadMachineReadableTests
{
    public static TheoryData<string, string> Outputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var output in TestFixtures.Find("breakpad/expected", "*.m.txt").Append("breakpad/expected/minidump2.stackwalk.machine_readable.out"))
        {
            var name = Path.GetFileName(output);
            var dump = name switch
            {
                "minidump2.stackwalk.machine_readable.out" => "rust-minidump/dumps/test.dmp",
                _ when output.Contains("/rust-minidump-dumps/", StringComparison.Ordinal) =>
                    $"rust-minidump/dumps/{name.Split('.')[0]}.dmp",
                _ => $"breakpad/dumps/{name.Split('.')[0]}.dmp",
            };
            data.Add(output, dump);
        }

        return data;
    }

    [Fact]
    public void Every_machine_readable_output_has_a_dump()
    {
        var outputs = Outputs();
        Assert.True(outputs.Count >= 45, $"only {outputs.Count} outputs found");
        foreach (var row in outputs)
        {
            Assert.True(File.Exists(TestFixtures.Path(row.Data.Item2)), row.Data.Item2);
        }
    }

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Os_cpu_and_module_lines_agree(string output, string dumpPath)
    {
        using var dump = FixtureDumps.Open(dumpPath);
        var system = dump.GetSystemInfo()!;
        var modules = dump.GetModuleList()!;
        var lines = File.ReadAllLines(TestFixtures.Path(output));

        var os = lines.Single(l => l.StartsWith("OS|", StringComparison.Ordinal)).Split('|');
        Assert.Equal(os[1], system.OsName);
        // Breakpad prints "major.minor.build csd" (with a trailing space when the CSD string is empty).
        Assert.Equal(os[2], string.Create(CultureInfo.InvariantCulture,
            $"{system.MajorVersion}.{system.MinorVersion}.{system.BuildNumber} {system.CsdVersion}"));

        var cpu = lines.Single(l => l.StartsWith("CPU|", StringComparison.Ordinal)).Split('|');
        Assert.Equal(cpu[1], system.CpuName);
        Assert.Equal(cpu[2], system.CpuInfo);
        Assert.Equal(cpu[3], system.NumberOfProcessors.ToString(CultureInfo.InvariantCulture));

        var expected = lines.Where(l => l.StartsWith("Module|", StringComparison.Ordinal)).Select(l => l.Split('|')).ToList();
        Assert.NotEmpty(expected);
        foreach (var line in expected)
        {
            var baseAddress = Oracles.Hex(line[5]);
            var module = modules.Modules.Single(m => m.BaseAddress == baseAddress);
            Assert.Equal(line[1], Oracles.BaseName(module.CodeFile));
            Assert.Equal(line[2], module.Version ?? string.Empty);
            Assert.Equal(line[3], Oracles.BaseName(module.DebugFile));
            Assert.Equal(line[4], module.DebugId ?? string.Empty);
            Assert.Equal(Oracles.Hex(line[6]), module.EndAddress - 1);
            Assert.Equal(line[7] == "1", ReferenceEquals(module, modules.MainModule));
            Assert.Same(module, modules.FindModule(baseAddress));
        }

        // Breakpad lists each module once, sorted by address, and leaves out modules that overlap
        // one it already has; Obs's address lookup follows the same rule.
        var listed = expected.Select(l => Oracles.Hex(l[5])).ToHashSet();
        foreach (var module in modules.Modules.Where(m => !listed.Contains(m.BaseAddress)))
        {
            Assert.NotSame(module, modules.FindModule(module.BaseAddress));
        }
    }
}
