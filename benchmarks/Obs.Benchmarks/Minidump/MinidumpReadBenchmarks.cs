using BenchmarkDotNet.Attributes;
using Obs.Minidump;

namespace Obs.Benchmarks.Minidump;

/// <summary>
/// Open a minidump and read every stream: the header and directory, each stream's typed view, and
/// each thread's and the exception's CPU context. Inputs: test.dmp (Windows x86, 13 modules) and
/// the 354-module iOS dump. Run with
/// <c>dotnet run -c Release --project benchmarks/Obs.Benchmarks -- --filter '*MinidumpRead*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class MinidumpReadBenchmarks
{
    private byte[] _bytes = [];
    private string _path = string.Empty;

    [Params("rust-minidump/dumps/test.dmp", "breakpad/dumps/minidump_crashpad_annotation.dmp")]
    public string Dump { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _path = Fixtures.Path(Dump);
        _bytes = File.ReadAllBytes(_path);
    }

    /// <summary>From bytes already in memory.</summary>
    [Benchmark(Baseline = true)]
    public int OpenAndReadEveryStream()
    {
        using var dump = MinidumpFile.Read(_bytes);
        return ReadEverything(dump);
    }

    /// <summary>From the file, memory-mapped.</summary>
    [Benchmark]
    public int OpenMappedAndReadEveryStream()
    {
        using var dump = MinidumpFile.Open(_path);
        return ReadEverything(dump);
    }

    private static int ReadEverything(MinidumpFile dump)
    {
        var count = 0;
        foreach (var entry in dump.Directory)
        {
            var stream = dump.GetStream(entry);
            switch (stream)
            {
                case MinidumpThreadList threads:
                    foreach (var thread in threads.Threads)
                    {
                        count += thread.GetContext().RegisterNames.Length;
                        count += thread.GetStackMemory() is null ? 0 : 1;
                    }

                    break;
                case MinidumpExceptionStream exception:
                    count += (int)exception.GetContext().InstructionPointer & 1;
                    break;
                case MinidumpModuleList modules:
                    foreach (var module in modules.Modules)
                    {
                        count += (module.CodeId?.Length ?? 0) + (module.DebugId?.Length ?? 0);
                    }

                    break;
            }

            count++;
        }

        return count + (dump.GetCrashReason()?.Length ?? 0);
    }
}

/// <summary>Finds the repository's tests/fixtures folder from the benchmark's run directory.</summary>
internal static class Fixtures
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("fixture not found above " + AppContext.BaseDirectory, relative);
    }
}
