using System.Globalization;
using System.Text;
using System.Text.Json;
using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// Writes a <see cref="ProcessState"/> as minidump-stackwalk's human report (<c>--human</c>): the
/// system and crash summary, the crashing thread, every other thread, and the module lists.
/// </summary>
public static class ProcessStateReport
{
    /// <summary>Writes the report; <paramref name="brief"/> stops after the crashing thread.</summary>
    public static void Write(TextWriter output, ProcessState state, bool brief = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(state);
        var hex = new HexFormat(state.System.PointerSize);
        var system = state.System;

        output.Write($"Operating system: {system.OsName}\n");
        if (system.OsVersion is { } version)
        {
            output.Write($"                  {version}\n");
        }

        output.Write($"CPU: {system.CpuName}\n");
        if (system.CpuInfo is { } cpuInfo)
        {
            output.Write($"     {cpuInfo}\n");
        }

        output.Write(string.Create(CultureInfo.InvariantCulture, $"     {system.CpuCount} CPU{(system.CpuCount > 1 ? "s" : "")}\n"));
        if (state.LinuxStandardBase is { } lsb)
        {
            output.Write($"Linux {lsb.Id} {lsb.Release} - {lsb.Codename} ({lsb.Description})\n");
        }

        output.Write('\n');
        WriteCrash(output, state, hex);
        WriteMacInfo(output, state);

        if (state.ProcessCreateTime is { } created)
        {
            var seconds = Math.Max(0, (state.DumpTime - created).Ticks / TimeSpan.TicksPerSecond);
            output.Write(string.Create(CultureInfo.InvariantCulture, $"Process uptime: {seconds} seconds\n"));
        }
        else
        {
            output.Write("Process uptime: not available\n");
        }

        output.Write('\n');
        if (state.LinuxMemoryMapCount is { } mapCount)
        {
            output.Write(string.Create(CultureInfo.InvariantCulture, $"Linux memory map count: {mapCount}\n\n"));
        }

        if (state.RequestingThread is { } requesting)
        {
            var thread = state.Threads[requesting];
            var what = state.Crash is not null ? "crashed" : "requested dump, did not crash";
            output.Write(string.Create(CultureInfo.InvariantCulture, $"Thread {requesting} {thread.ThreadName} ({what}) - tid: {thread.ThreadId}\n"));
            WriteFrames(output, thread);
            output.Write('\n');
        }

        if (brief)
        {
            return;
        }

        for (var i = 0; i < state.Threads.Count; i++)
        {
            var thread = state.Threads[i];
            if (i == state.RequestingThread || thread.Status == ThreadWalkStatus.DumpThreadSkipped)
            {
                continue;
            }

            output.Write(string.Create(CultureInfo.InvariantCulture, $"Thread {i} {thread.ThreadName} - tid: {thread.ThreadId}\n"));
            WriteFrames(output, thread);
        }

        WriteModuleLists(output, state);
        WriteStreams(output, state);
        if (state.SoftErrors is { ValueKind: JsonValueKind.Array } softErrors && softErrors.GetArrayLength() > 0)
        {
            output.Write("\nSoft errors were encountered when minidump was written:\n");
            output.Write(PrettyJson(softErrors));
            output.Write('\n');
        }
    }

    private static void WriteCrash(TextWriter output, ProcessState state, HexFormat hex)
    {
        if (state.Crash is not { } crash)
        {
            output.Write("No crash\n");
            return;
        }

        output.Write($"Crash reason:  {crash.Reason}\n");
        if (crash.AdjustedAddress is { } adjusted)
        {
            output.Write($"Crash address: {hex.Format(crash.Address)} **\n");
            output.Write(adjusted.Kind == AdjustedAddressKind.NonCanonical
                ? $"    ** Non-canonical address detected: {hex.Format(adjusted.Value)}\n"
                : $"    ** Null pointer detected with offset: {hex.Format(adjusted.Value)}\n");
        }
        else
        {
            output.Write($"Crash address: {hex.Format(crash.Address)}\n");
        }

        if (crash.Instruction is { } instruction)
        {
            output.Write($"Crashing instruction: `{instruction}`\n");
        }

        if (crash.MemoryAccesses is { } accesses)
        {
            if (accesses.Count == 0)
            {
                output.Write("No memory accessed by instruction\n");
            }
            else
            {
                output.Write("Memory accessed by instruction:\n");
                for (var i = 0; i < accesses.Count; i++)
                {
                    var access = accesses[i];
                    output.Write(string.Create(CultureInfo.InvariantCulture, $"  {i}. Address: {hex.Format(access.Address)}\n"));
                    output.Write(access.Size is { } size
                        ? string.Create(CultureInfo.InvariantCulture, $"     Size: {size}\n")
                        : "     Size: Unknown\n");
                    if (access.IsLikelyGuardPage)
                    {
                        output.Write("     This address falls in a likely guard page.\n");
                    }

                    if (access.AccessType != MemoryAccessType.Underivable)
                    {
                        output.Write($"     Access type: {access.AccessType}\n");
                    }
                }
            }
        }

        if (crash.InstructionPointerUpdate is { } update)
        {
            if (update.IsUpdate)
            {
                output.Write("Instruction pointer update done by instruction:\n");
                output.Write($"  Address: {hex.Format(update.Address)}\n");
            }
            else
            {
                output.Write("No instruction pointer update by instruction\n");
            }
        }

        if (crash.PossibleBitFlips.Count > 0)
        {
            output.Write("Crashing address may be the result of a flipped bit:\n");
            var flips = new List<PossibleBitFlip>(crash.PossibleBitFlips);

            // Most confident first, then by address.
            flips.Sort(static (a, b) =>
            {
                var byConfidence = (b.Confidence ?? 0).CompareTo(a.Confidence ?? 0);
                return byConfidence != 0 ? byConfidence : a.Address.CompareTo(b.Address);
            });
            for (var i = 0; i < flips.Count; i++)
            {
                var flip = flips[i];
                var register = flip.SourceRegister is { } name ? name + "=" : "";
                output.Write(string.Create(CultureInfo.InvariantCulture,
                    $"  {i}. Valid address: {register}{hex.Format(flip.Address)} ({flip.Confidence ?? 0:F3})\n"));
            }
        }

        if (crash.Inconsistencies.Count > 0)
        {
            output.Write("Crash is inconsistent:\n");
            foreach (var inconsistency in crash.Inconsistencies)
            {
                output.Write($"  {InconsistencyText(inconsistency)}\n");
            }
        }
    }

