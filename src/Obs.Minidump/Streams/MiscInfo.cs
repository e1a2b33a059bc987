using System.Collections.Immutable;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>SYSTEMTIME: eight u16 fields.</summary>
/// <param name="Year">Year.</param>
/// <param name="Month">Month (1–12).</param>
/// <param name="DayOfWeek">Day of the week (0 = Sunday).</param>
/// <param name="Day">Day of the month, or the week number in time-zone rules.</param>
/// <param name="Hour">Hour.</param>
/// <param name="Minute">Minute.</param>
/// <param name="Second">Second.</param>
/// <param name="Milliseconds">Milliseconds.</param>
public readonly record struct MinidumpSystemTime(ushort Year, ushort Month, ushort DayOfWeek, ushort Day,
    ushort Hour, ushort Minute, ushort Second, ushort Milliseconds);

/// <summary>TIME_ZONE_INFORMATION of MISC_INFO 3 and later.</summary>
/// <param name="Bias">Minutes to add to local time to get UTC.</param>
/// <param name="StandardName">Name of standard time.</param>
/// <param name="StandardDate">When standard time starts.</param>
/// <param name="StandardBias">Extra bias during standard time.</param>
/// <param name="DaylightName">Name of daylight time.</param>
/// <param name="DaylightDate">When daylight time starts.</param>
/// <param name="DaylightBias">Extra bias during daylight time.</param>
public sealed record MinidumpTimeZone(int Bias, string StandardName, MinidumpSystemTime StandardDate, int StandardBias,
    string DaylightName, MinidumpSystemTime DaylightDate, int DaylightBias);

/// <summary>One enabled XSTATE feature: where it lies in an extended context.</summary>
/// <param name="Index">Feature number (0 legacy FP, 1 legacy SSE, 2 AVX, ...).</param>
/// <param name="Offset">Offset of the feature's data.</param>
/// <param name="Size">Size of the feature's data.</param>
public readonly record struct MinidumpXStateFeature(int Index, uint Offset, uint Size);

/// <summary>XSTATE_CONFIG_FEATURE_MSC_INFO of MISC_INFO 5.</summary>
/// <param name="SizeOfInfo">Structure size as written.</param>
/// <param name="ContextSize">Size of an extended context.</param>
/// <param name="EnabledFeatures">Bit i set: feature i is valid.</param>
/// <param name="Features">The enabled features.</param>
public sealed record MinidumpXStateConfig(uint SizeOfInfo, uint ContextSize, ulong EnabledFeatures,
    ImmutableArray<MinidumpXStateFeature> Features);

