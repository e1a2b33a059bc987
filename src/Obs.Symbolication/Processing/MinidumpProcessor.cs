using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Obs.Minidump;
using Obs.Symbolication.Analysis;
using Obs.Symbolication.Unwinding;

namespace Obs.Symbolication;

/// <summary>
/// Processes a minidump as rust-minidump's <c>minidump-stackwalk</c> does: reads its system,
/// exception and module information, analyses the crash, and walks and symbolicates every
/// thread's stack with the symbols a <see cref="ISymbolSupplier"/> provides.
/// </summary>
public static class MinidumpProcessor
{
    /// <summary>Processes <paramref name="dump"/>.</summary>
    /// <param name="dump">The dump; it must stay open until the returned task completes.</param>
    /// <param name="symbols">
    /// Where modules' symbols come from; null when there are none to look for, in which case no
    /// module is reported as missing its symbols (minidump-stackwalk run without a symbol path).
    /// </param>
    /// <param name="options">Parallelism, deadline, corrupt-symbol policy, evil JSON, logging.</param>
    /// <param name="cancellationToken">Stops processing.</param>
    /// <returns>The walked, symbolicated state of the process.</returns>
    /// <exception cref="MinidumpProcessingException">The dump lacks a stream processing requires (thread list, system info).</exception>
    /// <exception cref="MinidumpException">A stream processing requires is damaged.</exception>
    /// <exception cref="TimeoutException">Processing took longer than <see cref="StackwalkOptions.Timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<ProcessState> ProcessAsync(MinidumpFile dump, ISymbolSupplier? symbols,
        StackwalkOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dump);
        options ??= new StackwalkOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDegreeOfParallelism, 1, nameof(options));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Timeout is { } timeout)
        {
            deadline.CancelAfter(timeout);
        }

        try
        {
            return await ProcessCoreAsync(dump, symbols, options, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"processing the dump took longer than {options.Timeout}");
        }
    }

    private static async Task<ProcessState> ProcessCoreAsync(MinidumpFile dump, ISymbolSupplier? supplier,
        StackwalkOptions options, CancellationToken cancellationToken)
    {
        var logger = options.Logger ?? NullLogger.Instance;
        var optional = new OptionalStreams(dump, logger);

        var threadList = dump.GetThreadList()
            ?? throw new MinidumpProcessingException(MinidumpProcessingError.MissingThreadList, "the dump has no thread list");
        var systemInfo = dump.GetSystemInfo()
            ?? throw new MinidumpProcessingException(MinidumpProcessingError.MissingSystemInfo, "the dump has no system info");

        var evil = EvilJson.Read(options.EvilJson, logger);
        // rust-minidump names an unknown platform by its id, with a doubled "0x" prefix.
        var osName = systemInfo.Os == MinidumpOs.Unknown
            ? "0x0x" + systemInfo.PlatformId.ToString("x6", CultureInfo.InvariantCulture)
            : systemInfo.OsName;
        var system = new SystemSummary(systemInfo.Os, osName, systemInfo.OsVersion, systemInfo.Cpu, systemInfo.CpuName,
            systemInfo.CpuInfo, systemInfo.NumberOfProcessors, MicrocodeVersion(optional.Text(MinidumpStreamType.LinuxCpuInfo), evil));

        var modules = new LoadedModules(optional.Get(dump.GetModuleList));
        var unloaded = optional.Get(dump.GetUnloadedModuleList);
        var state = new ProcessState(system, modules, unloaded)
        {
            DumpTime = DateTimeOffset.FromUnixTimeSeconds(dump.Header.TimeDateStamp),
            CertificateSubjects = evil.Certificates,
            LinuxStandardBase = ReadLinuxStandardBase(optional.Text(MinidumpStreamType.LinuxLsbRelease)),
            LinuxProcLimits = ReadLinuxProcLimits(optional.Text(MinidumpStreamType.MozLinuxLimits)),
            MacCrashInfo = optional.Get(dump.GetMacCrashInfo),
            MacBootArgs = optional.Get(dump.GetMacBootargs),
            LinuxMemoryMapCount = optional.Get(dump.GetLinuxMaps)?.Mappings.Length,
            Handles = optional.Get(dump.GetHandleData),
            SoftErrors = ReadSoftErrors(optional.Text(MinidumpStreamType.MozSoftErrors)),
        };

        // Process id and start time come from MiscInfo when the dump has it (even a MiscInfo
        // without them), else the id from the Linux status stream.
        var miscInfo = optional.Get(dump.GetMiscInfo);
        if (miscInfo is not null)
        {
            state.ProcessId = miscInfo.ProcessId;
            state.ProcessCreateTime = miscInfo.ProcessCreateTime is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null;
        }
        else if (optional.Text(MinidumpStreamType.LinuxProcStatus) is { } status)
        {
            state.ProcessId = ReadLinuxPid(status);
        }

        var breakpadInfo = optional.Get(dump.GetBreakpadInfo);
        var exception = optional.Get(dump.GetException);
        var exceptionContext = exception is null ? null : optional.Get(exception.GetContext);
        if (exception is not null)
        {
            state.Crash = CrashAnalyzer.Analyze(optional, exception, exceptionContext, systemInfo, logger);
        }

        var crashingThreadId = exception?.ThreadId ?? breakpadInfo?.RequestingThreadId;
        var threads = threadList.Threads;
        var stacks = new (List<StackFrame> Frames, ThreadWalkStatus Status)[threads.Length];
        for (var i = 0; i < threads.Length; i++)
        {
            var thread = threads[i];
            if (breakpadInfo?.DumpThreadId == thread.ThreadId)
            {
                stacks[i] = ([], ThreadWalkStatus.DumpThreadSkipped);
                continue;
            }

            var context = optional.Get(thread.GetContext);
            if (crashingThreadId == thread.ThreadId)
            {
                state.RequestingThread = i;
                context = exceptionContext ?? context;
            }

            stacks[i] = context is null
                ? ([], ThreadWalkStatus.MissingContext)
                : ([new StackFrame(FrameRegisters.FromContext(context), FrameTrust.Context)], ThreadWalkStatus.Ok);
        }

        using var resolver = new SymbolResolver(supplier, options.UseCorruptSymbols, logger);
        var environment = new WalkEnvironment(modules, system, resolver, cancellationToken);
        var unwinder = Unwinder.For(system.Cpu);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, threads.Length, parallel, async (i, _) =>
        {
            var frames = stacks[i].Frames;
            if (frames.Count == 0)
            {
                return;
            }

            var stack = FindStackMemory(threads[i], frames[0].Registers.StackPointer, optional);
            await ThreadWalker.WalkAsync(frames, stack, unwinder, environment).ConfigureAwait(false);
            if (unloaded is not null)
            {
                AttributeUnloadedModules(frames, unloaded);
            }
        }).ConfigureAwait(false);

        var names = optional.Get(dump.GetThreadNames);
        var callStacks = new WalkedThread[threads.Length];
        for (var i = 0; i < threads.Length; i++)
        {
            var thread = threads[i];
            var (frames, status) = stacks[i];
            var lastError = status == ThreadWalkStatus.DumpThreadSkipped ? null : optional.GetValue(thread.GetLastError);
            callStacks[i] = new WalkedThread(thread.ThreadId, names?.GetName(thread.ThreadId),
                lastError is { } code ? MinidumpErrorNames.GetWin32ErrorName(code) : null, status, frames);
        }

        state.Threads = callStacks;
        state.SymbolStatus = new Dictionary<string, ModuleSymbolStatus>(resolver.Status, StringComparer.Ordinal);
        (state.UnimplementedStreams, state.UnknownStreams) = StreamCatalog.Classify(dump.Directory);
        return state;
    }

    /// <summary>
    /// The thread's stack memory, or the captured region that holds its stack pointer when the
    /// stack does not (an exception context may point elsewhere than the thread's context).
    /// </summary>
    private static StackMemory? FindStackMemory(MinidumpThread thread, ulong stackPointer, OptionalStreams optional)
    {
        var region = optional.Get(thread.GetStackMemory);
        if (region is null || !region.TryReadUInt64(stackPointer, out _))
        {
            region = optional.Get(() => optional.Dump.FindMemoryRegion(stackPointer)) ?? region;
        }

        // An empty region cannot be read, so it is as good as none.
        return region is { Size: > 0 } ? new StackMemory(region) : null;
    }

    /// <summary>Frames outside every loaded module get the unloaded modules that covered their address.</summary>
    private static void AttributeUnloadedModules(List<StackFrame> frames, MinidumpUnloadedModuleList unloaded)
    {
        foreach (var frame in frames)
        {
            if (frame.Module is not null)
            {
                continue;
            }

            SortedDictionary<string, SortedSet<ulong>>? offsets = null;
            foreach (var module in unloaded.FindModules(frame.Instruction))
            {
                offsets ??= new SortedDictionary<string, SortedSet<ulong>>(StringComparer.Ordinal);
                if (!offsets.TryGetValue(module.CodeFile, out var set))
                {
                    offsets[module.CodeFile] = set = [];
                }

                set.Add(frame.Instruction - module.BaseAddress);
            }

            if (offsets is not null)
            {
                var list = new List<UnloadedModuleOffsets>(offsets.Count);
                foreach (var (name, set) in offsets)
                {
                    list.Add(new UnloadedModuleOffsets(name, [.. set]));
                }

                frame.UnloadedModules = list;
            }
        }
    }

    private static ulong? MicrocodeVersion(MinidumpTextStream? cpuInfo, EvilJson evil)
    {
        string? text = null;
        if (cpuInfo is not null)
        {
            foreach (var (key, value) in cpuInfo.GetKeyValuePairs())
            {
                if (key == "microcode")
                {
                    text = value;
                    break;
                }
            }
        }

        text ??= evil.CpuMicrocodeVersion;
        return text is not null && text.StartsWith("0x", StringComparison.Ordinal)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }

    private static LinuxStandardBase? ReadLinuxStandardBase(MinidumpTextStream? stream)
    {
        if (stream is null)
        {
            return null;
        }

        string id = "", release = "", codename = "", description = "";
        foreach (var (key, value) in stream.GetKeyValuePairs())
        {
            switch (key)
            {
                case "DISTRIB_ID" or "ID": id = value; break;
                case "DISTRIB_RELEASE" or "VERSION_ID": release = value; break;
                case "DISTRIB_CODENAME" or "VERSION_CODENAME": codename = value; break;
                case "DISTRIB_DESCRIPTION" or "PRETTY_NAME": description = value; break;
            }
        }

        return new LinuxStandardBase(id, release, codename, description);
    }

    /// <summary>
    /// The lines of <c>/proc/PID/limits</c> after its header, split at runs of two or more spaces
    /// into name, soft, hard and unit. rust-minidump keeps them in a hash map, so its output order
    /// varies from run to run; this keeps the stream's order.
    /// </summary>
    private static List<LinuxProcLimit>? ReadLinuxProcLimits(MinidumpTextStream? stream)
    {
        if (stream is null)
        {
            return null;
        }

        var limits = new List<LinuxProcLimit>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var header = true;
        foreach (var line in stream.GetLines())
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (header)
            {
                header = false;
                continue;
            }

            var fields = line.Split("  ", StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3)
            {
                continue;
            }

            var name = fields[0].Trim();
            var limit = new LinuxProcLimit(name, ParseLimit(fields[1]), ParseLimit(fields[2]), fields.Length > 3 ? fields[3].Trim() : "n/a");
            if (seen.Add(name))
            {
                limits.Add(limit);
            }
            else
            {
                limits[limits.FindIndex(l => l.Name == name)] = limit;
            }
        }

        return limits;

        static LinuxLimitValue ParseLimit(string text)
        {
            var trimmed = text.Trim();
            return trimmed == "unlimited"
                ? new LinuxLimitValue(true, 0)
                : new LinuxLimitValue(false, ulong.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0);
        }
    }

    private static uint? ReadLinuxPid(MinidumpTextStream status)
    {
        foreach (var (key, value) in status.GetKeyValuePairs())
        {
            if (key == "Pid")
            {
                return uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
            }
        }

        return 0;
    }

    private static JsonElement? ReadSoftErrors(MinidumpTextStream? stream)
    {
        if (stream is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(stream.Text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
