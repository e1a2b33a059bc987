using System.Globalization;
using System.Text;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>CPU families, as chosen from the system info's processor architecture.</summary>
public enum MinidumpCpu
{
    /// <summary>An architecture this library does not know.</summary>
    Unknown,
    /// <summary>32-bit x86 (architecture 0, or 10 for WoW64).</summary>
    X86,
    /// <summary>x86-64 (architecture 9).</summary>
    Amd64,
    /// <summary>32-bit ARM (architecture 5).</summary>
    Arm,
    /// <summary>64-bit ARM (architecture 12, or Breakpad's 0x8003 with the old context layout).</summary>
    Arm64,
    /// <summary>32-bit PowerPC (architecture 3).</summary>
    Ppc,
    /// <summary>64-bit PowerPC (Breakpad 0x8002).</summary>
    Ppc64,
    /// <summary>SPARC (Breakpad 0x8001).</summary>
    Sparc,
    /// <summary>32-bit MIPS (architecture 1).</summary>
    Mips,
    /// <summary>64-bit MIPS (Breakpad 0x8004).</summary>
    Mips64,
}

/// <summary>Operating systems, as chosen from the system info's platform id.</summary>
public enum MinidumpOs
{
    /// <summary>A platform this library does not know.</summary>
    Unknown,
    /// <summary>Windows (platform 2 or 3).</summary>
    Windows,
    /// <summary>macOS (0x8101).</summary>
    MacOs,
    /// <summary>iOS (0x8102).</summary>
    Ios,
    /// <summary>Linux (0x8201).</summary>
    Linux,
    /// <summary>Solaris (0x8202).</summary>
    Solaris,
    /// <summary>Android (0x8203).</summary>
    Android,
    /// <summary>PlayStation 3 (0x8204).</summary>
    Ps3,
    /// <summary>Native Client (0x8205).</summary>
    NaCl,
}

/// <summary>SystemInfoStream (7): the CPU and the operating system the dump was written on.</summary>
public sealed class MinidumpSystemInfo : MinidumpStream
{
    private const int Size = 56;

