using Microsoft.Extensions.Logging.Abstractions;
using Obs.Minidump;
using Obs.Minidump.Synth;
using Obs.Symbolication.Analysis;

namespace Obs.Symbolication.Tests.Analysis;

/// <summary>
/// A synthetic crash: a context with chosen registers, the crashing instruction's bytes captured
/// at its rip, optional extra memory, stack and memory map, and the exception. <see cref="Analyze"/>
/// writes the dump, reads it back and runs the crash analysis on it.
/// </summary>
internal sealed class CrashScenario
{
    public const uint ThreadId = 0x1234;
    public const ulong DefaultRip = 0x7ff6_1000_1000;

    // Far from every address the tests use, so the stack is only found where a test puts it.
    public const ulong DefaultRsp = 0x0000_00e0_0000_8000;

    public const uint Windows = 2;
    public const uint Linux = 0x8201;
    public const uint MacOs = 0x8101;

    public MinidumpContextFormat Format { get; set; } = MinidumpContextFormat.Amd64;

    public uint Platform { get; set; } = Windows;

    public Dictionary<string, ulong> Registers { get; } = new(StringComparer.Ordinal);

    /// <summary>The bytes captured at rip; the region ends right after them.</summary>
    public byte[] Code { get; set; } = [];

    public List<(ulong Address, byte[] Bytes)> Memory { get; } = [];

    /// <summary>The crashing thread's stack memory, captured at rsp.</summary>
    public byte[]? Stack { get; set; }

    public List<(ulong Address, ulong Size, uint Protection)>? MemoryInfo { get; set; }

    public List<(ulong Start, ulong End, string Permissions)>? LinuxMaps { get; set; }

    public uint ExceptionCode { get; set; } = 0xc0000005;

    public uint ExceptionFlags { get; set; }

    public ulong ExceptionAddress { get; set; }

    public List<ulong> Parameters { get; set; } = [];

    /// <summary>An amd64 Windows crash executing <paramref name="code"/>, with rip and rsp at their defaults.</summary>
    public static CrashScenario Amd64(params byte[] code)
    {
        var scenario = new CrashScenario { Code = code };
        scenario.Registers["rip"] = DefaultRip;
        scenario.Registers["rsp"] = DefaultRsp;
        return scenario;
    }

    /// <summary>Makes the exception a Windows access violation of <paramref name="kind"/> (its first parameter: read, write or execute) at <paramref name="address"/>.</summary>
    public CrashScenario AccessViolation(ulong kind, ulong address)
    {
        ExceptionCode = 0xc0000005;
        Parameters = [kind, address];
        ExceptionAddress = Registers.GetValueOrDefault("rip");
        return this;
    }

    /// <summary>Sets the exception's raw code, flags (Linux: <c>si_code</c>), address and parameters.</summary>
    public CrashScenario Exception(uint code, uint flags, ulong address, params ulong[] parameters)
    {
        ExceptionCode = code;
        ExceptionFlags = flags;
        ExceptionAddress = address;
        Parameters = [.. parameters];
        return this;
    }

    public CrashScenario With(string register, ulong value)
    {
        Registers[register] = value;
        return this;
    }

    public byte[] Build()
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(SyntheticDump.Architecture(Format), Platform);
        var context = dump.AppendCrashContext(Format, Registers);
        var ip = Format switch
        {
            MinidumpContextFormat.Amd64 => Registers.GetValueOrDefault("rip"),
            MinidumpContextFormat.X86 => Registers.GetValueOrDefault("eip"),
            _ => Registers.GetValueOrDefault("pc"),
        };
        var regions = new List<(ulong Address, byte[] Bytes)>();
        if (Code.Length > 0)
        {
            regions.Add((ip, Code));
        }

        regions.AddRange(Memory);
        dump.AddMemoryRegions(regions);
        var stackPointer = Registers.GetValueOrDefault(Format == MinidumpContextFormat.X86 ? "esp" : Format == MinidumpContextFormat.Amd64 ? "rsp" : "sp");
        dump.AddThreadWithStack(ThreadId, context, stackPointer, Stack ?? []);
        if (MemoryInfo is not null)
        {
            dump.AddMemoryInfo(MemoryInfo);
        }

        if (LinuxMaps is not null)
        {
            dump.AddLinuxMappings(LinuxMaps);
        }

        dump.AddExceptionRecord(ThreadId, ExceptionCode, ExceptionFlags, ExceptionAddress, context, Parameters);
        return dump.Build();
    }

    public CrashInfo Analyze()
    {
        var dump = MinidumpFile.Read(Build());
        var exception = dump.GetException()!;
        return CrashAnalyzer.Analyze(new OptionalStreams(dump, NullLogger.Instance), exception, exception.GetContext(), dump.GetSystemInfo()!, NullLogger.Instance);
    }
}
