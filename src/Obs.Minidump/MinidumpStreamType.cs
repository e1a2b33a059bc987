namespace Obs.Minidump;

/// <summary>
/// Stream type numbers of the minidump directory: Microsoft's, Breakpad's (<c>0x4767xxxx</c>),
/// Crashpad's (<c>0x4350xxxx</c>), Chromium's (<c>0x4b6bxxxx</c>) and Mozilla's (<c>0x4d7axxxx</c>).
/// Other values are legal and are reported as unknown streams.
/// </summary>
#pragma warning disable CA1008 // 0 is the format's own "unused" value, not a "none" flag.
#pragma warning disable CA1028 // The format defines these as u32.
public enum MinidumpStreamType : uint
#pragma warning restore CA1028
#pragma warning restore CA1008
{
    /// <summary>Filler entry (type 0).</summary>
    Unused = 0,
    /// <summary>Reserved (type 1).</summary>
    Reserved0 = 1,
    /// <summary>Reserved (type 2).</summary>
    Reserved1 = 2,
    /// <summary>The threads and their contexts.</summary>
    ThreadList = 3,
    /// <summary>The loaded modules.</summary>
    ModuleList = 4,
    /// <summary>Captured memory regions, each with its own file location.</summary>
    MemoryList = 5,
    /// <summary>The exception that caused the dump.</summary>
    Exception = 6,
    /// <summary>CPU and operating system.</summary>
    SystemInfo = 7,
    /// <summary>Extended thread list (not decoded).</summary>
    ThreadExList = 8,
    /// <summary>Full-memory regions stored contiguously.</summary>
    Memory64List = 9,
    /// <summary>ANSI comment (not decoded).</summary>
    CommentA = 10,
    /// <summary>UTF-16 comment (not decoded).</summary>
    CommentW = 11,
    /// <summary>Open handles.</summary>
    HandleData = 12,
    /// <summary>Function tables (not decoded).</summary>
    FunctionTable = 13,
    /// <summary>Recently unloaded modules.</summary>
    UnloadedModuleList = 14,
    /// <summary>Process times, processor power, time zone, build strings (MISC_INFO 1–5).</summary>
    MiscInfo = 15,
    /// <summary>Virtual memory regions and their protection.</summary>
    MemoryInfoList = 16,
    /// <summary>Per-thread times and state.</summary>
    ThreadInfoList = 17,
    /// <summary>Handle operations (not decoded).</summary>
    HandleOperationList = 18,
    /// <summary>Tokens (not decoded).</summary>
    Token = 19,
    /// <summary>JavaScript data (not decoded).</summary>
    JavaScriptData = 20,
    /// <summary>System memory information (not decoded).</summary>
    SystemMemoryInfo = 21,
    /// <summary>Process VM counters (not decoded).</summary>
    ProcessVmCounters = 22,
    /// <summary>Intel PT trace (not decoded).</summary>
    IptTrace = 23,
    /// <summary>Thread names.</summary>
    ThreadNames = 24,
    /// <summary>Windows CE: null stream.</summary>
    CeNull = 0x8000,
    /// <summary>Windows CE: system info.</summary>
    CeSystemInfo = 0x8001,
    /// <summary>Windows CE: exception.</summary>
    CeException = 0x8002,
    /// <summary>Windows CE: module list.</summary>
    CeModuleList = 0x8003,
    /// <summary>Windows CE: process list.</summary>
    CeProcessList = 0x8004,
    /// <summary>Windows CE: thread list.</summary>
    CeThreadList = 0x8005,
    /// <summary>Windows CE: thread context list.</summary>
    CeThreadContextList = 0x8006,
    /// <summary>Windows CE: thread call stack list.</summary>
    CeThreadCallStackList = 0x8007,
    /// <summary>Windows CE: virtual memory list.</summary>
    CeMemoryVirtualList = 0x8008,
    /// <summary>Windows CE: physical memory list.</summary>
    CeMemoryPhysicalList = 0x8009,
    /// <summary>Windows CE: bucket parameters.</summary>
    CeBucketParameters = 0x800a,
    /// <summary>Windows CE: process module map.</summary>
    CeProcessModuleMap = 0x800b,
    /// <summary>Windows CE: diagnosis list.</summary>
    CeDiagnosisList = 0x800c,
    /// <summary>Last reserved value of the Microsoft range.</summary>
    LastReserved = 0xffff,
    /// <summary>Breakpad: dump-writing and requesting thread ids.</summary>
    BreakpadInfo = 0x47670001,
    /// <summary>Breakpad: assertion (invalid parameter, pure virtual call) details.</summary>
    AssertionInfo = 0x47670002,
    /// <summary>Breakpad: <c>/proc/cpuinfo</c>.</summary>
    LinuxCpuInfo = 0x47670003,
    /// <summary>Breakpad: <c>/proc/self/status</c>.</summary>
    LinuxProcStatus = 0x47670004,
    /// <summary>Breakpad: <c>/etc/lsb-release</c>.</summary>
    LinuxLsbRelease = 0x47670005,
    /// <summary>Breakpad: <c>/proc/self/cmdline</c>.</summary>
    LinuxCmdLine = 0x47670006,
    /// <summary>Breakpad: <c>/proc/self/environ</c>.</summary>
    LinuxEnviron = 0x47670007,
    /// <summary>Breakpad: <c>/proc/self/auxv</c>.</summary>
    LinuxAuxv = 0x47670008,
    /// <summary>Breakpad: <c>/proc/self/maps</c>.</summary>
    LinuxMaps = 0x47670009,
    /// <summary>Breakpad: the dynamic linker's <c>r_debug</c> and link map.</summary>
    LinuxDsoDebug = 0x4767000a,
    /// <summary>Crashpad: report and client ids, annotations.</summary>
    CrashpadInfo = 0x43500001,
    /// <summary>Chromium stability report (protobuf; not decoded).</summary>
    ChromiumStabilityReport = 0x4b6b0002,
    /// <summary>Mozilla: macOS crash-info records.</summary>
    MozMacosCrashInfo = 0x4d7a0001,
    /// <summary>Mozilla: macOS kernel boot arguments.</summary>
    MozMacosBootargs = 0x4d7a0002,
    /// <summary>Mozilla: <c>/proc/self/limits</c>.</summary>
    MozLinuxLimits = 0x4d7a0003,
    /// <summary>Mozilla: JSON list of errors met while writing the dump.</summary>
    MozSoftErrors = 0x4d7a0004,
}

