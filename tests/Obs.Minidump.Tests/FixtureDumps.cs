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

    /// <summary>Reads every stream and every derived value a consumer could ask for; returns how many streams failed.</summary>
    public static int ReadEverything(MinidumpFile dump)
    {
        var failures = 0;
        foreach (var entry in dump.Directory)
        {
            try
            {
                Touch(dump, dump.GetStream(entry));
            }
            catch (MinidumpException)
            {
                failures++;
            }
        }

        try
        {
            _ = dump.GetCrashReason();
            _ = dump.GetCrashAddress();
            _ = dump.FindMemoryRegion(0x1000);
        }
        catch (MinidumpException)
        {
            failures++;
        }

        return failures;
    }

    private static void Touch(MinidumpFile dump, MinidumpStream stream)
    {
        switch (stream)
        {
            case MinidumpThreadList threads:
                foreach (var thread in threads.Threads)
                {
                    TryContext(thread.GetContext);
                    _ = thread.GetStackMemory();
                    _ = thread.GetLastError();
                }

                break;
            case MinidumpExceptionStream exception:
                TryContext(exception.GetContext);
                _ = exception.GetCrashReason(dump.GetSystemInfo());
                break;
            case MinidumpModuleList modules:
                _ = modules.FindModule(0x400000);
                break;
            case MinidumpSystemInfo system:
                _ = system.OsVersion;
                _ = system.CpuInfo;
                break;
            case MinidumpTextStream text:
                _ = text.GetKeyValuePairs();
                _ = text.GetLines();
                break;
            case MinidumpUnloadedModuleList unloaded:
                _ = unloaded.FindModules(0x400000);
                break;
        }
    }

    private static void TryContext(Func<MinidumpContext> read)
    {
        try
        {
            var context = read();
            foreach (var name in context.RegisterNames)
            {
                _ = context.GetRegister(name);
            }
        }
        catch (MinidumpException)
        {
            // A damaged context fails that thread only.
        }
    }
}