    private static void WriteMacInfo(TextWriter output, ProcessState state)
    {
        if (state.MacCrashInfo is { } info)
        {
            output.Write("Mac Crash Info:\n");
            for (var i = 0; i < info.Records.Length; i++)
            {
                var record = info.Records[i];
                output.Write(string.Create(CultureInfo.InvariantCulture, $"  Record {i}\n"));

                // minidump-stackwalk prints these numbers in decimal after a "0x".
                WriteField(output, "thread", record.Thread is { } thread ? "0x" + thread.ToString(CultureInfo.InvariantCulture) : null);
                WriteField(output, "dialog mode", record.DialogMode is { } mode ? "0x" + mode.ToString(CultureInfo.InvariantCulture) : null);
                WriteField(output, "abort_cause", record.AbortCause is { } cause ? "0x" + cause.ToString(CultureInfo.InvariantCulture) : null);
                WriteField(output, "module", record.ModulePath);
                WriteField(output, "message", record.Message);
                WriteField(output, "signature string", record.SignatureString);
                WriteField(output, "backtrace", record.Backtrace);
                WriteField(output, "message2", record.Message2);
            }

            output.Write('\n');
        }

        if (state.MacBootArgs is { } bootArgs)
        {
            output.Write($"Mac Boot Args: {bootArgs.Bootargs}\n\n");
        }

        static void WriteField(TextWriter output, string name, string? value)
        {
            if (value is not null)
            {
                output.Write($"    {name}: {value}\n");
            }
        }
    }

    /// <summary>A thread's frames, inlined calls first as numbered frames of their own.</summary>
    private static void WriteFrames(TextWriter output, WalkedThread thread)
    {
        if (thread.Frames.Count == 0)
        {
            output.Write("<no frames>\n");
        }

        var number = 0;
        foreach (var frame in thread.Frames)
        {
            var moduleName = frame.Module is { } frameModule ? SymbolFilePaths.LeafName(frameModule.CodeFile) : "";
            foreach (var inline in frame.Inlines)
            {
                output.Write(string.Create(CultureInfo.InvariantCulture, $"{number++,2}  {moduleName}!{inline.FunctionName}"));
                if (inline.SourceFile is { } inlineFile && inline.SourceLine is { } inlineLine)
                {
                    output.Write(string.Create(CultureInfo.InvariantCulture, $" [{SymbolFilePaths.LeafName(inlineFile)} : {inlineLine}]"));
                }

                output.Write("\n    Found by: inlining\n");
            }

            var address = frame.Instruction;
            output.Write(string.Create(CultureInfo.InvariantCulture, $"{number++,2}  "));
            if (frame.Module is { } module)
            {
                output.Write(moduleName);
                if (frame.FunctionName is { } function && frame.FunctionBase is { } functionBase)
                {
                    output.Write('!');
                    output.Write(function);
                    if (frame.SourceFile is { } file && frame.SourceLine is { } line && frame.SourceLineBase is { } lineBase)
                    {
                        output.Write(string.Create(CultureInfo.InvariantCulture,
                            $" [{SymbolFilePaths.LeafName(file)} : {line} + 0x{address - lineBase:x}]"));
                    }
                    else
                    {
                        output.Write(string.Create(CultureInfo.InvariantCulture, $" + 0x{address - functionBase:x}"));
                    }
                }
                else
                {
                    output.Write(string.Create(CultureInfo.InvariantCulture, $" + 0x{address - module.BaseAddress:x}"));
                }
            }
            else
            {
                output.Write(string.Create(CultureInfo.InvariantCulture, $"0x{address:x}"));
                foreach (var unloaded in frame.UnloadedModules)
                {
                    output.Write($" (unloaded {unloaded.ModuleName}@");
                    for (var i = 0; i < unloaded.Offsets.Count; i++)
                    {
                        output.Write(string.Create(CultureInfo.InvariantCulture, $"{(i > 0 ? "|" : "")}0x{unloaded.Offsets[i]:x}"));
                    }

                    output.Write(')');
                }
            }

            output.Write('\n');
            WriteRegisters(output, frame.Registers);
            output.Write($"    Found by: {frame.Trust.ToDescription()}\n");
        }
    }