/// <summary>Names and vendors of stream types, as rust-minidump prints them.</summary>
public static class MinidumpStreamTypes
{
    /// <summary>
    /// The stream type's name (for example <c>ThreadListStream</c>, <c>LinuxCpuInfo</c>), or
    /// <see langword="null"/> when the value is not a known stream type.
    /// </summary>
    public static string? GetName(MinidumpStreamType type) => type switch
    {
        MinidumpStreamType.Unused => "UnusedStream",
        MinidumpStreamType.Reserved0 => "ReservedStream0",
        MinidumpStreamType.Reserved1 => "ReservedStream1",
        MinidumpStreamType.ThreadList => "ThreadListStream",
        MinidumpStreamType.ModuleList => "ModuleListStream",
        MinidumpStreamType.MemoryList => "MemoryListStream",
        MinidumpStreamType.Exception => "ExceptionStream",
        MinidumpStreamType.SystemInfo => "SystemInfoStream",
        MinidumpStreamType.ThreadExList => "ThreadExListStream",
        MinidumpStreamType.Memory64List => "Memory64ListStream",
        MinidumpStreamType.CommentA => "CommentStreamA",
        MinidumpStreamType.CommentW => "CommentStreamW",
        MinidumpStreamType.HandleData => "HandleDataStream",
        MinidumpStreamType.FunctionTable => "FunctionTableStream",
        MinidumpStreamType.UnloadedModuleList => "UnloadedModuleListStream",
        MinidumpStreamType.MiscInfo => "MiscInfoStream",
        MinidumpStreamType.MemoryInfoList => "MemoryInfoListStream",
        MinidumpStreamType.ThreadInfoList => "ThreadInfoListStream",
        MinidumpStreamType.HandleOperationList => "HandleOperationListStream",
        MinidumpStreamType.Token => "TokenStream",
        MinidumpStreamType.JavaScriptData => "JavaScriptDataStream",
        MinidumpStreamType.SystemMemoryInfo => "SystemMemoryInfoStream",
        MinidumpStreamType.ProcessVmCounters => "ProcessVmCountersStream",
        MinidumpStreamType.IptTrace => "IptTraceStream",
        MinidumpStreamType.ThreadNames => "ThreadNamesStream",
        MinidumpStreamType.CeNull => "ceStreamNull",
        MinidumpStreamType.CeSystemInfo => "ceStreamSystemInfo",
        MinidumpStreamType.CeException => "ceStreamException",
        MinidumpStreamType.CeModuleList => "ceStreamModuleList",
        MinidumpStreamType.CeProcessList => "ceStreamProcessList",
        MinidumpStreamType.CeThreadList => "ceStreamThreadList",
        MinidumpStreamType.CeThreadContextList => "ceStreamThreadContextList",
        MinidumpStreamType.CeThreadCallStackList => "ceStreamThreadCallStackList",
        MinidumpStreamType.CeMemoryVirtualList => "ceStreamMemoryVirtualList",
        MinidumpStreamType.CeMemoryPhysicalList => "ceStreamMemoryPhysicalList",
        MinidumpStreamType.CeBucketParameters => "ceStreamBucketParameters",
        MinidumpStreamType.CeProcessModuleMap => "ceStreamProcessModuleMap",
        MinidumpStreamType.CeDiagnosisList => "ceStreamDiagnosisList",
        MinidumpStreamType.LastReserved => "LastReservedStream",
        MinidumpStreamType.BreakpadInfo => "BreakpadInfoStream",
        MinidumpStreamType.AssertionInfo => "AssertionInfoStream",
        MinidumpStreamType.LinuxCpuInfo => "LinuxCpuInfo",
        MinidumpStreamType.LinuxProcStatus => "LinuxProcStatus",
        MinidumpStreamType.LinuxLsbRelease => "LinuxLsbRelease",
        MinidumpStreamType.LinuxCmdLine => "LinuxCmdLine",
        MinidumpStreamType.LinuxEnviron => "LinuxEnviron",
        MinidumpStreamType.LinuxAuxv => "LinuxAuxv",
        MinidumpStreamType.LinuxMaps => "LinuxMaps",
        MinidumpStreamType.LinuxDsoDebug => "LinuxDsoDebug",
        MinidumpStreamType.CrashpadInfo => "CrashpadInfoStream",
        MinidumpStreamType.ChromiumStabilityReport => "StabilityReportStream",
        MinidumpStreamType.MozMacosCrashInfo => "MozMacosCrashInfoStream",
        MinidumpStreamType.MozMacosBootargs => "MozMacosBootargsStream",
        MinidumpStreamType.MozLinuxLimits => "MozLinuxLimits",
        MinidumpStreamType.MozSoftErrors => "MozSoftErrors",
        _ => null,
    };

