using System.Globalization;
using System.Text.Json;
using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// Writes a <see cref="ProcessState"/> as minidump-stackwalk's <c>--json</c> report (rust-minidump's
/// schema, which Socorro consumes): every object's keys in alphabetical order, explicit nulls,
/// and addresses as <c>0x</c> followed by 8 or 16 hex digits by the CPU's pointer width. This is
/// deliberately not the unpadded hex of Obs's other JSON: consumers of this format exist.
/// </summary>
public static class ProcessStateJson
{
    /// <summary>Writer options that produce minidump-stackwalk's exact bytes (serde_json's escaping and, when <paramref name="pretty"/>, its indentation).</summary>
    public static JsonWriterOptions WriterOptions(bool pretty) => new()
    {
        Encoder = SerdeJsonEncoder.Instance,
        Indented = pretty,
        NewLine = "\n",
        SkipValidation = false,
    };

    /// <summary>Writes the report to <paramref name="stream"/> (UTF-8, no trailing newline).</summary>
    public static void Write(Stream stream, ProcessState state, bool pretty = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, WriterOptions(pretty));
        Write(writer, state);
    }

    /// <summary>Writes the report as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, ProcessState state)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(state);
        var hex = new HexFormat(state.System.PointerSize);

        writer.WriteStartObject();
        WriteCrashInfo(writer, state, hex);
        if (state.RequestingThread is { } requesting && state.Threads[requesting].Frames.Count > 0)
        {
            // A copy of the crashing thread with its index and the first frame's registers.
            writer.WritePropertyName("crashing_thread");
            WriteThread(writer, state, state.Threads[requesting], hex, requesting);
        }

        writer.WritePropertyName("handles");
        if (state.Handles is { } handles)
        {
            writer.WriteStartArray();
            foreach (var handle in handles.Handles)
            {
                writer.WriteStartObject();
                writer.WriteNumber("handle", handle.Handle);
                writer.WriteString("object_name", handle.ObjectName);
                writer.WriteString("type_name", handle.TypeName);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNullValue();
        }

        WriteNullableNumber(writer, "linux_memory_map_count", state.LinuxMemoryMapCount);
        writer.WritePropertyName("lsb_release");
        if (state.LinuxStandardBase is { } lsb)
        {
            writer.WriteStartObject();
            writer.WriteString("codename", lsb.Codename);
            writer.WriteString("description", lsb.Description);
            writer.WriteString("id", lsb.Id);
            writer.WriteString("release", lsb.Release);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteString("mac_boot_args", state.MacBootArgs?.Bootargs);
        WriteMacCrashInfo(writer, state.MacCrashInfo, hex);
        writer.WriteNumber("main_module", 0);
        WriteModules(writer, state, hex);
        writer.WriteBoolean("modules_contains_cert_info", state.CertificateSubjects.Count > 0);
        WriteNullableNumber(writer, "pid", state.ProcessId);
        WriteProcLimits(writer, state.LinuxProcLimits);
        writer.WritePropertyName("process_uptime");
        if (state.ProcessCreateTime is { } created)
        {
            var seconds = (state.DumpTime - created).Ticks / TimeSpan.TicksPerSecond;
            writer.WriteNumberValue((ulong)Math.Max(0, seconds));
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName("soft_errors");
        if (state.SoftErrors is { } softErrors)
        {
            WriteSorted(writer, softErrors);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteString("status", "OK");
        WriteSystemInfo(writer, state.System);
        writer.WriteNumber("thread_count", state.Threads.Count);
        writer.WriteStartArray("threads");
        foreach (var thread in state.Threads)
        {
            WriteThread(writer, state, thread, hex, threadsIndex: null);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("unloaded_modules");
        foreach (var module in state.UnloadedModules)
        {
            writer.WriteStartObject();
            writer.WriteString("base_addr", hex.Format(module.BaseAddress));
            writer.WriteString("cert_subject", state.CertificateSubjects.GetValueOrDefault(module.CodeFile));
            writer.WriteString("code_id", module.CodeId.ToLowerInvariant());
            writer.WriteString("end_addr", hex.Format(module.EndAddress));
            writer.WriteString("filename", module.CodeFile);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    private static void WriteCrashInfo(Utf8JsonWriter writer, ProcessState state, HexFormat hex)
    {
        var crash = state.Crash;
        writer.WriteStartObject("crash_info");
        writer.WriteString("address", crash is null ? null : hex.Format(crash.Address));
        writer.WritePropertyName("adjusted_address");
        if (crash?.AdjustedAddress is { } adjusted)
        {
            writer.WriteStartObject();
            if (adjusted.Kind == AdjustedAddressKind.NonCanonical)
            {
                writer.WriteString("address", hex.Format(adjusted.Value));
                writer.WriteString("kind", "non-canonical");
            }
            else
            {
                writer.WriteString("kind", "null-pointer");
                writer.WriteString("offset", hex.Format(adjusted.Value));
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        // rust-minidump never fills the assertion, though the dump may hold one.
        writer.WriteNull("assertion");
        writer.WritePropertyName("crash_inconsistencies");
        if (crash is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStartArray();
            foreach (var inconsistency in crash.Inconsistencies)
            {
                writer.WriteStringValue(InconsistencyName(inconsistency));
            }

            writer.WriteEndArray();
        }

        WriteNullableNumber(writer, "crashing_thread", state.RequestingThread);
        writer.WriteString("instruction", crash?.Instruction);
        writer.WritePropertyName("instruction_pointer_update");
        if (crash?.InstructionPointerUpdate is { IsUpdate: true } update)
        {
            writer.WriteStartObject();
            writer.WriteString("address", hex.Format(update.Address));
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName("memory_accesses");
        if (crash?.MemoryAccesses is { } accesses)
        {
            writer.WriteStartArray();
            foreach (var access in accesses)
            {
                writer.WriteStartObject();
                if (access.AccessType != MemoryAccessType.Underivable)
                {
                    writer.WriteString("access_type", AccessTypeName(access.AccessType));
                }

                writer.WriteString("address", hex.Format(access.Address));
                if (access.IsLikelyGuardPage)
                {
                    writer.WriteBoolean("is_likely_guard_page", true);
                }

                WriteNullableNumber(writer, "size", access.Size);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName("possible_bit_flips");
        if (crash is { PossibleBitFlips.Count: > 0 })
        {
            writer.WriteStartArray();
            foreach (var flip in crash.PossibleBitFlips)
            {
                writer.WriteStartObject();
                writer.WriteString("address", hex.Format(flip.Address));
                writer.WritePropertyName("confidence");
                if (flip.Confidence is { } confidence)
                {
                    writer.WriteNumberValue(confidence);
                }
                else
                {
                    writer.WriteNullValue();
                }

                writer.WriteStartObject("details");
                writer.WriteBoolean("is_null", flip.Details.IsNull);
                writer.WriteNumber("nearby_registers", flip.Details.NearbyRegisters);
                writer.WriteBoolean("poison_registers", flip.Details.PoisonRegisters);
                writer.WriteBoolean("was_low", flip.Details.WasLow);
                writer.WriteBoolean("was_non_canonical", flip.Details.WasNonCanonical);
                writer.WriteEndObject();
                writer.WriteString("source_register", flip.SourceRegister);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteString("type", crash?.Reason);
        writer.WriteEndObject();
    }

    private static void WriteThread(Utf8JsonWriter writer, ProcessState state, WalkedThread thread, HexFormat hex, int? threadsIndex)
    {
        writer.WriteStartObject();
        writer.WriteNumber("frame_count", thread.Frames.Count);
        writer.WriteStartArray("frames");
        for (var i = 0; i < thread.Frames.Count; i++)
        {
            WriteFrame(writer, thread.Frames[i], i, hex, withRegisters: threadsIndex is not null && i == 0);
        }

        writer.WriteEndArray();
        writer.WriteString("last_error_value", thread.LastErrorValue);
        writer.WriteNumber("thread_id", thread.ThreadId);
        writer.WriteString("thread_name", thread.ThreadName);
        if (threadsIndex is { } index)
        {
            writer.WriteNumber("threads_index", index);
        }

        writer.WriteEndObject();
    }

    private static void WriteFrame(Utf8JsonWriter writer, StackFrame frame, int index, HexFormat hex, bool withRegisters)
    {
        writer.WriteStartObject();
        writer.WriteString("file", frame.SourceFile);
        writer.WriteNumber("frame", index);
        writer.WriteString("function", frame.FunctionName);
        writer.WriteString("function_offset", frame.FunctionBase is { } functionBase ? hex.Format(frame.Instruction - functionBase) : null);
        writer.WritePropertyName("inlines");
        if (frame.Inlines.Count > 0)
        {
            writer.WriteStartArray();
            foreach (var inline in frame.Inlines)
            {
                writer.WriteStartObject();
                writer.WriteString("file", inline.SourceFile);
                writer.WriteString("function", inline.FunctionName);
                WriteNullableNumber(writer, "line", inline.SourceLine);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNullValue();
        }

        WriteNullableNumber(writer, "line", frame.SourceLine);
        writer.WriteBoolean("missing_symbols", frame.FunctionName is null);
        writer.WriteString("module", frame.Module is { } module ? SymbolFilePaths.LeafName(module.CodeFile) : null);
        writer.WriteString("module_offset", frame.Module is { } m ? hex.Format(frame.Instruction - m.BaseAddress) : null);
        writer.WriteString("offset", hex.Format(frame.Instruction));
        if (withRegisters)
        {
            // Registers are written as their own width (the context's), in alphabetical order.
            writer.WriteStartObject("registers");
            var registers = new List<KeyValuePair<string, ulong>>(frame.Registers.ValidRegisters);
            registers.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var registerHex = new HexFormat(frame.Registers.PointerSize);
            foreach (var (name, value) in registers)
            {
                writer.WriteString(name, registerHex.Format(value));
            }

            writer.WriteEndObject();
        }

        writer.WriteString("trust", frame.Trust.ToJsonName());
        writer.WritePropertyName("unloaded_modules");
        if (frame.UnloadedModules.Count > 0)
        {
            writer.WriteStartArray();
            foreach (var unloaded in frame.UnloadedModules)
            {
                writer.WriteStartObject();
                writer.WriteString("module", unloaded.ModuleName);
                writer.WriteStartArray("offsets");
                foreach (var offset in unloaded.Offsets)
                {
                    writer.WriteStringValue(hex.Format(offset));
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }

    private static void WriteModules(Utf8JsonWriter writer, ProcessState state, HexFormat hex)
    {
        writer.WriteStartArray("modules");
        foreach (var module in state.Modules)
        {
            var name = SymbolFilePaths.LeafName(module.CodeFile);
            var status = state.SymbolStatus.GetValueOrDefault(name);
            var debugFile = status?.RecoveredDebugFile ?? module.DebugFile ?? "";
            var debugId = status?.RecoveredDebugId ?? module.DebugId ?? NilDebugId;

            writer.WriteStartObject();
            writer.WriteString("base_addr", hex.Format(module.BaseAddress));
            writer.WriteString("cert_subject", state.CertificateSubjects.GetValueOrDefault(name));
            writer.WriteString("code_id", module.CodeId?.ToLowerInvariant() ?? "");
            writer.WriteBoolean("corrupt_symbols", status?.CorruptSymbols ?? false);
            writer.WriteString("debug_file", SymbolFilePaths.LeafName(debugFile));
            writer.WriteString("debug_id", debugId);
            writer.WriteString("end_addr", hex.Format(module.EndAddress));
            writer.WriteString("filename", name);
            writer.WriteBoolean("loaded_symbols", status?.LoadedSymbols ?? false);

            // Missing only where symbols were looked for and not found.
            writer.WriteBoolean("missing_symbols", status is { LoadedSymbols: false });
            writer.WriteString("symbol_url", status?.SymbolUrl);
            writer.WriteString("version", module.Version);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteMacCrashInfo(Utf8JsonWriter writer, MinidumpMacCrashInfo? info, HexFormat hex)
    {
        writer.WritePropertyName("mac_crash_info");
        if (info is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteNumber("num_records", info.Records.Length);
        writer.WriteStartArray("records");
        foreach (var record in info.Records)
        {
            writer.WriteStartObject();
            writer.WriteString("abort_cause", record.AbortCause is { } cause ? hex.Format(cause) : null);
            writer.WriteString("backtrace", record.Backtrace);
            writer.WriteString("dialog_mode", record.DialogMode is { } mode ? hex.Format(mode) : null);
            writer.WriteString("message", record.Message);
            writer.WriteString("message2", record.Message2);
            writer.WriteString("module", record.ModulePath);
            writer.WriteString("signature_string", record.SignatureString);
            writer.WriteString("thread", record.Thread is { } thread ? hex.Format(thread) : null);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteProcLimits(Utf8JsonWriter writer, IReadOnlyList<LinuxProcLimit>? limits)
    {
        writer.WritePropertyName("proc_limits");
        if (limits is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteStartArray("limits");
        foreach (var limit in limits)
        {
            writer.WriteStartObject();
            WriteLimit(writer, "hard", limit.Hard);
            writer.WriteString("name", limit.Name);
            WriteLimit(writer, "soft", limit.Soft);
            writer.WriteString("unit", limit.Unit);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();

        static void WriteLimit(Utf8JsonWriter writer, string name, LinuxLimitValue value)
        {
            if (value.IsUnlimited)
            {
                writer.WriteString(name, "unlimited");
            }
            else
            {
                writer.WriteNumber(name, value.Value);
            }
        }
    }

    private static void WriteSystemInfo(Utf8JsonWriter writer, SystemSummary system)
    {
        writer.WriteStartObject("system_info");
        writer.WriteString("cpu_arch", system.CpuName);
        writer.WriteNumber("cpu_count", system.CpuCount);
        writer.WriteString("cpu_info", system.CpuInfo);
        writer.WriteString("cpu_microcode_version", system.CpuMicrocodeVersion is { } microcode
            ? "0x" + microcode.ToString("x", CultureInfo.InvariantCulture)
            : null);
        writer.WriteString("os", system.OsName);
        writer.WriteString("os_ver", system.OsVersion);
        writer.WriteEndObject();
    }

    /// <summary>Writes a JSON value with every object's keys sorted, as serde_json re-serialises a parsed value.</summary>
    internal static void WriteSorted(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new List<JsonProperty>(value.EnumerateObject());
                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                writer.WriteStartObject();
                string? previous = null;
                for (var i = properties.Count - 1; i >= 0; i--)
                {
                    // A repeated key keeps its last value, as a map does.
                    if (properties[i].Name == previous)
                    {
                        properties.RemoveAt(i);
                    }
                    else
                    {
                        previous = properties[i].Name;
                    }
                }

                foreach (var property in properties)
                {
                    writer.WritePropertyName(property.Name);
                    WriteSorted(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static void WriteNullableNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static string AccessTypeName(MemoryAccessType type) => type switch
    {
        MemoryAccessType.Read => "read",
        MemoryAccessType.Write => "write",
        _ => "readwrite",
    };

    private static string InconsistencyName(CrashInconsistency inconsistency) => inconsistency switch
    {
        CrashInconsistency.IntDivByZeroNotPossible => "int_div_by_zero_not_possible",
        CrashInconsistency.PrivInstructionCrashWithoutPrivInstruction => "priv_instruction_crash_without_priv_instruction",
        CrashInconsistency.NonCanonicalAddressFalselyReported => "non_canonical_address_falsely_reported",
        CrashInconsistency.AccessViolationWhenAccessAllowed => "access_violation_when_access_allowed",
        _ => "crashing_access_not_found_in_memory_accesses",
    };

    // The breakpad form of an empty debug id: a nil GUID and age 0.
    private const string NilDebugId = "000000000000000000000000000000000";
}

/// <summary>Formats addresses as minidump-stackwalk does: <c>0x</c> and 8 or 16 lowercase hex digits.</summary>
internal readonly struct HexFormat(int pointerSize)
{
    // The digit count is a minimum: a wider value on a 32-bit CPU prints whole, as Rust's {:#010x} does.
    public string Format(ulong value) => "0x" + value.ToString(pointerSize == 4 ? "x8" : "x16", CultureInfo.InvariantCulture);
}