    private MinidumpSystemInfo(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>PROCESSOR_ARCHITECTURE value.</summary>
    public ushort ProcessorArchitecture { get; private init; }

    /// <summary>Processor level (x86: family; ARM: architecture version).</summary>
    public ushort ProcessorLevel { get; private init; }

    /// <summary>Processor revision (x86: model in the high byte, stepping in the low one).</summary>
    public ushort ProcessorRevision { get; private init; }

    /// <summary>Number of processors.</summary>
    public byte NumberOfProcessors { get; private init; }

    /// <summary>Windows product type (VER_NT_*).</summary>
    public byte ProductType { get; private init; }

    /// <summary>OS major version.</summary>
    public uint MajorVersion { get; private init; }

    /// <summary>OS minor version.</summary>
    public uint MinorVersion { get; private init; }

    /// <summary>OS build number.</summary>
    public uint BuildNumber { get; private init; }

    /// <summary>Platform id (2 Windows NT, 0x8101 macOS, 0x8201 Linux, ...).</summary>
    public uint PlatformId { get; private init; }

    /// <summary>File offset of the CSD version string (0 when there is none).</summary>
    public uint CsdVersionRva { get; private init; }

    /// <summary>
    /// The CSD version string: the service pack on Windows, the OS build on macOS, the
    /// <c>uname</c> output on Linux; null when absent or unreadable.
    /// </summary>
    public string? CsdVersion { get; private init; }

    /// <summary>Windows suite mask.</summary>
    public ushort SuiteMask { get; private init; }

    /// <summary>x86 only: the CPUID vendor string (for example <c>GenuineIntel</c>).</summary>
    public string? CpuVendor { get; private init; }

    /// <summary>x86 only: the 12 vendor bytes as written, NULs included (what <see cref="CpuInfo"/> prints).</summary>
    private string? RawCpuVendor { get; init; }

    /// <summary>x86 only: CPUID leaf 1 EAX.</summary>
    public uint? CpuVersionInformation { get; private init; }

    /// <summary>x86 only: CPUID leaf 1 EDX.</summary>
    public uint? CpuFeatureInformation { get; private init; }

    /// <summary>x86 only: CPUID leaf 0x80000001 EDX (AMD).</summary>
    public uint? AmdExtendedCpuFeatures { get; private init; }

    /// <summary>ARM only: the MIDR register.</summary>
    public uint? ArmCpuId { get; private init; }

    /// <summary>ARM only: Linux ELF HWCAP bits.</summary>
    public uint? ArmElfHwCaps { get; private init; }

    /// <summary>Other CPUs: the two processor-feature words.</summary>
    public (ulong Low, ulong High)? ProcessorFeatures { get; private init; }

    /// <summary>The CPU family.</summary>
    public MinidumpCpu Cpu => ProcessorArchitecture switch
    {
        0 or 10 => MinidumpCpu.X86,
        9 => MinidumpCpu.Amd64,
        5 => MinidumpCpu.Arm,
        12 or 0x8003 => MinidumpCpu.Arm64,
        3 => MinidumpCpu.Ppc,
        0x8002 => MinidumpCpu.Ppc64,
        0x8001 => MinidumpCpu.Sparc,
        1 => MinidumpCpu.Mips,
        0x8004 => MinidumpCpu.Mips64,
        _ => MinidumpCpu.Unknown,
    };

    /// <summary>The operating system.</summary>
    public MinidumpOs Os => PlatformId switch
    {
        2 or 3 => MinidumpOs.Windows,
        0x8101 => MinidumpOs.MacOs,
        0x8102 => MinidumpOs.Ios,
        0x8201 => MinidumpOs.Linux,
        0x8202 => MinidumpOs.Solaris,
        0x8203 => MinidumpOs.Android,
        0x8204 => MinidumpOs.Ps3,
        0x8205 => MinidumpOs.NaCl,
        _ => MinidumpOs.Unknown,
    };

    /// <summary>Pointer size in bytes (4 or 8), or 0 for an unknown CPU.</summary>
    public int PointerSize => GetPointerSize(Cpu);

    /// <summary>The CPU name rust-minidump reports: <c>x86</c>, <c>amd64</c>, <c>arm</c>, <c>arm64</c>, ...</summary>
    public string CpuName => Cpu switch
    {
        MinidumpCpu.X86 => "x86",
        MinidumpCpu.Amd64 => "amd64",
        MinidumpCpu.Arm => "arm",
        MinidumpCpu.Arm64 => "arm64",
        MinidumpCpu.Ppc => "ppc",
        MinidumpCpu.Ppc64 => "ppc64",
        MinidumpCpu.Sparc => "sparc",
        MinidumpCpu.Mips => "mips",
        MinidumpCpu.Mips64 => "mips64",
        _ => "unknown",
    };

    /// <summary>The OS name rust-minidump reports: <c>Windows NT</c>, <c>Mac OS X</c>, <c>iOS</c>, <c>Linux</c>, ...</summary>
    public string OsName => Os switch
    {
        MinidumpOs.Windows => "Windows NT",
        MinidumpOs.MacOs => "Mac OS X",
        MinidumpOs.Ios => "iOS",
        MinidumpOs.Linux => "Linux",
        MinidumpOs.Solaris => "Solaris",
        MinidumpOs.Android => "Android",
        MinidumpOs.Ps3 => "PS3",
        MinidumpOs.NaCl => "NaCl",
        _ => "Unknown",
    };

    /// <summary>
    /// The OS version as rust-minidump reports it (<c>os_ver</c>): <c>major.minor.build</c> followed
    /// by the CSD version, for example <c>5.1.2600 Service Pack 2</c>. A Linux dump with version
    /// 0.0.0 takes the kernel release and build from the <c>uname</c> text instead.
    /// </summary>
    public string OsVersion
    {
        get
        {
            var version = string.Create(CultureInfo.InvariantCulture, $"{MajorVersion}.{MinorVersion}.{BuildNumber}");
            var build = string.IsNullOrEmpty(CsdVersion) ? null : CsdVersion;
            if (Os == MinidumpOs.Linux && version == "0.0.0" && build is not null)
            {
                var parts = build.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts[0] == "Linux")
                {
                    version = parts[1];
                    var end = parts.Length;
                    if (end > 2 && parts[end - 1] == "GNU/Linux")
                    {
                        end--;
                    }

                    if (end > 3)
                    {
                        end--; // the machine (uname -m)
                    }

                    build = end > 2 ? string.Join(' ', parts, 2, end - 2) : null;
                }
            }

            return build is null ? version : version + " " + build;
        }
    }