    /// <summary>The valid registers, as many as fit in 80 columns per line.</summary>
    private static void WriteRegisters(TextWriter output, FrameRegisters registers)
    {
        var line = new StringBuilder();
        var registerHex = new HexFormat(registers.PointerSize);
        foreach (var (name, value) in registers.ValidRegisters)
        {
            var next = $" {name,6} = {registerHex.Format(value)}";
            if (line.Length + next.Length > 80)
            {
                output.Write($" {line}\n");
                line.Clear();
            }

            line.Append(next);
        }

        if (line.Length > 0)
        {
            output.Write($" {line}\n");
        }
    }

    private static void WriteModuleLists(TextWriter output, ProcessState state)
    {
        output.Write("\nLoaded modules:\n");
        var modules = new List<MinidumpModule>(state.Modules);
        modules.Sort(static (a, b) => a.BaseAddress.CompareTo(b.BaseAddress));
        var mainBase = state.MainModule?.BaseAddress;
        foreach (var module in modules)
        {
            var name = SymbolFilePaths.LeafName(module.CodeFile);
            output.Write(string.Create(CultureInfo.InvariantCulture,
                $"0x{module.BaseAddress:x8} - 0x{module.EndAddress - 1:x8}  {name}  {module.Version ?? "???"}"));
            if (module.BaseAddress == mainBase)
            {
                output.Write("  (main)");
            }

            if (state.CertificateSubjects.GetValueOrDefault(name) is { } certificate)
            {
                output.Write($" ({certificate})");
            }

            output.Write('\n');
        }

        output.Write("\nUnloaded modules:\n");
        var unloadedModules = new List<MinidumpUnloadedModule>(state.UnloadedModules);
        unloadedModules.Sort(static (a, b) => a.BaseAddress.CompareTo(b.BaseAddress));
        foreach (var module in unloadedModules)
        {
            var name = SymbolFilePaths.LeafName(module.CodeFile);
            output.Write(string.Create(CultureInfo.InvariantCulture,
                $"0x{module.BaseAddress:x8} - 0x{module.EndAddress - 1:x8}  {name}"));
            if (state.CertificateSubjects.GetValueOrDefault(name) is { } certificate)
            {
                output.Write($" ({certificate})");
            }

            output.Write('\n');
        }
    }

    private static void WriteStreams(TextWriter output, ProcessState state)
    {
        if (state.UnimplementedStreams.Count > 0)
        {
            output.Write("\nUnimplemented streams encountered:\n");
            foreach (var stream in state.UnimplementedStreams)
            {
                output.Write(string.Create(CultureInfo.InvariantCulture,
                    $"Stream 0x{(uint)stream.StreamType:x8} {MinidumpStreamTypes.GetName(stream.StreamType)} ({MinidumpStreamTypes.GetVendor(stream.StreamType)}) @ 0x{stream.Location.Rva:x8}\n"));
            }
        }

        if (state.UnknownStreams.Count > 0)
        {
            output.Write("\nUnknown streams encountered:\n");
            foreach (var stream in state.UnknownStreams)
            {
                output.Write(string.Create(CultureInfo.InvariantCulture,
                    $"Stream 0x{(uint)stream.StreamType:x8} ({MinidumpStreamTypes.GetVendor(stream.StreamType)}) @ 0x{stream.Location.Rva:x8}\n"));
            }
        }
    }

    /// <summary>A JSON value indented as serde_json's pretty printer does.</summary>
    private static string PrettyJson(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ProcessStateJson.WriterOptions(pretty: true)))
        {
            ProcessStateJson.WriteSorted(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string InconsistencyText(CrashInconsistency inconsistency) => inconsistency switch
    {
        CrashInconsistency.IntDivByZeroNotPossible =>
            "Crash reason is an integer division by zero but the crashing instruction is not a division",
        CrashInconsistency.PrivInstructionCrashWithoutPrivInstruction =>
            "Crash reason is a privileged instruction but crashing instruction is not a privileged one",
        CrashInconsistency.NonCanonicalAddressFalselyReported =>
            "Crash address is reported as a non-canonical x86-64 address but the actual address is a canonical one",
        CrashInconsistency.AccessViolationWhenAccessAllowed =>
            "Crash reason is access violation exception but access is allowed",
        _ => "Crash address not found among the memory accesses of the crashing instruction",
    };
}