/// <summary>
/// MiscInfoStream (15): MINIDUMP_MISC_INFO versions 1–5. The version is chosen by the stream's
/// length; a field is non-null only when its version is present and its flag is set in <see cref="Flags1"/>.
/// </summary>
public sealed class MinidumpMiscInfo : MinidumpStream
{
    private MinidumpMiscInfo(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>The structure version read (1–5), chosen by the stream length.</summary>
    public int Version { get; private init; }

    /// <summary>size_of_info as written.</summary>
    public uint SizeOfInfo { get; private init; }

    /// <summary>Which fields are valid.</summary>
    public uint Flags1 { get; private init; }

    /// <summary>Process id (flag 0x1).</summary>
    public uint? ProcessId { get; private init; }

    /// <summary>Process creation time as a <c>time_t</c> (flag 0x2).</summary>
    public uint? ProcessCreateTime { get; private init; }

    /// <summary>User time in seconds (flag 0x2).</summary>
    public uint? ProcessUserTime { get; private init; }

    /// <summary>Kernel time in seconds (flag 0x2).</summary>
    public uint? ProcessKernelTime { get; private init; }

    /// <summary>Maximum processor MHz (v2+, flag 0x4).</summary>
    public uint? ProcessorMaxMhz { get; private init; }

    /// <summary>Current processor MHz (v2+, flag 0x4).</summary>
    public uint? ProcessorCurrentMhz { get; private init; }

    /// <summary>Processor MHz limit (v2+, flag 0x4).</summary>
    public uint? ProcessorMhzLimit { get; private init; }

    /// <summary>Deepest idle state (v2+, flag 0x4).</summary>
    public uint? ProcessorMaxIdleState { get; private init; }

    /// <summary>Current idle state (v2+, flag 0x4).</summary>
    public uint? ProcessorCurrentIdleState { get; private init; }

    /// <summary>Integrity level (v3+, flag 0x10).</summary>
    public uint? ProcessIntegrityLevel { get; private init; }

    /// <summary>Execute flags (v3+, flag 0x20).</summary>
    public uint? ProcessExecuteFlags { get; private init; }

    /// <summary>Protected process (v3+, flag 0x80).</summary>
    public uint? ProtectedProcess { get; private init; }

    /// <summary>Time-zone id (v3+, flag 0x40).</summary>
    public uint? TimeZoneId { get; private init; }

    /// <summary>Time zone (v3+, flag 0x40).</summary>
    public MinidumpTimeZone? TimeZone { get; private init; }

    /// <summary>OS build string (v4+, flag 0x100).</summary>
    public string? BuildString { get; private init; }

    /// <summary>Debugger build string (v4+, flag 0x100).</summary>
    public string? DebugBuildString { get; private init; }

    /// <summary>XSTATE configuration (v5+; not gated by a flag).</summary>
    public MinidumpXStateConfig? XStateData { get; private init; }

    /// <summary>Process cookie (v5+, flag 0x200).</summary>
    public uint? ProcessCookie { get; private init; }

    internal static MinidumpMiscInfo Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var version = data.Length switch
        {
            >= 1364 => 5,
            >= 832 => 4,
            >= 232 => 3,
            >= 44 => 2,
            >= 24 => 1,
            _ => ThrowHelper.Throw<int>(MinidumpErrorKind.StreamReadFailure,
                $"MISC_INFO needs at least 24 bytes, the stream has {data.Length}", entry.Location.Rva),
        };
        var rva = entry.Location.Rva;
        var reader = new SpanReader(data, rva, dump.IsBigEndian);
        var size = reader.ReadUInt32();
        var flags = reader.ReadUInt32();
        uint? Gate(uint value, uint flag) => (flags & flag) != 0 ? value : null;

        var pid = Gate(reader.ReadUInt32(), 0x1);
        var create = Gate(reader.ReadUInt32(), 0x2);
        var user = Gate(reader.ReadUInt32(), 0x2);
        var kernel = Gate(reader.ReadUInt32(), 0x2);
        uint? maxMhz = null, curMhz = null, limitMhz = null, maxIdle = null, curIdle = null;
        uint? integrity = null, execute = null, protectedProcess = null, tzId = null, cookie = null;
        MinidumpTimeZone? timeZone = null;
        string? build = null, debugBuild = null;
        MinidumpXStateConfig? xstate = null;
        if (version >= 2)
        {
            maxMhz = Gate(reader.ReadUInt32(), 0x4);
            curMhz = Gate(reader.ReadUInt32(), 0x4);
            limitMhz = Gate(reader.ReadUInt32(), 0x4);
            maxIdle = Gate(reader.ReadUInt32(), 0x4);
            curIdle = Gate(reader.ReadUInt32(), 0x4);
        }

        if (version >= 3)
        {
            integrity = Gate(reader.ReadUInt32(), 0x10);
            execute = Gate(reader.ReadUInt32(), 0x20);
            protectedProcess = Gate(reader.ReadUInt32(), 0x80);
            tzId = Gate(reader.ReadUInt32(), 0x40);
            var bias = reader.ReadInt32();
            var standardName = dump.DecodeUtf16UntilNul(reader.ReadBytes(64), reader.FileOffset - 64);
            var standardDate = ReadSystemTime(ref reader);
            var standardBias = reader.ReadInt32();
            var daylightName = dump.DecodeUtf16UntilNul(reader.ReadBytes(64), reader.FileOffset - 64);
            var daylightDate = ReadSystemTime(ref reader);
            var daylightBias = reader.ReadInt32();
            if ((flags & 0x40) != 0)
            {
                timeZone = new MinidumpTimeZone(bias, standardName, standardDate, standardBias, daylightName, daylightDate, daylightBias);
            }
        }

        if (version >= 4)
        {
            var buildBytes = reader.ReadBytes(520);
            var debugBytes = reader.ReadBytes(80);
            if ((flags & 0x100) != 0)
            {
                build = dump.DecodeUtf16UntilNul(buildBytes, rva + 232);
                debugBuild = dump.DecodeUtf16UntilNul(debugBytes, rva + 752);
            }
        }

        if (version >= 5)
        {
            var sizeOfInfo = reader.ReadUInt32();
            var contextSize = reader.ReadUInt32();
            var enabled = reader.ReadUInt64();
            var features = ImmutableArray.CreateBuilder<MinidumpXStateFeature>();
            for (var i = 0; i < 64; i++)
            {
                var offset = reader.ReadUInt32();
                var featureSize = reader.ReadUInt32();
                if ((enabled & (1UL << i)) != 0)
                {
                    features.Add(new MinidumpXStateFeature(i, offset, featureSize));
                }
            }

            xstate = new MinidumpXStateConfig(sizeOfInfo, contextSize, enabled, features.ToImmutable());
            cookie = Gate(reader.ReadUInt32(), 0x200);
        }

        return new MinidumpMiscInfo(entry)
        {
            Version = version,
            SizeOfInfo = size,
            Flags1 = flags,
            ProcessId = pid,
            ProcessCreateTime = create,
            ProcessUserTime = user,
            ProcessKernelTime = kernel,
            ProcessorMaxMhz = maxMhz,
            ProcessorCurrentMhz = curMhz,
            ProcessorMhzLimit = limitMhz,
            ProcessorMaxIdleState = maxIdle,
            ProcessorCurrentIdleState = curIdle,
            ProcessIntegrityLevel = integrity,
            ProcessExecuteFlags = execute,
            ProtectedProcess = protectedProcess,
            TimeZoneId = tzId,
            TimeZone = timeZone,
            BuildString = build,
            DebugBuildString = debugBuild,
            XStateData = xstate,
            ProcessCookie = cookie,
        };
    }

    private static MinidumpSystemTime ReadSystemTime(ref SpanReader reader) => new(
        reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadUInt16(),
        reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadUInt16());
}