    /// <summary>x86 and amd64: the CPU family (the processor level).</summary>
    public uint? CpuFamily => Cpu is MinidumpCpu.X86 or MinidumpCpu.Amd64 ? ProcessorLevel : null;

    /// <summary>x86 and amd64: the CPU model (high byte of the revision).</summary>
    public uint? CpuModel => Cpu is MinidumpCpu.X86 or MinidumpCpu.Amd64 ? (uint)(ProcessorRevision >> 8) : null;

    /// <summary>x86 and amd64: the CPU stepping (low byte of the revision).</summary>
    public uint? CpuStepping => Cpu is MinidumpCpu.X86 or MinidumpCpu.Amd64 ? (uint)(ProcessorRevision & 0xff) : null;

    /// <summary>
    /// The CPU description rust-minidump and Breakpad print, for example
    /// <c>GenuineIntel family 6 model 13 stepping 8</c> (x86), <c>family 6 model 70 stepping 1</c>
    /// (amd64), <c>ARMv7 ARM Cortex-A9 features: swp,half,thumb</c> (ARM); null for other CPUs.
    /// </summary>
    public string? CpuInfo
    {
        get
        {
            switch (Cpu)
            {
                case MinidumpCpu.X86:
                case MinidumpCpu.Amd64:
                    var text = string.Create(CultureInfo.InvariantCulture,
                        $"family {CpuFamily} model {CpuModel} stepping {CpuStepping}");
                    // rust-minidump prints all 12 vendor bytes, NULs included, when the dump has them (x86).
                    return RawCpuVendor is { } vendor ? vendor + " " + text : text;
                case MinidumpCpu.Arm:
                    return ArmCpuDescription();
                default:
                    return null;
            }
        }
    }

    internal static int GetPointerSize(MinidumpCpu cpu) => cpu switch
    {
        MinidumpCpu.X86 or MinidumpCpu.Arm or MinidumpCpu.Ppc or MinidumpCpu.Sparc or MinidumpCpu.Mips => 4,
        MinidumpCpu.Amd64 or MinidumpCpu.Arm64 or MinidumpCpu.Ppc64 or MinidumpCpu.Mips64 => 8,
        _ => 0,
    };

    private static readonly string[] ArmHwCaps =
    [
        "swp", "half", "thumb", "26bit", "fastmult", "fpa", "vfpv2", "edsp", "java", "iwmmxt", "crunch",
        "thumbee", "neon", "vfpv3", "vfpv3d16", "tls", "vfpv4", "idiva", "idivt", "vfpd32", "lpae", "evtstrm",
    ];

