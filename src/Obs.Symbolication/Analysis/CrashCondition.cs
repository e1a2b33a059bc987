using Obs.Minidump;

namespace Obs.Symbolication.Analysis;

/// <summary>The memory operation a crash reason names (rust-minidump's <c>MemoryOperation</c>).</summary>
internal enum MemoryOperation
{
    /// <summary>The reason does not say; every region is treated as possibly allowing it.</summary>
    Undetermined,

    /// <summary>A read (EXCEPTION_ACCESS_VIOLATION_READ).</summary>
    Read,

    /// <summary>A write (EXCEPTION_ACCESS_VIOLATION_WRITE).</summary>
    Write,

    /// <summary>An instruction fetch (EXCEPTION_ACCESS_VIOLATION_EXEC).</summary>
    Execute,
}

/// <summary>
/// The few crash-reason variants that the analysis checks, read from the exception's raw codes the
/// way rust-minidump's <c>CrashReason</c> classifies them (the reason text alone cannot tell
/// <c>SIGSEGV / SI_KERNEL</c> apart from other kernel-sent signals on every OS).
/// </summary>
internal readonly struct CrashCondition
{
    private const uint WindowsAccessViolation = 0xc0000005;
    private const uint WindowsIntDivideByZero = 0xc0000094;
    private const uint WindowsPrivilegedInstruction = 0xc0000096;
    private const uint WindowsStackOverflow = 0xc00000fd;
    private const uint LinuxSigbus = 7;
    private const uint LinuxSigfpe = 8;
    private const uint LinuxSigsegv = 11;
    private const uint LinuxFpeIntDiv = 1;
    private const uint LinuxSiKernel = 0x80;
    private const uint MacBadAccess = 1;
    private const uint MacArithmetic = 3;
    private const uint MacI386GeneralProtection = 13;
    private const uint MacI386Divide = 1;
    private const uint MacPpcZeroDivide = 2;

    private CrashCondition(MemoryOperation accessViolation, bool isIntegerDivideByZero, bool isPrivilegedInstruction,
        bool isStackOverflow, bool reportsGeneralProtectionFault)
    {
        AccessViolation = accessViolation;
        IsIntegerDivideByZero = isIntegerDivideByZero;
        IsPrivilegedInstruction = isPrivilegedInstruction;
        IsStackOverflow = isStackOverflow;
        ReportsGeneralProtectionFault = reportsGeneralProtectionFault;
    }

    /// <summary>For a Windows access violation, its operation; otherwise <see cref="MemoryOperation.Undetermined"/>.</summary>
    public MemoryOperation AccessViolation { get; }

    /// <summary>An integer division by zero on any OS.</summary>
    public bool IsIntegerDivideByZero { get; }

    /// <summary>Windows' privileged-instruction exception.</summary>
    public bool IsPrivilegedInstruction { get; }

    /// <summary>Windows' stack-overflow exception.</summary>
    public bool IsStackOverflow { get; }

    /// <summary>
    /// Whether the reason and address are how the OS reports an amd64 general protection fault,
    /// which is what a non-canonical access raises (rust-minidump's
    /// <c>represents_general_protection_fault</c>).
    /// </summary>
    public bool ReportsGeneralProtectionFault { get; }

    /// <summary>Classifies <paramref name="exception"/> for the OS and CPU of <paramref name="systemInfo"/>.</summary>
    public static CrashCondition From(MinidumpExceptionStream exception, MinidumpSystemInfo systemInfo, ulong crashAddress)
    {
        var os = systemInfo.Os;
        var cpu = systemInfo.Cpu;
        var code = exception.ExceptionCode;
        var flags = exception.ExceptionFlags;
        var x86Family = cpu is MinidumpCpu.X86 or MinidumpCpu.Amd64;
        var ppcFamily = cpu is MinidumpCpu.Ppc or MinidumpCpu.Ppc64;
        var windows = os == MinidumpOs.Windows;
        var linuxFamily = os is MinidumpOs.Linux or MinidumpOs.Android;
        var macFamily = os is MinidumpOs.MacOs or MinidumpOs.Ios;

        var accessViolation = MemoryOperation.Undetermined;
        if (windows && code == WindowsAccessViolation && exception.NumberParameters >= 1)
        {
            accessViolation = exception.ExceptionInformation[0] switch
            {
                0 => MemoryOperation.Read,
                1 => MemoryOperation.Write,
                8 => MemoryOperation.Execute,
                _ => MemoryOperation.Undetermined,
            };
        }

        var divideByZero = (windows && code == WindowsIntDivideByZero)
            || (linuxFamily && code == LinuxSigfpe && flags == LinuxFpeIntDiv)
            || (macFamily && code == MacArithmetic && ((x86Family && flags == MacI386Divide) || (ppcFamily && flags == MacPpcZeroDivide)));

        // Only these three OSes have a known way to report the fault; the others never match.
        var generalProtection = os switch
        {
            MinidumpOs.Windows => accessViolation == MemoryOperation.Read && crashAddress == ulong.MaxValue,
            MinidumpOs.MacOs => code == MacBadAccess && x86Family && flags == MacI386GeneralProtection && crashAddress == 0,
            MinidumpOs.Linux => code is LinuxSigsegv or LinuxSigbus && flags == LinuxSiKernel && crashAddress == 0,
            _ => false,
        };

        return new CrashCondition(accessViolation, divideByZero, windows && code == WindowsPrivilegedInstruction,
            windows && code == WindowsStackOverflow, generalProtection);
    }
}