    /// <summary>
    /// Who defines the stream type, as rust-minidump labels it: <c>Official</c> (≤ 0xffff),
    /// <c>Google Extension</c> (0x4767xxxx), <c>Mozilla Extension</c> (0x4d7axxxx) or
    /// <c>Unknown Extension</c> (anything else, Crashpad and Chromium included).
    /// </summary>
    public static string GetVendor(MinidumpStreamType type) => ((uint)type) switch
    {
        <= 0xffff => "Official",
        var t when (t & 0xffff0000) == 0x47670000 => "Google Extension",
        var t when (t & 0xffff0000) == 0x4d7a0000 => "Mozilla Extension",
        _ => "Unknown Extension",
    };

    /// <summary>Whether Obs decodes this stream type into a typed view (others are raw bytes).</summary>
    public static bool IsDecoded(MinidumpStreamType type) => type switch
    {
        MinidumpStreamType.ThreadList or MinidumpStreamType.ModuleList or MinidumpStreamType.MemoryList
            or MinidumpStreamType.Exception or MinidumpStreamType.SystemInfo or MinidumpStreamType.Memory64List
            or MinidumpStreamType.HandleData or MinidumpStreamType.UnloadedModuleList or MinidumpStreamType.MiscInfo
            or MinidumpStreamType.MemoryInfoList or MinidumpStreamType.ThreadInfoList or MinidumpStreamType.ThreadNames
            or MinidumpStreamType.BreakpadInfo or MinidumpStreamType.AssertionInfo or MinidumpStreamType.LinuxCpuInfo
            or MinidumpStreamType.LinuxProcStatus or MinidumpStreamType.LinuxLsbRelease or MinidumpStreamType.LinuxCmdLine
            or MinidumpStreamType.LinuxEnviron or MinidumpStreamType.LinuxAuxv or MinidumpStreamType.LinuxMaps
            or MinidumpStreamType.LinuxDsoDebug or MinidumpStreamType.CrashpadInfo or MinidumpStreamType.MozMacosCrashInfo
            or MinidumpStreamType.MozMacosBootargs or MinidumpStreamType.MozLinuxLimits or MinidumpStreamType.MozSoftErrors => true,
        _ => false,
    };
}