    private string ArmCpuDescription()
    {
        var builder = new StringBuilder("ARMv").Append(ProcessorLevel.ToString(CultureInfo.InvariantCulture));
        if (ArmCpuId is { } cpuid && cpuid != 0)
        {
            var vendor = (cpuid >> 24) switch
            {
                0x41 => "ARM",
                0x51 => "Qualcomm",
                0x56 => "Marvell",
                0x69 => "Intel/Marvell",
                _ => null,
            };
            builder.Append(' ').Append(vendor ?? string.Create(CultureInfo.InvariantCulture, $"vendor(0x{cpuid >> 24:x})"));
            var part = (cpuid & 0xff00fff0) switch
            {
                0x4100c050 => "Cortex-A5",
                0x4100c080 => "Cortex-A8",
                0x4100c090 => "Cortex-A9",
                0x4100c0f0 => "Cortex-A15",
                0x4100c140 => "Cortex-R4",
                0x4100c150 => "Cortex-R5",
                0x4100b360 => "ARM1136",
                0x4100b560 => "ARM1156",
                0x4100b760 => "ARM1176",
                0x4100b020 => "ARM11-MPCore",
                0x41009260 => "ARM926",
                0x41009460 => "ARM946",
                0x41009660 => "ARM966",
                0x5100d4d0 => "Krait",
                0x51000f00 => "Scorpion",
                _ => null,
            };
            builder.Append(' ').Append(part ?? string.Create(CultureInfo.InvariantCulture, $"part(0x{cpuid & 0xff00fff0:x})"));
        }

        if (ArmElfHwCaps is { } caps && caps != 0)
        {
            builder.Append(" features: ");
            var first = true;
            for (var bit = 0; bit < ArmHwCaps.Length; bit++)
            {
                if ((caps & (1u << bit)) != 0)
                {
                    builder.Append(first ? string.Empty : ",").Append(ArmHwCaps[bit]);
                    first = false;
                }
            }
        }

        return builder.ToString();
    }

    internal static MinidumpSystemInfo Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        if (data.Length < Size)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamSizeMismatch,
                $"the system info needs {Size} bytes, the stream has {data.Length}", entry.Location.Rva);
        }

        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian);
        var arch = reader.ReadUInt16();
        var level = reader.ReadUInt16();
        var revision = reader.ReadUInt16();
        var processors = reader.ReadByte();
        var productType = reader.ReadByte();
        var major = reader.ReadUInt32();
        var minor = reader.ReadUInt32();
        var build = reader.ReadUInt32();
        var platform = reader.ReadUInt32();
        var csdRva = reader.ReadUInt32();
        var suite = reader.ReadUInt16();
        reader.Skip(2);

        string? vendor = null, rawVendor = null;
        uint? version = null, features = null, amd = null, armId = null, armCaps = null;
        (ulong, ulong)? other = null;
        if (arch is 0 or 10)
        {
            var vendorBytes = reader.ReadBytes(12);
            var vendorEnd = vendorBytes.IndexOf((byte)0);
            // Three u32 registers (ebx, edx, ecx) whose little-endian bytes spell the vendor.
            Span<byte> ordered = stackalloc byte[12];
            vendorBytes.CopyTo(ordered);
            if (dump.IsBigEndian)
            {
                for (var i = 0; i < 12; i += 4)
                {
                    ordered.Slice(i, 4).Reverse();
                }
            }

            vendorEnd = ordered.IndexOf((byte)0);
            vendor = Encoding.ASCII.GetString(vendorEnd < 0 ? ordered : ordered[..vendorEnd]);
            rawVendor = Encoding.UTF8.GetString(ordered);
            version = reader.ReadUInt32();
            features = reader.ReadUInt32();
            amd = reader.ReadUInt32();
        }
        else if (arch == 5)
        {
            armId = reader.ReadUInt32();
            armCaps = reader.ReadUInt32();
        }
        else
        {
            other = (reader.ReadUInt64(), reader.ReadUInt64());
        }

        return new MinidumpSystemInfo(entry)
        {
            ProcessorArchitecture = arch,
            ProcessorLevel = level,
            ProcessorRevision = revision,
            NumberOfProcessors = processors,
            ProductType = productType,
            MajorVersion = major,
            MinorVersion = minor,
            BuildNumber = build,
            PlatformId = platform,
            CsdVersionRva = csdRva,
            CsdVersion = csdRva == 0 ? null : dump.ReadMinidumpString(csdRva),
            SuiteMask = suite,
            CpuVendor = vendor,
            RawCpuVendor = rawVendor,
            CpuVersionInformation = version,
            CpuFeatureInformation = features,
            AmdExtendedCpuFeatures = amd,
            ArmCpuId = armId,
            ArmElfHwCaps = armCaps,
            ProcessorFeatures = other,
        };
    }
}
