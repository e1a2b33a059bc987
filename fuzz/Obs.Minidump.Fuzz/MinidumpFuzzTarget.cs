namespace Obs.Minidump.Fuzz;

/// <summary>
/// The fuzzing entry point, shared with the regression tests (tests/Obs.Minidump.Tests compiles
/// this file): open a dump from bytes and read every stream and every derived value. Only
/// <see cref="MinidumpException"/> may escape the library, and managed allocation must stay under
/// 2 × input + 16 MB; anything else throws, which the fuzzer records as a crash.
/// </summary>
internal static class MinidumpFuzzTarget
{
    public static void Run(byte[] input)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            using var dump = MinidumpFile.Read(input);
            ReadEverything(dump);
        }
        catch (MinidumpException ex) when (ex.Offset >= -1 && ex.Offset <= input.Length)
        {
            // The only acceptable failure: a typed error with an offset inside the input (or none).
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var bound = (2L * input.Length) + (16L << 20);
        if (allocated > bound)
        {
            throw new InvalidOperationException($"reading {input.Length} bytes allocated {allocated} bytes (bound {bound})");
        }
    }

    /// <summary>Reads every stream the dump has and every value derived from them; stream failures are swallowed.</summary>
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

        foreach (var read in DerivedReads)
        {
            try
            {
                read(dump);
            }
            catch (MinidumpException)
            {
                failures++;
            }
        }

        return failures;
    }

    private static readonly Action<MinidumpFile>[] DerivedReads =
    [
        static d => _ = d.GetCrashReason(),
        static d => _ = d.GetCrashAddress(),
        static d => _ = d.FindMemoryRegion(0x1000),
        static d => _ = d.GetModuleList()?.MainModule,
        static d => _ = d.GetSystemInfo()?.OsVersion,
    ];

    /// <summary>Lookups per list: enough to reach every lookup path without making the harness itself quadratic.</summary>
    private const int LookupsPerList = 64;

    private static void Touch(MinidumpFile dump, MinidumpStream stream)
    {
        switch (stream)
        {
            case MinidumpThreadList threads:
                foreach (var thread in threads.Threads)
                {
                    TryContext(thread.GetContext);
                    if (thread.GetStackMemory() is { } stack)
                    {
                        _ = stack.TryReadUInt64(stack.BaseAddress, out _);
                    }

                    _ = thread.GetLastError();
                    _ = threads.FindThread(thread.ThreadId);
                }

                break;
            case MinidumpExceptionStream exception:
                TryContext(exception.GetContext);
                _ = exception.GetCrashReason(dump.GetSystemInfo());
                _ = exception.GetCrashAddress(dump.GetSystemInfo());
                break;
            case MinidumpModuleList modules:
                foreach (var module in modules.Modules.Take(LookupsPerList))
                {
                    _ = modules.FindModule(module.BaseAddress);
                }

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
                foreach (var module in unloaded.Modules.Take(LookupsPerList))
                {
                    _ = unloaded.FindModules(module.BaseAddress);
                }

                break;
            case MinidumpMemoryRegionList memory:
                foreach (var region in memory.Regions.Take(LookupsPerList))
                {
                    _ = memory.FindRegion(region.BaseAddress);
                }

                break;
            case MinidumpMemoryInfoList infos:
                foreach (var info in infos.Regions.Take(LookupsPerList))
                {
                    _ = infos.FindRegion(info.BaseAddress);
                }

                break;
            case MinidumpLinuxMaps maps:
                foreach (var mapping in maps.Mappings.Take(LookupsPerList))
                {
                    _ = maps.FindMapping(mapping.StartAddress);
                }

                break;
            case MinidumpThreadNames names:
                foreach (var name in names.Names.Take(LookupsPerList))
                {
                    _ = names.GetName(name.ThreadId);
                }

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

            _ = context.InstructionPointer;
            _ = context.StackPointer;
        }
        catch (MinidumpException)
        {
            // A damaged context fails that thread only.
        }
    }
}
