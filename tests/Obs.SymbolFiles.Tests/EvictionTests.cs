using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// A cache evicts an index by disposing it, and its memory must go back at once: loading and
/// disposing a 20 MB file's index 40 times in one process must leave resident memory where one
/// load left it (within 3 indexes' worth). Measured in a process of its own (this test assembly,
/// run for its probe only), where no other test's memory counts.
/// </summary>
public sealed class EvictionTests
{
    private const string ProbeVariable = "OBS_EVICTION_PROBE_FILE";

    /// <summary>True in the process <see cref="Resident_memory_stays_flat_when_evicted_indexes_are_disposed"/> starts.</summary>
    public static bool InProbeProcess => Environment.GetEnvironmentVariable(ProbeVariable) is not null;

    [Fact]
    public async Task Resident_memory_stays_flat_when_evicted_indexes_are_disposed()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "resident memory is read from /proc");
        var folder = Directory.CreateTempSubdirectory("obs-eviction-").FullName;
        try
        {
            var path = Path.Combine(folder, "generated.sym");
            File.WriteAllBytes(path, GeneratedText(targetBytes: 20 << 20));
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { typeof(EvictionTests).Assembly.Location, "-method", $"{typeof(EvictionTests).FullName}.{nameof(Load_and_dispose_forty_times)}", "-noColor" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { [ProbeVariable] = path },
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(process.ExitCode == 0, $"probe failed:\n{await output}\n{await error}");
            Assert.Contains("Total: 1, Errors: 0, Failed: 0, Skipped: 0", await output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(SkipUnless = nameof(InProbeProcess), Skip = "runs in a process of its own, started by Resident_memory_stays_flat_when_evicted_indexes_are_disposed")]
    public void Load_and_dispose_forty_times()
    {
        var path = Environment.GetEnvironmentVariable(ProbeVariable)!;
        long memoryBytes;
        using (var first = SymbolIndex.Load(path))
        {
            memoryBytes = first.MemoryBytes;
        }

        var before = ResidentBytes();
        for (var i = 0; i < 40; i++)
        {
            using var index = SymbolIndex.Load(path);
            Assert.Equal(memoryBytes, index.MemoryBytes);
        }

        var growth = ResidentBytes() - before;
        Assert.True(memoryBytes > 10 << 20, $"the index holds only {memoryBytes} bytes");
        Assert.True(growth < 3 * memoryBytes, $"resident memory grew by {growth} bytes over 40 loads of an index of {memoryBytes} bytes");
    }

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    /// <summary>Functions with line records and nested INLINE records, as dump_syms writes them, up to about <paramref name="targetBytes"/>.</summary>
    internal static byte[] GeneratedText(int targetBytes)
    {
        var text = new StringBuilder("MODULE Linux x86_64 000000000000000000000000000000000 eviction\n", targetBytes + 4096);
        for (var i = 0; i < 64; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"FILE {i} /build/src/dir{i % 7}/file{i}.cc\n");
            text.Append(CultureInfo.InvariantCulture, $"INLINE_ORIGIN {i} ns::inlined_{i}<T>(int)\n");
        }

        ulong address = 0x1000;
        for (var f = 0; text.Length < targetBytes; f++)
        {
            text.Append(CultureInfo.InvariantCulture, $"FUNC {address:x} 100 0 ns::function_{f}(char const*, int)\n");
            text.Append(CultureInfo.InvariantCulture, $"INLINE 0 {f % 900 + 1} {f % 64} {f % 64} {address + 0x20:x} 80\n");
            text.Append(CultureInfo.InvariantCulture, $"INLINE 1 {f % 700 + 1} {(f + 1) % 64} {(f + 3) % 64} {address + 0x40:x} 20\n");
            for (var at = address; at < address + 0x100; at += 0x10)
            {
                text.Append(CultureInfo.InvariantCulture, $"{at:x} 10 {(at - address) / 4 + 1} {f % 64}\n");
            }

            address += 0x100;
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
