using System.Collections.Immutable;
using System.Text.Json;
using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// The result of processing a minidump: system and crash information, every thread's walked and
/// symbolicated stack, and the modules with what their symbols did (rust-minidump's
/// <c>ProcessState</c>).
/// </summary>
public sealed class ProcessState
{
    internal ProcessState(SystemSummary system, LoadedModules modules, MinidumpUnloadedModuleList? unloadedModules)
    {
        System = system;
        Modules = modules.Modules;
        MainModule = modules.MainModule;
        UnloadedModules = unloadedModules?.Modules ?? [];
    }

    /// <summary>The operating system and CPU.</summary>
    public SystemSummary System { get; }

    /// <summary>The process id, from MiscInfo or the Linux <c>/proc/PID/status</c> stream.</summary>
    public uint? ProcessId { get; internal set; }

    /// <summary>When the dump was written (the header's time stamp).</summary>
    public DateTimeOffset DumpTime { get; internal set; }

    /// <summary>When the process started, from MiscInfo.</summary>
    public DateTimeOffset? ProcessCreateTime { get; internal set; }

    /// <summary>The exception that triggered the dump, if one did.</summary>
    public CrashInfo? Crash { get; internal set; }

    /// <summary>
    /// The index in <see cref="Threads"/> of the thread that crashed (the exception's thread) or,
    /// without an exception, that requested the dump (Breakpad info); null when neither is known.
    /// </summary>
    public int? RequestingThread { get; internal set; }

    /// <summary>Every thread of the thread list, in its order.</summary>
    public IReadOnlyList<WalkedThread> Threads { get; internal set; } = [];

    /// <summary>The loaded modules, in the dump's order.</summary>
    public ImmutableArray<MinidumpModule> Modules { get; }

    /// <summary>The main module (the first in the list), if any.</summary>
    public MinidumpModule? MainModule { get; }

    /// <summary>The unloaded modules, in the dump's order.</summary>
    public ImmutableArray<MinidumpUnloadedModule> UnloadedModules { get; }

    /// <summary>
    /// What the symbols of each module did, keyed by the leaf name of the module's code file (as
    /// rust-minidump keys them). Modules whose symbols were never needed are absent.
    /// </summary>
    public IReadOnlyDictionary<string, ModuleSymbolStatus> SymbolStatus { get; internal set; } = ImmutableDictionary<string, ModuleSymbolStatus>.Empty;

    /// <summary>Code-signing certificate subjects by module name, from <c>--evil-json</c>.</summary>
    public IReadOnlyDictionary<string, string> CertificateSubjects { get; internal set; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The Linux distribution, from the LSB release stream.</summary>
    public LinuxStandardBase? LinuxStandardBase { get; internal set; }

    /// <summary>The process limits, from Mozilla's Linux limits stream (in the stream's order).</summary>
    public IReadOnlyList<LinuxProcLimit>? LinuxProcLimits { get; internal set; }

    /// <summary>Mozilla's macOS crash info stream.</summary>
    public MinidumpMacCrashInfo? MacCrashInfo { get; internal set; }

    /// <summary>Mozilla's macOS boot arguments stream.</summary>
    public MinidumpMacBootargs? MacBootArgs { get; internal set; }

    /// <summary>The number of mappings in the Linux maps stream.</summary>
    public int? LinuxMemoryMapCount { get; internal set; }

    /// <summary>The handle data stream.</summary>
    public MinidumpHandleDataStream? Handles { get; internal set; }

    /// <summary>Mozilla's soft-errors stream, parsed as JSON, when it is valid JSON.</summary>
    public JsonElement? SoftErrors { get; internal set; }

    /// <summary>Streams the dump holds that are known but not decoded (the human report lists them).</summary>
    public IReadOnlyList<MinidumpDirectoryEntry> UnimplementedStreams { get; internal set; } = [];

    /// <summary>Streams of types nothing knows (the human report lists them).</summary>
    public IReadOnlyList<MinidumpDirectoryEntry> UnknownStreams { get; internal set; } = [];
}

/// <summary>The operating system and CPU that wrote the dump.</summary>
/// <param name="Os">The operating system.</param>
/// <param name="OsName">Its name as minidump-stackwalk prints it (<c>Windows NT</c>, <c>Linux</c>, …).</param>
/// <param name="OsVersion">The version and build (<c>5.1.2600 Service Pack 2</c>).</param>
/// <param name="Cpu">The CPU family.</param>
/// <param name="CpuName">Its name as minidump-stackwalk prints it (<c>x86</c>, <c>amd64</c>, …).</param>
/// <param name="CpuInfo">A description of the CPU (<c>GenuineIntel family 6 model 13 stepping 8</c>).</param>
/// <param name="CpuCount">The number of processors.</param>
/// <param name="CpuMicrocodeVersion">The microcode version, from <c>/proc/cpuinfo</c> or <c>--evil-json</c>.</param>
public sealed record SystemSummary(MinidumpOs Os, string OsName, string? OsVersion, MinidumpCpu Cpu, string CpuName,
    string? CpuInfo, int CpuCount, ulong? CpuMicrocodeVersion)
{
    /// <summary>The pointer width in bytes (4 or 8; 8 when the CPU is unknown), which sets the hex width of addresses in the reports.</summary>
    public int PointerSize => Cpu is MinidumpCpu.X86 or MinidumpCpu.Arm or MinidumpCpu.Ppc or MinidumpCpu.Sparc or MinidumpCpu.Mips ? 4 : 8;
}

/// <summary>The Linux distribution, as the LSB release stream names it.</summary>
/// <param name="Id">DISTRIB_ID or ID.</param>
/// <param name="Release">DISTRIB_RELEASE or VERSION_ID.</param>
/// <param name="Codename">DISTRIB_CODENAME or VERSION_CODENAME.</param>
/// <param name="Description">DISTRIB_DESCRIPTION or PRETTY_NAME.</param>
public sealed record LinuxStandardBase(string Id, string Release, string Codename, string Description);

/// <summary>One line of <c>/proc/PID/limits</c>.</summary>
/// <param name="Name">The limit's name (<c>Max open files</c>).</param>
/// <param name="Soft">The soft limit: a number, <c>unlimited</c>, or null when it could not be read (<c>err</c>).</param>
/// <param name="Hard">The hard limit, the same way.</param>
/// <param name="Unit">The unit, or <c>n/a</c>.</param>
public sealed record LinuxProcLimit(string Name, LinuxLimitValue Soft, LinuxLimitValue Hard, string Unit);

/// <summary>A process limit's value.</summary>
/// <param name="IsUnlimited">The limit is <c>unlimited</c>.</param>
/// <param name="Value">The limit when it is a number (0 when the text is not a number, as rust-minidump reads it).</param>
public readonly record struct LinuxLimitValue(bool IsUnlimited, ulong Value);

/// <summary>What happened when a module's symbols were looked for (rust-minidump's <c>SymbolStats</c>).</summary>
/// <param name="LoadedSymbols">A symbol file was found (true also when it was corrupt).</param>
/// <param name="CorruptSymbols">The symbol file had lines that could not be parsed.</param>
/// <param name="SymbolUrl">Where the symbol file was downloaded from, when it was.</param>
/// <param name="RecoveredDebugFile">The debug file a code-file/code-id lookup found, when the dump lacked it.</param>
/// <param name="RecoveredDebugId">The debug id a code-file/code-id lookup found, when the dump lacked it.</param>
public sealed record ModuleSymbolStatus(bool LoadedSymbols, bool CorruptSymbols, string? SymbolUrl, string? RecoveredDebugFile, string? RecoveredDebugId);
