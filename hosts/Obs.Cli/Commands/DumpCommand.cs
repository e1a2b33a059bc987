using System.CommandLine;
using System.Globalization;
using System.Text;
using Obs.Cli.Infrastructure;
using Obs.Minidump;

namespace Obs.Cli.Commands;

/// <summary>
/// <c>obs dump DUMP [--json]</c>: every stream of a minidump, decoded. A damaged stream is listed
/// with its error and the command still succeeds; only an unreadable header or directory (or file)
/// is an input error. The text output opens with a summary (OS, CPU, crash reason and address,
/// crashing thread, modules), as minidump-stackwalk's report does. The JSON schema is documented
/// in docs/obs-dump.md.
/// </summary>
internal static class DumpCommand
{
    /// <summary>Raw streams show at most this many bytes.</summary>
    private const int RawBytesShown = 256;

    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("dump") { Description = "The minidump (.dmp) to read" };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text" };
        var command = new Command("dump", "Print every stream of a minidump: header, directory, and each stream decoded");
        command.Arguments.Add(path);
        command.Options.Add(json);
        command.SetAction(parse => Run(console, parse.GetValue(path)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliConsole console, string path, bool json)
    {
        using (var dump = CliFiles.OpenDump(path))
        {
            if (json)
            {
                using var output = new JsonDumpOutput(console.Out);
                Write(output, dump, path);
            }
            else
            {
                WriteText(console.Out, dump, path);
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>The text output: the summary, then every stream (also <c>obs stackwalk --dump</c>).</summary>
    internal static void WriteText(Stream destination, MinidumpFile dump, string path)
    {
        destination.Write(Encoding.UTF8.GetBytes(Summary(dump)));
        using var output = new TextDumpOutput(destination);
        Write(output, dump, path);
    }

    /// <summary>
    /// The opening of the text output: what minidump-stackwalk's report opens with (OS, CPU, crash
    /// reason and address, process uptime), then the crashing thread and the modules, so that the
    /// crash is on the first screen rather than after the full stream tree.
    /// </summary>
    internal static string Summary(MinidumpFile dump)
    {
        var text = new StringBuilder();
        var system = Read(dump.GetSystemInfo, out var systemError);
        if (system is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Operating system: {system.OsName}\n");
            text.Append(CultureInfo.InvariantCulture, $"                  {system.OsVersion}\n");
            text.Append(CultureInfo.InvariantCulture, $"CPU: {system.CpuName}\n");
            if (system.CpuInfo is { } cpuInfo)
            {
                text.Append(CultureInfo.InvariantCulture, $"     {cpuInfo}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"     {system.NumberOfProcessors} CPU{(system.NumberOfProcessors == 1 ? "" : "s")}\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"Operating system: unknown ({systemError ?? "no system info stream"})\n");
        }

        text.Append('\n');
        var exception = Read(dump.GetException, out var exceptionError);
        if (exception is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Crash reason:  {dump.GetCrashReason()}\n");
            text.Append(CultureInfo.InvariantCulture, $"Crash address: {CliJson.Hex(dump.GetCrashAddress() ?? 0)}\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"No crash: {exceptionError ?? "the dump has no exception stream"}\n");
        }

        if (Read(dump.GetMiscInfo, out _)?.ProcessCreateTime is { } created && created <= dump.Header.TimeDateStamp)
        {
            text.Append(CultureInfo.InvariantCulture, $"Process uptime: {dump.Header.TimeDateStamp - created} seconds\n");
        }

        var threads = Read(dump.GetThreadList, out var threadsError);
        if (exception is not null)
        {
            var index = threads is null ? -1 : CrashingThreadIndex(threads, exception.ThreadId);
            text.Append(index >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"Crashing thread: {index} (tid {exception.ThreadId}) of {threads!.Threads.Length} threads\n")
                : string.Create(CultureInfo.InvariantCulture, $"Crashing thread: tid {exception.ThreadId}, not in the thread list\n"));
        }
        else if (threads is not null || threadsError is not null)
        {
            text.Append(threads is not null
                ? string.Create(CultureInfo.InvariantCulture, $"Threads: {threads.Threads.Length}\n")
                : $"Threads: unreadable ({threadsError})\n");
        }

        var modules = Read(dump.GetModuleList, out var modulesError);
        if (modules?.MainModule is { } main)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"Modules: {modules.Modules.Length}, main module {main.CodeFile} ({CliJson.Hex(main.BaseAddress)} - {CliJson.Hex(main.EndAddress - 1)})\n");
        }
        else
        {
            text.Append(modules is not null ? "Modules: none\n" : $"Modules: {modulesError ?? "no module list stream"}\n");
        }

        return text.Append('\n').ToString();
    }

    private static int CrashingThreadIndex(MinidumpThreadList threads, uint threadId)
    {
        for (var i = 0; i < threads.Threads.Length; i++)
        {
            if (threads.Threads[i].ThreadId == threadId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A stream for the summary: null when it is absent (error null) or damaged (its error).</summary>
    private static T? Read<T>(Func<T?> get, out string? error) where T : class
    {
        try
        {
            error = null;
            return get();
        }
        catch (MinidumpException ex)
        {
            error = $"unreadable: {ex.Reason}";
            return null;
        }
    }

    internal static void Write(DumpOutput o, MinidumpFile dump, string path)
    {
        o.StartObject(null);
        o.String("file", path);
        o.Number("size", dump.Length);

        var header = dump.Header;
        o.StartObject("header");
        o.Hex("signature", header.Signature);
        o.Hex("version", header.Version);
        o.Number("stream_count", header.StreamCount);
        o.Hex("stream_directory_rva", header.StreamDirectoryRva);
        o.Hex("checksum", header.Checksum);
        o.Number("time_date_stamp", header.TimeDateStamp);
        o.String("time", Time(header.TimeDateStamp));
        o.Hex("flags", header.Flags);
        o.Bool("big_endian", dump.IsBigEndian);
        o.EndObject();

        o.StringArray("warnings", dump.Warnings);

        o.ObjectArray("streams", dump.Directory, (o, entry) =>
        {
            o.Number("index", entry.Index);
            o.Hex("stream_type", (uint)entry.StreamType);
            o.String("name", MinidumpStreamTypes.GetName(entry.StreamType));
            o.String("vendor", MinidumpStreamTypes.GetVendor(entry.StreamType));
            o.Number("data_size", entry.Location.DataSize);
            o.Hex("rva", entry.Location.Rva);
            // When a type repeats, the last entry is the one readers use.
            o.Bool("used", dump.TryGetEntry(entry.StreamType, out var used) && used.Index == entry.Index);
            try
            {
                var stream = dump.GetStream(entry);
                o.StringArray("warnings", stream.Warnings);
                o.StartObject("data");
                WriteStream(o, dump, stream);
                o.EndObject();
                o.String("error", null);
            }
            catch (MinidumpException ex)
            {
                o.StringArray("warnings", []);
                o.String("data", null);
                WriteError(o, "error", ex);
            }

        });
        o.EndObject();
    }

    private static void WriteError(DumpOutput o, string name, MinidumpException ex)
    {
        o.StartObject(name);
        o.String("kind", ex.Kind.ToString());
        o.Number("offset", ex.Offset < 0 ? null : ex.Offset);
        o.String("message", ex.Reason);
        o.EndObject();
    }

    private static string Time(uint timestamp) =>
        DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void WriteStream(DumpOutput o, MinidumpFile dump, MinidumpStream stream)
    {
        switch (stream)
        {
            case MinidumpThreadList threads:
                WriteThreads(o, dump, threads);
                break;
            case MinidumpModuleList modules:
                WriteModules(o, modules);
                break;
            case MinidumpUnloadedModuleList unloaded:
                o.ObjectArray("modules", unloaded.Modules, (o, m) =>
                {
                    o.Hex("base_addr", m.BaseAddress);
                    o.Hex("end_addr", m.EndAddress);
                    o.Number("size", m.Size);
                    o.String("code_file", m.CodeFile);
                    o.String("code_id", m.CodeId);
                    o.Hex("time_date_stamp", m.TimeDateStamp);
                    o.Hex("checksum", m.Checksum);
                });
                break;
            case MinidumpMemoryList list:
                WriteRegions(o, list);
                break;
            case MinidumpMemory64List list:
                o.Hex("base_rva", list.BaseRva);
                WriteRegions(o, list);
                break;
            case MinidumpMemoryInfoList infos:
                o.ObjectArray("regions", infos.Regions, (o, r) =>
                {
                    o.Hex("base_addr", r.BaseAddress);
                    o.Hex("allocation_base", r.AllocationBase);
                    o.Hex("allocation_protection", r.AllocationProtection);
                    o.Hex("region_size", r.RegionSize);
                    o.Hex("state", r.State);
                    o.Hex("protection", r.Protection);
                    o.Hex("type", r.Type);
                });
                break;
            case MinidumpExceptionStream exception:
                WriteException(o, dump, exception);
                break;
            case MinidumpSystemInfo system:
                WriteSystemInfo(o, system);
                break;
            case MinidumpMiscInfo misc:
                WriteMiscInfo(o, misc);
                break;
            case MinidumpBreakpadInfo breakpad:
                o.Hex("validity", breakpad.Validity);
                o.Number("dump_thread_id", breakpad.DumpThreadId);
                o.Number("requesting_thread_id", breakpad.RequestingThreadId);
                break;
            case MinidumpAssertionInfo assertion:
                o.String("expression", assertion.Expression);
                o.String("function", assertion.Function);
                o.String("file", assertion.File);
                o.Number("line", assertion.Line);
                o.String("type", assertion.TypeName);
                break;
            case MinidumpThreadNames names:
                o.ObjectArray("names", names.Names, (o, name) =>
                {
                    o.Number("thread_id", name.ThreadId);
                    o.String("name", name.Name);
                });
                break;
            case MinidumpThreadInfoList infos:
                o.ObjectArray("threads", infos.Threads, (o, t) =>
                {
                    o.Number("thread_id", t.ThreadId);
                    o.Hex("dump_flags", t.DumpFlags);
                    o.Hex("dump_error", t.DumpError);
                    o.Hex("exit_status", t.ExitStatus);
                    o.Hex("create_time", t.CreateTime);
                    o.Hex("exit_time", t.ExitTime);
                    o.Hex("kernel_time", t.KernelTime);
                    o.Hex("user_time", t.UserTime);
                    o.Hex("start_address", t.StartAddress);
                    o.Hex("affinity", t.Affinity);
                });
                break;
            case MinidumpHandleDataStream handles:
                WriteHandles(o, handles);
                break;
            case MinidumpCrashpadInfo crashpad:
                WriteCrashpad(o, crashpad);
                break;
            case MinidumpTextStream text:
                o.String("text", text.Text);
                if (text.Separator is not null)
                {
                    o.StartArray("entries");
                    foreach (var (key, value) in text.GetKeyValuePairs())
                    {
                        o.StartObject(null);
                        o.String("key", key);
                        o.String("value", value);
                        o.EndObject();
                    }

                    o.EndArray();
                }

                break;
            case MinidumpLinuxCommandLine commandLine:
                o.StringArray("arguments", commandLine.Arguments);
                break;
            case MinidumpLinuxAuxv auxv:
                o.Number("word_size", auxv.WordSize);
                o.ObjectArray("entries", auxv.Entries, (o, e) =>
                {
                    o.Hex("type", e.Type);
                    o.Hex("value", e.Value);
                });
                break;
            case MinidumpLinuxMaps maps:
                o.ObjectArray("mappings", maps.Mappings, (o, m) =>
                {
                    o.Hex("start", m.StartAddress);
                    o.Hex("end", m.EndAddress);
                    o.String("permissions", m.Permissions);
                    o.Hex("offset", m.Offset);
                    o.String("device", m.Device);
                    o.Number("inode", (long)m.Inode);
                    o.String("path", m.Path);
                });
                break;
            case MinidumpLinuxDsoDebug dso:
                o.Bool("is_64_bit", dso.Is64Bit);
                o.Number("version", dso.Version);
                o.Hex("map_rva", dso.MapRva);
                o.Number("dso_count", dso.DsoCount);
                o.Hex("brk", dso.Brk);
                o.Hex("ldbase", dso.LoaderBase);
                o.Hex("dynamic", dso.Dynamic);
                o.ObjectArray("link_maps", dso.LinkMaps, (o, l) =>
                {
                    o.Hex("addr", l.LoadBias);
                    o.String("name", l.Name);
                    o.Hex("ld", l.Dynamic);
                });
                break;
            case MinidumpMacCrashInfo crashInfo:
                WriteMacCrashInfo(o, crashInfo);
                break;
            case MinidumpMacBootargs bootargs:
                o.Hex("stream_type", bootargs.HeaderStreamType);
                o.String("bootargs", bootargs.Bootargs);
                break;
            case MinidumpRawStream raw:
                var shown = raw.Data.Span[..Math.Min(raw.Data.Length, RawBytesShown)];
                o.String("bytes", Convert.ToHexStringLower(shown));
                o.Bool("truncated", raw.Data.Length > RawBytesShown);
                break;
        }
    }

    private static void WriteThreads(DumpOutput o, MinidumpFile dump, MinidumpThreadList threads)
    {
        MinidumpThreadNames? names = null;
        try
        {
            names = dump.GetThreadNames();
        }
        catch (MinidumpException)
        {
            // Names are a convenience here; the ThreadNames stream reports its own error.
        }

        o.ObjectArray("threads", threads.Threads, (o, t) =>
        {
            o.Number("thread_id", t.ThreadId);
            o.String("name", names?.GetName(t.ThreadId));
            o.Number("suspend_count", t.SuspendCount);
            o.Hex("priority_class", t.PriorityClass);
            o.Hex("priority", t.Priority);
            o.Hex("teb", t.Teb);
            o.StartObject("stack");
            o.Hex("start", t.Stack.StartOfMemoryRange);
            o.Number("size", t.Stack.Memory.DataSize);
            o.Hex("rva", t.Stack.Memory.Rva);
            o.EndObject();
            o.Number("context_size", t.ContextLocation.DataSize);
            o.Hex("context_rva", t.ContextLocation.Rva);
            WriteContext(o, t.GetContext);
        });
    }

    private static void WriteContext(DumpOutput o, Func<MinidumpContext> read)
    {
        MinidumpContext context;
        try
        {
            context = read();
        }
        catch (MinidumpException ex)
        {
            o.String("context", null);
            WriteError(o, "context_error", ex);
            return;
        }

        o.StartObject("context");
        o.String("format", context.Format.ToString());
        o.Hex("context_flags", context.ContextFlags);
        o.StartObject("registers");
        foreach (var name in context.RegisterNames)
        {
            o.Hex(name, context.GetRegister(name));
        }

        o.EndObject();
        o.EndObject();
        o.String("context_error", null);
    }

    private static void WriteModules(DumpOutput o, MinidumpModuleList modules)
    {
        o.Number("main_module", modules.MainModule is null ? null : 0);
        o.ObjectArray("modules", modules.Modules, (o, m) =>
        {
            o.Hex("base_addr", m.BaseAddress);
            o.Hex("end_addr", m.EndAddress);
            o.Number("size", m.Size);
            o.String("code_file", m.CodeFile);
            o.String("code_id", m.CodeId);
            o.String("debug_file", m.DebugFile);
            o.String("debug_id", m.DebugId);
            o.String("version", m.Version);
            o.Hex("time_date_stamp", m.TimeDateStamp);
            o.Hex("checksum", m.Checksum);
            if (m.CodeView is { } cv)
            {
                o.StartObject("codeview");
                o.String("format", cv.Format.ToString());
                o.Hex("signature", cv.Signature);
                o.String("guid", cv.PdbGuid?.ToString("D"));
                o.Number("age", cv.Age);
                o.Hex("pdb_signature", cv.PdbSignature);
                o.String("pdb_file_name", cv.PdbFileName);
                o.String("build_id", cv.Format == MinidumpCodeViewFormat.Elf ? Convert.ToHexStringLower(cv.BuildId.Span) : null);
                o.EndObject();
            }
            else
            {
                o.String("codeview", null);
            }

        });
    }

    private static void WriteRegions(DumpOutput o, MinidumpMemoryRegionList list)
    {
        o.ObjectArray("regions", list.Regions, (o, r) =>
        {
            o.Hex("base_addr", r.BaseAddress);
            o.Number("size", (long)r.Size);
            o.Hex("rva", (ulong)r.FileOffset);
        });
    }

    private static void WriteException(DumpOutput o, MinidumpFile dump, MinidumpExceptionStream e)
    {
        MinidumpSystemInfo? system = null;
        try
        {
            system = dump.GetSystemInfo();
        }
        catch (MinidumpException)
        {
            // Without system info the reason uses the OS-independent form.
        }

        o.Number("thread_id", e.ThreadId);
        o.Hex("exception_code", e.ExceptionCode);
        o.Hex("exception_flags", e.ExceptionFlags);
        o.Hex("exception_record", e.ExceptionRecord);
        o.Hex("exception_address", e.ExceptionAddress);
        o.Number("number_parameters", e.NumberParameters);
        o.StartArray("exception_information");
        for (var i = 0; i < Math.Min(e.NumberParameters, 15); i++)
        {
            o.Hex(string.Empty, e.ExceptionInformation[(int)i]);
        }

        o.EndArray();
        o.String("crash_reason", e.GetCrashReason(system));
        o.Hex("crash_address", e.GetCrashAddress(system));
        o.Number("context_size", e.ContextLocation.DataSize);
        o.Hex("context_rva", e.ContextLocation.Rva);
        WriteContext(o, e.GetContext);
    }

    private static void WriteSystemInfo(DumpOutput o, MinidumpSystemInfo s)
    {
        o.Hex("processor_architecture", s.ProcessorArchitecture);
        o.Number("processor_level", s.ProcessorLevel);
        o.Hex("processor_revision", s.ProcessorRevision);
        o.Number("number_of_processors", s.NumberOfProcessors);
        o.Number("product_type", s.ProductType);
        o.Number("major_version", s.MajorVersion);
        o.Number("minor_version", s.MinorVersion);
        o.Number("build_number", s.BuildNumber);
        o.Hex("platform_id", s.PlatformId);
        o.String("csd_version", s.CsdVersion);
        o.Hex("suite_mask", s.SuiteMask);
        o.String("cpu", s.CpuName);
        o.String("cpu_info", s.CpuInfo);
        o.String("cpu_vendor", s.CpuVendor);
        o.Number("cpu_family", s.CpuFamily);
        o.Number("cpu_model", s.CpuModel);
        o.Number("cpu_stepping", s.CpuStepping);
        o.Hex("arm_cpuid", s.ArmCpuId);
        o.Hex("arm_elf_hwcaps", s.ArmElfHwCaps);
        o.String("os", s.OsName);
        o.String("os_version", s.OsVersion);
    }

    private static void WriteMiscInfo(DumpOutput o, MinidumpMiscInfo m)
    {
        o.Number("version", m.Version);
        o.Number("size_of_info", m.SizeOfInfo);
        o.Hex("flags1", m.Flags1);
        o.Number("process_id", m.ProcessId);
        o.Number("process_create_time", m.ProcessCreateTime);
        o.Number("process_user_time", m.ProcessUserTime);
        o.Number("process_kernel_time", m.ProcessKernelTime);
        o.Number("processor_max_mhz", m.ProcessorMaxMhz);
        o.Number("processor_current_mhz", m.ProcessorCurrentMhz);
        o.Number("processor_mhz_limit", m.ProcessorMhzLimit);
        o.Number("processor_max_idle_state", m.ProcessorMaxIdleState);
        o.Number("processor_current_idle_state", m.ProcessorCurrentIdleState);
        o.Hex("process_integrity_level", m.ProcessIntegrityLevel);
        o.Hex("process_execute_flags", m.ProcessExecuteFlags);
        o.Number("protected_process", m.ProtectedProcess);
        o.Number("time_zone_id", m.TimeZoneId);
        if (m.TimeZone is { } tz)
        {
            o.StartObject("time_zone");
            o.Number("bias", tz.Bias);
            o.String("standard_name", tz.StandardName);
            o.Number("standard_bias", tz.StandardBias);
            o.String("daylight_name", tz.DaylightName);
            o.Number("daylight_bias", tz.DaylightBias);
            o.EndObject();
        }
        else
        {
            o.String("time_zone", null);
        }

        o.String("build_string", m.BuildString);
        o.String("dbg_bld_str", m.DebugBuildString);
        if (m.XStateData is { } x)
        {
            o.StartObject("xstate_data");
            o.Number("size_of_info", x.SizeOfInfo);
            o.Number("context_size", x.ContextSize);
            o.Hex("enabled_features", x.EnabledFeatures);
            o.ObjectArray("features", x.Features, (o, f) =>
            {
                o.Number("index", f.Index);
                o.Hex("offset", f.Offset);
                o.Number("size", f.Size);
            });
            o.EndObject();
        }
        else
        {
            o.String("xstate_data", null);
        }

        o.Hex("process_cookie", m.ProcessCookie);
    }

    private static void WriteHandles(DumpOutput o, MinidumpHandleDataStream handles)
    {
        o.Number("descriptor_size", handles.DescriptorSize);
        o.ObjectArray("handles", handles.Handles, (o, h) =>
        {
            o.Hex("handle", h.Handle);
            o.String("type_name", h.TypeName);
            o.String("object_name", h.ObjectName);
            o.Hex("attributes", h.Attributes);
            o.Hex("granted_access", h.GrantedAccess);
            o.Number("handle_count", h.HandleCount);
            o.Number("pointer_count", h.PointerCount);
            o.StartArray("object_infos");
            foreach (var info in h.ObjectInfos)
            {
                o.StartObject(null);
                o.Number("info_type", info.InfoType);
                o.Number("size", info.Data.Length);
                o.EndObject();
            }

            o.EndArray();
        });
    }

    private static void WriteAnnotations(DumpOutput o, string name, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        o.StartArray(name);
        foreach (var (key, value) in pairs)
        {
            o.StartObject(null);
            o.String("key", key);
            o.String("value", value);
            o.EndObject();
        }

        o.EndArray();
    }

    private static void WriteCrashpad(DumpOutput o, MinidumpCrashpadInfo c)
    {
        o.Number("version", c.Version);
        o.String("report_id", c.ReportId.ToString("D"));
        o.String("client_id", c.ClientId.ToString("D"));
        WriteAnnotations(o, "simple_annotations", c.SimpleAnnotations);
        o.ObjectArray("module_list", c.Modules, (o, m) =>
        {
            o.Number("module_index", m.ModuleIndex);
            o.Number("version", m.Version);
            o.StringArray("list_annotations", m.ListAnnotations);
            WriteAnnotations(o, "simple_annotations", m.SimpleAnnotations);
            o.StartArray("annotation_objects");
            foreach (var a in m.AnnotationObjects)
            {
                o.StartObject(null);
                o.String("name", a.Name);
                o.Number("type", a.Type);
                o.String("value", a.StringValue);
                o.String("value_hex", a.Kind == MinidumpAnnotationKind.Text ? null : Convert.ToHexStringLower(a.Value.Span));
                o.EndObject();
            }

            o.EndArray();
        });
        o.Hex("address_mask", c.AddressMask);
    }

    private static void WriteMacCrashInfo(DumpOutput o, MinidumpMacCrashInfo info)
    {
        o.Hex("stream_type", info.HeaderStreamType);
        o.Number("record_count", info.RecordCount);
        o.Number("record_start_size", info.RecordStartSize);
        o.Number("version", info.Version);
        o.ObjectArray("records", info.Records, (o, r) =>
        {
            o.Hex("stream_type", r.StreamType);
            o.Number("version", (long)r.Version);
            o.Hex("thread", r.Thread);
            o.Hex("dialog_mode", r.DialogMode);
            o.Hex("abort_cause", r.AbortCause);
            o.String("module_path", r.ModulePath);
            o.String("message", r.Message);
            o.String("signature_string", r.SignatureString);
            o.String("backtrace", r.Backtrace);
            o.String("message2", r.Message2);
        });
    }
}
