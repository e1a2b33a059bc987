using System.Collections.Frozen;
using System.Globalization;

namespace Obs.Minidump.Internal;

/// <summary>
/// Crash-reason text, following rust-minidump's <c>CrashReason</c> rules per OS (see
/// docs/reference/minidump-layouts.md §7).
/// </summary>
internal static class CrashReason
{
    public static string Format(MinidumpExceptionStream exception, MinidumpOs os, MinidumpCpu cpu) => os switch
    {
        MinidumpOs.Windows => Windows(exception),
        MinidumpOs.MacOs or MinidumpOs.Ios => Mac(exception, cpu) ?? Unknown(exception),
        MinidumpOs.Linux or MinidumpOs.Android => Linux(exception) ?? Unknown(exception),
        _ => Unknown(exception),
    };

    private static string Unknown(MinidumpExceptionStream e) => Hex8(e.ExceptionCode, "unknown ") + " / " + Hex8(e.ExceptionFlags);

    private static string Hex8(uint value, string prefix = "") =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}0x{value:x8}");

    private static ulong Info(MinidumpExceptionStream e, int index) => e.ExceptionInformation[index];

    // ---- Windows ----

    private static string Windows(MinidumpExceptionStream e)
    {
        var code = e.ExceptionCode;
        if (WindowsExceptionNames.TryGetValue(code, out var name))
        {
            switch (code)
            {
                case 0xe0000008: return "Out of Memory";
                case 0xe06d7363: return "Unhandled C++ Exception";
                case 0x0517a7ed: return "Simulated Exception";
                case 0xc0000005 when e.NumberParameters >= 1:
                    return Info(e, 0) switch
                    {
                        0 => "EXCEPTION_ACCESS_VIOLATION_READ",
                        1 => "EXCEPTION_ACCESS_VIOLATION_WRITE",
                        8 => "EXCEPTION_ACCESS_VIOLATION_EXEC",
                        _ => name,
                    };
                case 0xc0000006 when e.NumberParameters >= 3 && Info(e, 0) is 0 or 1 or 8:
                    var kind = Info(e, 0) switch { 0 => "READ", 1 => "WRITE", _ => "EXEC" };
                    var status = (uint)Info(e, 2);
                    return $"EXCEPTION_IN_PAGE_ERROR_{kind} / {(NtStatusNames.TryGetValue(status, out var s) ? s : Hex8(status))}";
                default:
                    return name;
            }
        }

        if (Win32ErrorNames.TryGetValue(code, out name))
        {
            return name;
        }

        if (NtStatusNames.TryGetValue(code, out name))
        {
            if (code == 0xc0000409 && e.NumberParameters >= 1)
            {
                var fastFail = (uint)Info(e, 0);
                return "EXCEPTION_STACK_BUFFER_OVERRUN / " + (fastFail < FastFailNames.Length && FastFailNames[fastFail] is { } ff
                    ? "FAST_FAIL_" + ff
                    : Hex8(fastFail));
            }

            return name;
        }

        if ((code >> 28) != 0 && ((code >> 16) & 0xfff) == 109 && Win32ErrorNames.TryGetValue(code & 0xffff, out name))
        {
            return "FACILITY_VISUALCPP / " + name;
        }

        return Hex8(code, "unknown ");
    }

    private static readonly FrozenDictionary<uint, string> WindowsExceptionNames = new Dictionary<uint, string>
    {
        [0x80000001] = "EXCEPTION_GUARD_PAGE",
        [0x80000002] = "EXCEPTION_DATATYPE_MISALIGNMENT",
        [0x80000003] = "EXCEPTION_BREAKPOINT",
        [0x80000004] = "EXCEPTION_SINGLE_STEP",
        [0xc0000005] = "EXCEPTION_ACCESS_VIOLATION",
        [0xc0000006] = "EXCEPTION_IN_PAGE_ERROR",
        [0xc0000008] = "EXCEPTION_INVALID_HANDLE",
        [0xc000001d] = "EXCEPTION_ILLEGAL_INSTRUCTION",
        [0xc0000025] = "EXCEPTION_NONCONTINUABLE_EXCEPTION",
        [0xc0000026] = "EXCEPTION_INVALID_DISPOSITION",
        [0xc000008c] = "EXCEPTION_BOUNDS_EXCEEDED",
        [0xc000008d] = "EXCEPTION_FLT_DENORMAL_OPERAND",
        [0xc000008e] = "EXCEPTION_FLT_DIVIDE_BY_ZERO",
        [0xc000008f] = "EXCEPTION_FLT_INEXACT_RESULT",
        [0xc0000090] = "EXCEPTION_FLT_INVALID_OPERATION",
        [0xc0000091] = "EXCEPTION_FLT_OVERFLOW",
        [0xc0000092] = "EXCEPTION_FLT_STACK_CHECK",
        [0xc0000093] = "EXCEPTION_FLT_UNDERFLOW",
        [0xc0000094] = "EXCEPTION_INT_DIVIDE_BY_ZERO",
        [0xc0000095] = "EXCEPTION_INT_OVERFLOW",
        [0xc0000096] = "EXCEPTION_PRIV_INSTRUCTION",
        [0xc00000fd] = "EXCEPTION_STACK_OVERFLOW",
        [0xc0000194] = "EXCEPTION_POSSIBLE_DEADLOCK",
        [0xe0000008] = "OUT_OF_MEMORY",
        [0xe06d7363] = "UNHANDLED_CPP_EXCEPTION",
        [0xe0434352] = "MANAGED_EXCEPTION_CODE_V4",
        [0x0517a7ed] = "SIMULATED",
    }.ToFrozenDictionary();

    /// <summary>The name of a Win32 error code, when it has one.</summary>
    public static bool TryGetWin32ErrorName(uint code, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? name) =>
        Win32ErrorNames.TryGetValue(code, out name);

    // A subset of winerror.h: the codes most often seen as exception codes or in FACILITY_VISUALCPP.
    private static readonly FrozenDictionary<uint, string> Win32ErrorNames = new Dictionary<uint, string>
    {
        [0] = "ERROR_SUCCESS",
        [1] = "ERROR_INVALID_FUNCTION",
        [2] = "ERROR_FILE_NOT_FOUND",
        [3] = "ERROR_PATH_NOT_FOUND",
        [4] = "ERROR_TOO_MANY_OPEN_FILES",
        [5] = "ERROR_ACCESS_DENIED",
        [6] = "ERROR_INVALID_HANDLE",
        [7] = "ERROR_ARENA_TRASHED",
        [8] = "ERROR_NOT_ENOUGH_MEMORY",
        [9] = "ERROR_INVALID_BLOCK",
        [10] = "ERROR_BAD_ENVIRONMENT",
        [11] = "ERROR_BAD_FORMAT",
        [12] = "ERROR_INVALID_ACCESS",
        [13] = "ERROR_INVALID_DATA",
        [14] = "ERROR_OUTOFMEMORY",
        [15] = "ERROR_INVALID_DRIVE",
        [16] = "ERROR_CURRENT_DIRECTORY",
        [17] = "ERROR_NOT_SAME_DEVICE",
        [18] = "ERROR_NO_MORE_FILES",
        [19] = "ERROR_WRITE_PROTECT",
        [20] = "ERROR_BAD_UNIT",
        [21] = "ERROR_NOT_READY",
        [22] = "ERROR_BAD_COMMAND",
        [23] = "ERROR_CRC",
        [24] = "ERROR_BAD_LENGTH",
        [25] = "ERROR_SEEK",
        [26] = "ERROR_NOT_DOS_DISK",
        [27] = "ERROR_SECTOR_NOT_FOUND",
        [28] = "ERROR_OUT_OF_PAPER",
        [29] = "ERROR_WRITE_FAULT",
        [30] = "ERROR_READ_FAULT",
        [31] = "ERROR_GEN_FAILURE",
        [32] = "ERROR_SHARING_VIOLATION",
        [33] = "ERROR_LOCK_VIOLATION",
        [34] = "ERROR_WRONG_DISK",
        [36] = "ERROR_SHARING_BUFFER_EXCEEDED",
        [38] = "ERROR_HANDLE_EOF",
        [39] = "ERROR_HANDLE_DISK_FULL",
        [50] = "ERROR_NOT_SUPPORTED",
        [53] = "ERROR_BAD_NETPATH",
        [80] = "ERROR_FILE_EXISTS",
        [87] = "ERROR_INVALID_PARAMETER",
        [109] = "ERROR_BROKEN_PIPE",
        [111] = "ERROR_BUFFER_OVERFLOW",
        [112] = "ERROR_DISK_FULL",
        [120] = "ERROR_CALL_NOT_IMPLEMENTED",
        [122] = "ERROR_INSUFFICIENT_BUFFER",
        [123] = "ERROR_INVALID_NAME",
        [126] = "ERROR_MOD_NOT_FOUND",
        [127] = "ERROR_PROC_NOT_FOUND",
        [183] = "ERROR_ALREADY_EXISTS",
        [193] = "ERROR_BAD_EXE_FORMAT",
        [203] = "ERROR_ENVVAR_NOT_FOUND",
        [206] = "ERROR_FILENAME_EXCED_RANGE",
        [234] = "ERROR_MORE_DATA",
        [258] = "WAIT_TIMEOUT",
        [259] = "ERROR_NO_MORE_ITEMS",
        [487] = "ERROR_INVALID_ADDRESS",
        [998] = "ERROR_NOACCESS",
        [1114] = "ERROR_DLL_INIT_FAILED",
        [1460] = "ERROR_TIMEOUT",
    }.ToFrozenDictionary();

    // A subset of ntstatus.h: the codes seen as crash reasons.
    private static readonly FrozenDictionary<uint, string> NtStatusNames = new Dictionary<uint, string>
    {
        [0x40000015] = "STATUS_FATAL_APP_EXIT",
        [0xc0000001] = "STATUS_UNSUCCESSFUL",
        [0xc0000002] = "STATUS_NOT_IMPLEMENTED",
        [0xc0000005] = "STATUS_ACCESS_VIOLATION",
        [0xc0000008] = "STATUS_INVALID_HANDLE",
        [0xc000000d] = "STATUS_INVALID_PARAMETER",
        [0xc000000e] = "STATUS_NO_SUCH_DEVICE",
        [0xc000000f] = "STATUS_NO_SUCH_FILE",
        [0xc0000017] = "STATUS_NO_MEMORY",
        [0xc0000022] = "STATUS_ACCESS_DENIED",
        [0xc0000034] = "STATUS_OBJECT_NAME_NOT_FOUND",
        [0xc000009a] = "STATUS_INSUFFICIENT_RESOURCES",
        [0xc000009c] = "STATUS_DEVICE_DATA_ERROR",
        [0xc000009d] = "STATUS_DEVICE_NOT_CONNECTED",
        [0xc00000a2] = "STATUS_MEDIA_WRITE_PROTECTED",
        [0xc00000b5] = "STATUS_IO_TIMEOUT",
        [0xc00000ff] = "STATUS_BAD_FUNCTION_TABLE",
        [0xc0000135] = "STATUS_DLL_NOT_FOUND",
        [0xc0000139] = "STATUS_ENTRYPOINT_NOT_FOUND",
        [0xc000013a] = "STATUS_CONTROL_C_EXIT",
        [0xc0000142] = "STATUS_DLL_INIT_FAILED",
        [0xc000014b] = "STATUS_PIPE_BROKEN",
        [0xc0000185] = "STATUS_IO_DEVICE_ERROR",
        [0xc00001a5] = "STATUS_INVALID_EXCEPTION_HANDLER",
        [0xc00001b2] = "STATUS_CONTROL_STACK_VIOLATION",
        [0xc000026e] = "STATUS_VOLUME_DISMOUNTED",
        [0xc00002b4] = "STATUS_FLOAT_MULTIPLE_FAULTS",
        [0xc00002b5] = "STATUS_FLOAT_MULTIPLE_TRAPS",
        [0xc00002c9] = "STATUS_REG_NAT_CONSUMPTION",
        [0xc0000374] = "STATUS_HEAP_CORRUPTION",
        [0xc0000409] = "STATUS_STACK_BUFFER_OVERRUN",
        [0xc0000417] = "STATUS_INVALID_CRUNTIME_PARAMETER",
        [0xc0000420] = "STATUS_ASSERTION_FAILURE",
        [0xc0000602] = "STATUS_FAIL_FAST_EXCEPTION",
        [0xc0000604] = "STATUS_STOWED_EXCEPTION",
        [0xc0000906] = "STATUS_VIRUS_DELETED",
        [0xc000a2a1] = "STATUS_OFFLOAD_READ_FLT_NOT_SUPPORTED",
    }.ToFrozenDictionary();

    private static readonly string?[] FastFailNames =
    [
        "LEGACY_GS_VIOLATION", "VTGUARD_CHECK_FAILURE", "STACK_COOKIE_CHECK_FAILURE", "CORRUPT_LIST_ENTRY",
        "INCORRECT_STACK", "INVALID_ARG", "GS_COOKIE_INIT", "FATAL_APP_EXIT", "RANGE_CHECK_FAILURE",
        "UNSAFE_REGISTRY_ACCESS", "GUARD_ICALL_CHECK_FAILURE", "GUARD_WRITE_CHECK_FAILURE", "INVALID_FIBER_SWITCH",
        "INVALID_SET_OF_CONTEXT", "INVALID_REFERENCE_COUNT", null, null, null, "INVALID_JUMP_BUFFER", "MRDATA_MODIFIED",
        "CERTIFICATION_FAILURE", "INVALID_EXCEPTION_CHAIN", "CRYPTO_LIBRARY", "INVALID_CALL_IN_DLL_CALLOUT",
        "INVALID_IMAGE_BASE", "DLOAD_PROTECTION_FAILURE", "UNSAFE_EXTENSION_CALL", "DEPRECATED_SERVICE_INVOKED",
        "INVALID_BUFFER_ACCESS", "INVALID_BALANCED_TREE", "INVALID_NEXT_THREAD", "GUARD_ICALL_CHECK_SUPPRESSED",
        "APCS_DISABLED", "INVALID_IDLE_STATE", "MRDATA_PROTECTION_FAILURE", "UNEXPECTED_HEAP_EXCEPTION",
        "INVALID_LOCK_STATE", "GUARD_JUMPTABLE", "INVALID_LONGJUMP_TARGET", "INVALID_DISPATCH_CONTEXT",
        "INVALID_THREAD", "INVALID_SYSCALL_NUMBER", "INVALID_FILE_OPERATION", "LPAC_ACCESS_DENIED", "GUARD_SS_FAILURE",
        "LOADER_CONTINUITY_FAILURE", "GUARD_EXPORT_SUPPRESSION_FAILURE", "INVALID_CONTROL_STACK", "SET_CONTEXT_DENIED",
        "INVALID_IAT", "HEAP_METADATA_CORRUPTION", "PAYLOAD_RESTRICTION_VIOLATION", "LOW_LABEL_ACCESS_DENIED",
        "ENCLAVE_CALL_FAILURE", "UNHANDLED_LSS_EXCEPTON", "ADMINLESS_ACCESS_DENIED", "UNEXPECTED_CALL",
        "CONTROL_INVALID_RETURN_ADDRESS", "UNEXPECTED_HOST_BEHAVIOR", "FLAGS_CORRUPTION", "VEH_CORRUPTION",
        "ETW_CORRUPTION", "RIO_ABORT", "INVALID_PFN", "GUARD_ICALL_CHECK_FAILURE_XFG", "CAST_GUARD",
        "HOST_VISIBILITY_CHANGE", "KERNEL_CET_SHADOW_STACK_ASSIST", "PATCH_CALLBACK_FAILED", "NTDLL_PATCH_FAILED",
        "INVALID_FLS_DATA", "ASAN_ERROR", "CLR_EXCEPTION_AOT", "POINTER_AUTH_INVALID_RETURN_ADDRESS",
        "INVALID_THREAD_STATE", "CORRUPT_WOW64_STATE", "INVALID_EXTENDED_STATE",
    ];

    // ---- Linux ----

    private static readonly string?[] SignalNames =
    [
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
        "SIGSYS",
    ];

    private static string? Linux(MinidumpExceptionStream e)
    {
        var signal = e.ExceptionCode == 0xffffffff
            ? "DUMP_REQUESTED"
            : e.ExceptionCode < SignalNames.Length ? SignalNames[e.ExceptionCode] : null;
        if (signal is null)
        {
            return null;
        }

        var flags = e.ExceptionFlags;
        string?[]? specific = e.ExceptionCode switch
        {
            4 => [null, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK", "ILL_BADIADDR"],
            5 => [null, "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF"],
            8 => [null, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"],
            11 => [null, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR"],
            7 => [null, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"],
            31 => [null, "SYS_SECCOMP", "SYS_USER_DISPATCH"],
            _ => null,
        };
        if (specific is not null && flags < specific.Length && specific[flags] is { } name)
        {
            return signal + " / " + name;
        }

        var generic = unchecked((int)flags) switch
        {
            0 => string.Empty,
            0x80 => "SI_KERNEL",
            -1 => "SI_QUEUE",
            -2 => "SI_TIMER",
            -3 => "SI_MESGQ",
            -4 => "SI_ASYNCIO",
            -5 => "SI_SIGIO",
            -6 => "SI_TKILL",
            -7 => "SI_DETHREAD",
            -60 => "SI_ASYNCNL",
            _ => null,
        };
        return generic switch
        {
            null => signal + " / " + Hex8(flags),
            "" => signal,
            _ => signal + " / " + generic,
        };
    }

    // ---- macOS / iOS ----

    private static string? Mac(MinidumpExceptionStream e, MinidumpCpu cpu)
    {
        var exception = e.ExceptionCode switch
        {
            1 => "EXC_BAD_ACCESS",
            2 => "EXC_BAD_INSTRUCTION",
            3 => "EXC_ARITHMETIC",
            4 => "EXC_EMULATION",
            5 => "EXC_SOFTWARE",
            6 => "EXC_BREAKPOINT",
            7 => "EXC_SYSCALL",
            8 => "EXC_MACH_SYSCALL",
            9 => "EXC_RPC_ALERT",
            11 => "EXC_RESOURCE",
            12 => "EXC_GUARD",
            0x43507378 => "SIMULATED",
            _ => null,
        };
        if (exception is null)
        {
            return null;
        }

        if (exception == "SIMULATED")
        {
            return "Simulated Exception";
        }

        var flags = e.ExceptionFlags;
        var x86 = cpu is MinidumpCpu.X86 or MinidumpCpu.Amd64;
        var arm64 = cpu == MinidumpCpu.Arm64;
        var ppc = cpu is MinidumpCpu.Ppc or MinidumpCpu.Ppc64;
        var detail = e.ExceptionCode switch
        {
            1 => flags switch
            {
                1 => "KERN_INVALID_ADDRESS",
                2 => "KERN_PROTECTION_FAILURE",
                5 => "KERN_FAILURE",
                8 => "KERN_NO_ACCESS",
                9 => "KERN_MEMORY_FAILURE",
                10 => "KERN_MEMORY_ERROR",
                50 => "KERN_CODESIGN_ERROR",
                _ when arm64 => flags switch
                {
                    0x101 => "EXC_ARM_DA_ALIGN",
                    0x102 => "EXC_ARM_DA_DEBUG",
                    0x103 => "EXC_ARM_SP_ALIGN",
                    0x104 => "EXC_ARM_SWP",
                    0x105 => "EXC_ARM_PAC_FAIL",
                    _ => null,
                },
                13 when x86 => "EXC_I386_GPFLT",
                _ when ppc => flags switch
                {
                    0x101 => "EXC_PPC_VM_PROT_READ",
                    0x102 => "EXC_PPC_BADSPACE",
                    0x103 => "EXC_PPC_UNALIGNED",
                    _ => null,
                },
                _ => null,
            },
            2 when arm64 => flags == 1 ? "EXC_ARM_UNDEFINED" : null,
            2 when x86 => flags switch
            {
                1 => "EXC_I386_INVOP",
                10 => "EXC_I386_INVTSSFLT",
                11 => "EXC_I386_SEGNPFLT",
                12 => "EXC_I386_STKFLT",
                13 => "EXC_I386_GPFLT",
                17 => "EXC_I386_ALIGNFLT",
                _ => null,
            },
            2 when ppc => flags switch
            {
                1 => "EXC_PPC_INVALID_SYSCALL",
                2 => "EXC_PPC_UNIPL_INST",
                3 => "EXC_PPC_PRIVINST",
                4 => "EXC_PPC_PRIVREG",
                5 => "EXC_PPC_TRACE",
                6 => "EXC_PPC_PERFMON",
                _ => null,
            },
            3 when arm64 => flags switch
            {
                1 => "EXC_ARM_FP_IO",
                2 => "EXC_ARM_FP_DZ",
                3 => "EXC_ARM_FP_OF",
                4 => "EXC_ARM_FP_UF",
                5 => "EXC_ARM_FP_IX",
                6 => "EXC_ARM_FP_ID",
                _ => null,
            },
            3 when x86 => flags switch
            {
                1 => "EXC_I386_DIV",
                2 => "EXC_I386_INTO",
                3 => "EXC_I386_NOEXT",
                4 => "EXC_I386_EXTOVR",
                5 => "EXC_I386_EXTERR",
                6 => "EXC_I386_EMERR",
                7 => "EXC_I386_BOUND",
                8 => "EXC_I386_SSEEXTERR",
                _ => null,
            },
            3 when ppc => flags switch
            {
                1 => "EXC_PPC_OVERFLOW",
                2 => "EXC_PPC_ZERO_DIVIDE",
                3 => "EXC_FLT_INEXACT",
                4 => "EXC_PPC_FLT_ZERO_DIVIDE",
                5 => "EXC_PPC_FLT_UNDERFLOW",
                6 => "EXC_PPC_FLT_OVERFLOW",
                7 => "EXC_PPC_FLT_NOT_A_NUMBER",
                8 => "EXC_PPC_NOEMULATION",
                9 => "EXC_PPC_ALTIVECASSIST",
                _ => null,
            },
            5 => flags switch
            {
                0x00010002 => "SIGABRT",
                0xdeadc0de => "UNCAUGHT_NS_EXCEPTION",
                0x1 => "EXC_PPC_TRAP",
                0x00010100 => "EXC_PPC_MIGRATE",
                _ => null,
            },
            6 when arm64 => flags == 1 ? "EXC_ARM_BREAKPOINT" : null,
            6 when x86 => flags switch { 1 => "EXC_I386_SGL", 2 => "EXC_I386_BPT", _ => null },
            6 when ppc => flags == 1 ? "EXC_PPC_BREAKPOINT" : null,
            11 => Resource(e),
            12 => Guard(e),
            _ => null,
        };

        return detail is null ? exception + " / " + Hex8(flags) : exception + " / " + detail;
    }

    private static string? Resource(MinidumpExceptionStream e)
    {
        var type = (e.ExceptionFlags >> 29) & 7;
        var code = Info(e, 1);
        var subcode = Info(e, 2);
        var flavor = (code >> 58) & 7;
        var inv = CultureInfo.InvariantCulture;
        string? typeName = type switch
        {
            1 => "RESOURCE_TYPE_CPU",
            2 => "RESOURCE_TYPE_WAKEUPS",
            3 => "RESOURCE_TYPE_MEMORY",
            4 => "RESOURCE_TYPE_IO",
            5 => "RESOURCE_TYPE_THREADS",
            _ => null,
        };
        if (typeName is null)
        {
            return null;
        }

        var detail = (type, flavor) switch
        {
            (1, 1 or 2) => string.Create(inv,
                $"{(flavor == 1 ? "FLAVOR_CPU_MONITOR" : "FLAVOR_CPU_MONITOR_FATAL")} interval: {(code >> 7) & 0x1ffffff}s CPU limit: {code & 7}% CPU consumed: {subcode & 7}%"),
            (2, 1) => string.Create(inv,
                $"FLAVOR_WAKEUPS_MONITOR interval: {(code >> 20) & 0xfffff}s wakeups permitted: {code & 0xfff} wakeups observed: {subcode & 0xfff}"),
            (3, 1) => string.Create(inv, $"FLAVOR_HIGH_WATERMARK high watermark limit: {code & 0x1fff}MiB"),
            (4, 1 or 2) => string.Create(inv,
                $"{(flavor == 1 ? "FLAVOR_IO_PHYSICAL_WRITES" : "FLAVOR_IO_LOGICAL_WRITES")} interval: {(code >> 15) & 0x1ffff}s I/O limit: {code & 0x7fff}% I/O observed: {subcode & 0x7fff}%"),
            (5, 1) => string.Create(inv, $"FLAVOR_THREADS_HIGH_WATERMARK high watermark limit: {code & 0x7fff}"),
            _ => string.Create(inv, $"0x{code:x16} / 0x{subcode:x16}"),
        };
        return typeName + " / " + detail;
    }

    private static string Guard(MinidumpExceptionStream e)
    {
        var type = (e.ExceptionFlags >> 29) & 7;
        var code = Info(e, 1);
        var subcode = Info(e, 2);
        var flavor = (code >> 32) & 0x1fffffff;
        var inv = CultureInfo.InvariantCulture;
        var unknownFlavor = string.Create(inv, $" / 0x{code:x16} / 0x{subcode:x16}");
        string? FlavorName(string?[] names, bool bits)
        {
            if (bits)
            {
                for (var bit = 0; bit < names.Length; bit++)
                {
                    if (flavor == 1UL << bit && names[bit] is { } n)
                    {
                        return "GUARD_EXC_" + n;
                    }
                }

                return null;
            }

            return flavor < (ulong)names.Length && names[flavor] is { } name ? "GUARD_EXC_" + name : null;
        }

        switch (type)
        {
            case 0:
                return "GUARD_TYPE_NONE";
            case 1:
                {
                    string? name = flavor switch
                    {
                        1 => "DESTROY",
                        2 => "MOD_REFS",
                        3 => "INVALID_OPTIONS",
                        4 => "SET_CONTEXT",
                        5 => "THREAD_SET_STATE",
                        _ => null,
                    };
                    var flavorName = name is not null ? "GUARD_EXC_" + name : FlavorName(MachPortGuardBits, bits: true);
                    if (flavorName is null)
                    {
                        return "GUARD_TYPE_MACH_PORT" + unknownFlavor;
                    }

                    var text = string.Create(inv, $"GUARD_TYPE_MACH_PORT / {flavorName} port name: {code & 0xfffffff}");
                    return subcode != 0 ? text + string.Create(inv, $" subcode: {subcode}") : text;
                }

            case 2:
                return FlavorName(["CLOSE", "DUP", "NOCLOEXEC", "SOCKET_IPC", "FILEPORT", "MISMATCH", "WRITE"], bits: true) is { } fd
                    ? string.Create(inv, $"GUARD_TYPE_FD / {fd} file descriptor: {code & 0xfffffff} guard identifier: {subcode}")
                    : "GUARD_TYPE_FD" + unknownFlavor;
            case 3:
                return string.Create(inv, $"GUARD_TYPE_USER/ namespace: {code & 0xffffffff} guard identifier: {subcode}");
            case 4:
                return FlavorName(["RENAME_TO", "RENAME_FROM", "UNLINK", "WRITE_OTHER", "TRUNC_OTHER", "LINK", "EXCHDATA"], bits: true) is { } vn
                    ? string.Create(inv, $"GUARD_TYPE_VN / {vn} pid: {code & 0xfffffff} guard identifier: {subcode}")
                    : "GUARD_TYPE_VN" + unknownFlavor;
            case 5:
                return flavor == 1
                    ? string.Create(inv, $"GUARD_TYPE_VIRT_MEMORY / GUARD_EXC_DEALLOC_GAP offset: {subcode}")
                    : "GUARD_TYPE_VIRT_MEMORY" + unknownFlavor;
            case 6:
                return flavor == 0
                    ? string.Create(inv, $"GUARD_TYPE_REJECTED_SC / GUARD_EXC_MACH_TRAP syscall: {subcode}")
                    : "GUARD_TYPE_REJECTED_SC" + unknownFlavor;
            default:
                return Hex8(e.ExceptionFlags);
        }
    }

    // Mach-port guard flavors from 0x8 upwards are single bits.
    private static readonly string?[] MachPortGuardBits =
    [
        null, null, null, "UNGUARDED", "INCORRECT_GUARD", "IMMOVABLE", "STRICT_REPLY", "MSG_FILTERED", "INVALID_RIGHT",
        "INVALID_NAME", "INVALID_VALUE", "INVALID_ARGUMENT", "RIGHT_EXISTS", "KERN_NO_SPACE", "KERN_FAILURE",
        "KERN_RESOURCE", "SEND_INVALID_REPLY", "SEND_INVALID_VOUCHER", "SEND_INVALID_RIGHT", "RCV_INVALID_NAME",
        "RCV_GUARDED_DESC", "MOD_REFS_NON_FATAL", "IMMOVABLE_NON_FATAL", "REQUIRE_REPLY_PORT_SEMANTICS",
        "EXCEPTION_BEHAVIOR_ENFORCE",
    ];
}
