namespace Obs.Minidump;

public sealed partial class MinidumpFile
{
    /// <summary>The thread list, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpThreadList? GetThreadList() => Get<MinidumpThreadList>(MinidumpStreamType.ThreadList);

    /// <summary>The thread names, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpThreadNames? GetThreadNames() => Get<MinidumpThreadNames>(MinidumpStreamType.ThreadNames);

    /// <summary>The thread info list, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpThreadInfoList? GetThreadInfoList() => Get<MinidumpThreadInfoList>(MinidumpStreamType.ThreadInfoList);

    /// <summary>The module list, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpModuleList? GetModuleList() => Get<MinidumpModuleList>(MinidumpStreamType.ModuleList);

    /// <summary>The unloaded module list, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpUnloadedModuleList? GetUnloadedModuleList() => Get<MinidumpUnloadedModuleList>(MinidumpStreamType.UnloadedModuleList);

    /// <summary>The memory list, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpMemoryList? GetMemoryList() => Get<MinidumpMemoryList>(MinidumpStreamType.MemoryList);

    /// <summary>The full-memory list, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpMemory64List? GetMemory64List() => Get<MinidumpMemory64List>(MinidumpStreamType.Memory64List);

    /// <summary>The memory info list, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpMemoryInfoList? GetMemoryInfoList() => Get<MinidumpMemoryInfoList>(MinidumpStreamType.MemoryInfoList);

    /// <summary>The exception, or null when the dump has none (it was not written for a crash).</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpExceptionStream? GetException() => Get<MinidumpExceptionStream>(MinidumpStreamType.Exception);

    /// <summary>The system info, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpSystemInfo? GetSystemInfo() => Get<MinidumpSystemInfo>(MinidumpStreamType.SystemInfo);

    /// <summary>The misc info, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpMiscInfo? GetMiscInfo() => Get<MinidumpMiscInfo>(MinidumpStreamType.MiscInfo);

    /// <summary>The Breakpad info, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpBreakpadInfo? GetBreakpadInfo() => Get<MinidumpBreakpadInfo>(MinidumpStreamType.BreakpadInfo);

    /// <summary>The assertion info, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpAssertionInfo? GetAssertionInfo() => Get<MinidumpAssertionInfo>(MinidumpStreamType.AssertionInfo);

    /// <summary>The Crashpad info, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpCrashpadInfo? GetCrashpadInfo() => Get<MinidumpCrashpadInfo>(MinidumpStreamType.CrashpadInfo);

    /// <summary>The handle data, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpHandleDataStream? GetHandleData() => Get<MinidumpHandleDataStream>(MinidumpStreamType.HandleData);

    /// <summary>
    /// One of the text streams (LinuxCpuInfo, LinuxProcStatus, LinuxLsbRelease, LinuxEnviron,
    /// MozLinuxLimits, MozSoftErrors), or null when the dump does not have it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a text stream type.</exception>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpTextStream? GetTextStream(MinidumpStreamType type) => type switch
    {
        MinidumpStreamType.LinuxCpuInfo or MinidumpStreamType.LinuxProcStatus or MinidumpStreamType.LinuxLsbRelease
            or MinidumpStreamType.LinuxEnviron or MinidumpStreamType.MozLinuxLimits or MinidumpStreamType.MozSoftErrors
            => Get<MinidumpTextStream>(type),
        _ => throw new ArgumentException($"{type} is not a text stream", nameof(type)),
    };

    /// <summary>The Linux command line, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpLinuxCommandLine? GetLinuxCommandLine() => Get<MinidumpLinuxCommandLine>(MinidumpStreamType.LinuxCmdLine);

    /// <summary>The Linux auxiliary vector, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpLinuxAuxv? GetLinuxAuxv() => Get<MinidumpLinuxAuxv>(MinidumpStreamType.LinuxAuxv);

    /// <summary>The Linux memory maps, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpLinuxMaps? GetLinuxMaps() => Get<MinidumpLinuxMaps>(MinidumpStreamType.LinuxMaps);

    /// <summary>The Linux DSO debug information, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpLinuxDsoDebug? GetLinuxDsoDebug() => Get<MinidumpLinuxDsoDebug>(MinidumpStreamType.LinuxDsoDebug);

    /// <summary>The macOS crash info, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpMacCrashInfo? GetMacCrashInfo() => Get<MinidumpMacCrashInfo>(MinidumpStreamType.MozMacosCrashInfo);

    /// <summary>The macOS boot arguments, or null when the dump has none.</summary>
    /// <exception cref="MinidumpException">The stream is damaged.</exception>
    public MinidumpMacBootargs? GetMacBootargs() => Get<MinidumpMacBootargs>(MinidumpStreamType.MozMacosBootargs);

    /// <summary>
    /// The memory regions that memory reads use: the Memory64List when the dump has a readable one,
    /// otherwise the MemoryList; null when there is neither.
    /// </summary>
    public MinidumpMemoryRegionList? GetMemory()
    {
        try
        {
            if (GetMemory64List() is { } full)
            {
                return full;
            }
        }
        catch (MinidumpException)
        {
            // An unreadable Memory64List falls back to the MemoryList, as in rust-minidump.
        }

        return GetMemoryList();
    }

    /// <summary>The captured memory region containing <paramref name="address"/>, or null.</summary>
    /// <exception cref="MinidumpException">The memory list is damaged.</exception>
    public MinidumpMemoryRegion? FindMemoryRegion(ulong address) => GetMemory()?.FindRegion(address);

    /// <summary>Copies process memory at <paramref name="address"/>; false unless one region holds all of it.</summary>
    /// <exception cref="MinidumpException">The memory list is damaged.</exception>
    public bool TryReadMemory(ulong address, Span<byte> destination) =>
        FindMemoryRegion(address) is { } region && region.TryRead(address, destination);

    /// <summary>The crash reason (see <see cref="MinidumpExceptionStream.GetCrashReason"/>), or null without an exception stream.</summary>
    /// <exception cref="MinidumpException">The exception stream is damaged.</exception>
    public string? GetCrashReason() => GetException()?.GetCrashReason(CachedSystemInfo);

    /// <summary>The crash address (see <see cref="MinidumpExceptionStream.GetCrashAddress"/>), or null without an exception stream.</summary>
    /// <exception cref="MinidumpException">The exception stream is damaged.</exception>
    public ulong? GetCrashAddress() => GetException()?.GetCrashAddress(CachedSystemInfo);

    /// <summary>Reads a CPU context at a location, with the layout the system info selects.</summary>
    internal MinidumpContext ReadContext(MinidumpLocation location)
    {
        if (CachedSystemInfo is not { } systemInfo)
        {
            throw new MinidumpException(MinidumpErrorKind.UnknownCpuContext,
                "the dump has no readable system info, so its CPU context layout is unknown", location.Rva);
        }

        if (!TryGetRange(location.Rva, location.DataSize, out var start, out var length))
        {
            throw new MinidumpException(MinidumpErrorKind.ContextReadFailure,
                $"the context ({location.DataSize} bytes at 0x{location.Rva:x}) lies outside the file", Math.Min(location.Rva, Length));
        }

        return MinidumpContext.Parse(_data.Slice(start, length), start, systemInfo.ProcessorArchitecture, IsBigEndian);
    }
}
