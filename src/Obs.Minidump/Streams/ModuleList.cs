using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>VS_FIXEDFILEINFO: a module's version resource.</summary>
/// <param name="Signature">0xfeef04bd when the structure is valid.</param>
/// <param name="StructVersion">0x00010000 when the structure is valid.</param>
/// <param name="FileVersionHigh">File version, high 32 bits.</param>
/// <param name="FileVersionLow">File version, low 32 bits.</param>
/// <param name="ProductVersionHigh">Product version, high 32 bits.</param>
/// <param name="ProductVersionLow">Product version, low 32 bits.</param>
/// <param name="FileFlagsMask">Valid bits of <paramref name="FileFlags"/>.</param>
/// <param name="FileFlags">VS_FF_* flags.</param>
/// <param name="FileOs">VOS_* value.</param>
/// <param name="FileType">VFT_* value.</param>
/// <param name="FileSubtype">VFT2_* value.</param>
/// <param name="FileDateHigh">File date, high 32 bits.</param>
/// <param name="FileDateLow">File date, low 32 bits.</param>
public readonly record struct MinidumpFixedFileInfo(
    uint Signature, uint StructVersion, uint FileVersionHigh, uint FileVersionLow, uint ProductVersionHigh,
    uint ProductVersionLow, uint FileFlagsMask, uint FileFlags, uint FileOs, uint FileType, uint FileSubtype,
    uint FileDateHigh, uint FileDateLow)
{
    /// <summary>The VS_FIXEDFILEINFO signature.</summary>
    public const uint ValidSignature = 0xfeef04bd;

    /// <summary>Whether the signature and structure version are the valid ones.</summary>
    public bool IsValid => Signature == ValidSignature && StructVersion == 0x10000;
}

/// <summary>The format of a module's CodeView record.</summary>
public enum MinidumpCodeViewFormat
{
    /// <summary>A record with a signature this library does not decode (NB09, NB11, ...).</summary>
    Unknown,
    /// <summary>PDB 7.0 (<c>RSDS</c>): GUID, age, PDB file name. Mach-O UUIDs use it too, with age 0.</summary>
    Pdb70,
    /// <summary>PDB 2.0 (<c>NB10</c>): timestamp signature, age, PDB file name.</summary>
    Pdb20,
    /// <summary>Breakpad ELF (<c>BpEL</c>): the GNU build id.</summary>
    Elf,
}

/// <summary>A module's CodeView record (the debug-file identity).</summary>
public sealed class MinidumpCodeView
{
    internal MinidumpCodeView(MinidumpCodeViewFormat format, uint signature, ReadOnlyMemory<byte> raw)
    {
        Format = format;
        Signature = signature;
        Raw = raw;
    }

    /// <summary>The record format.</summary>
    public MinidumpCodeViewFormat Format { get; }

    /// <summary>The first u32 of the record (0x53445352 RSDS, 0x3031424e NB10, 0x4270454c BpEL, ...).</summary>
    public uint Signature { get; }

    /// <summary>The whole record.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>PDB 7.0: the PDB GUID (the Mach-O UUID on Apple platforms).</summary>
    public Guid? PdbGuid { get; internal init; }

    /// <summary>PDB 2.0: the PDB timestamp signature.</summary>
    public uint? PdbSignature { get; internal init; }

    /// <summary>PDB 2.0: the CodeView offset (0 in minidumps).</summary>
    public uint? CvOffset { get; internal init; }

    /// <summary>PDB 7.0 and 2.0: the PDB age.</summary>
    public uint? Age { get; internal init; }

    /// <summary>PDB 7.0 and 2.0: the PDB file name up to its NUL.</summary>
    public string? PdbFileName { get; internal init; }

    /// <summary>ELF: the build id bytes.</summary>
    public ReadOnlyMemory<byte> BuildId { get; internal init; }
}

/// <summary>One MINIDUMP_MODULE, with its identity computed as rust-minidump does.</summary>
public sealed class MinidumpModule
{
    internal MinidumpModule()
    {
    }

    /// <summary>Position in the module list stream as written (dropped modules included).</summary>
    public int RawIndex { get; internal init; }

    /// <summary>Load address.</summary>
    public ulong BaseAddress { get; internal init; }

    /// <summary>Mapped size in bytes.</summary>
    public uint Size { get; internal init; }

    /// <summary>Address one past the module's last byte.</summary>
    public ulong EndAddress => BaseAddress + Size;

    /// <summary>PE checksum (0 if unknown).</summary>
    public uint Checksum { get; internal init; }

    /// <summary>PE link timestamp.</summary>
    public uint TimeDateStamp { get; internal init; }

    /// <summary>File offset of the module name string.</summary>
    public uint ModuleNameRva { get; internal init; }

    /// <summary>The version resource.</summary>
    public MinidumpFixedFileInfo VersionInfo { get; internal init; }

    /// <summary>Where the CodeView record is.</summary>
    public MinidumpLocation CvRecordLocation { get; internal init; }

    /// <summary>Where the (obsolete) IMAGE_DEBUG_MISC record is.</summary>
    public MinidumpLocation MiscRecordLocation { get; internal init; }

    /// <summary>The CodeView record, or null when the module has none.</summary>
    public MinidumpCodeView? CodeView { get; internal init; }

    /// <summary>The IMAGE_DEBUG_MISC record's bytes (not interpreted), or empty.</summary>
    public ReadOnlyMemory<byte> MiscRecord { get; internal init; }

    /// <summary>The module's full path as recorded (the code file).</summary>
    public string CodeFile { get; internal init; } = string.Empty;

    /// <summary>
    /// The code id: PE <c>timestamp(%08x) + size(%x)</c> on Windows, the ELF build id in hex, the
    /// Mach-O UUID on macOS/iOS; lowercase; null when there is none.
    /// </summary>
    public string? CodeId { get; internal init; }

    /// <summary>The debug file: the PDB name recorded in CodeView, or the code file for ELF; null when unknown.</summary>
    public string? DebugFile { get; internal init; }

    /// <summary>The Breakpad debug id: uppercase GUID followed by the age in lowercase hex; null when unknown.</summary>
    public string? DebugId { get; internal init; }

    /// <summary>The version string from the version resource, or null when it is not valid.</summary>
    public string? Version { get; internal init; }

    /// <summary>Whether <paramref name="address"/> lies in <c>[BaseAddress, EndAddress)</c>.</summary>
    public bool Contains(ulong address) => address >= BaseAddress && address - BaseAddress < Size;
}

/// <summary>ModuleListStream (4): the loaded modules.</summary>
public sealed class MinidumpModuleList : MinidumpStream
{
    private const int EntrySize = 108;
    private const uint Rsds = 0x53445352;
    private const uint Nb10 = 0x3031424e;
    private const uint BpEl = 0x4270454c;

    private RangeIndex _index = RangeIndex.Empty;

    private MinidumpModuleList(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>The modules, in file order, without the ones dropped for a zero or overflowing size.</summary>
    public ImmutableArray<MinidumpModule> Modules { get; private set; }

    /// <summary>The main module: the first one, as in rust-minidump; null for an empty list.</summary>
    public MinidumpModule? MainModule => Modules.IsEmpty ? null : Modules[0];

    /// <summary>
    /// The module containing <paramref name="address"/>, or null. Overlaps are resolved as
    /// rust-minidump does: modules sorted by base address, a module overlapping one already kept is ignored.
    /// </summary>
    public MinidumpModule? FindModule(ulong address)
    {
        var index = _index.Find(address);
        return index < 0 ? null : Modules[index];
    }

    internal static MinidumpModuleList Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var (start, count) = ListLayout.Classic(data, entry.Location.Rva, dump.IsBigEndian, EntrySize);
        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian) { Position = start };
        var os = dump.CachedSystemInfo?.Os ?? MinidumpOs.Unknown;
        var modules = new List<MinidumpModule>(count);
        var warnings = default(WarningCollector);
        var names = new Dictionary<uint, string>();
        for (var i = 0; i < count; i++)
        {
            var entryOffset = reader.FileOffset;
            var baseAddress = reader.ReadUInt64();
            var size = reader.ReadUInt32();
            var checksum = reader.ReadUInt32();
            var timestamp = reader.ReadUInt32();
            var nameRva = reader.ReadUInt32();
            var version = new MinidumpFixedFileInfo(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(),
                reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(),
                reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
            var cv = new MinidumpLocation(reader.ReadUInt32(), reader.ReadUInt32());
            var misc = new MinidumpLocation(reader.ReadUInt32(), reader.ReadUInt32());
            reader.Skip(16);

            if (size == 0 || baseAddress > ulong.MaxValue - size)
            {
                warnings.Add($"module {i} at 0x{baseAddress:x} has an invalid size 0x{size:x}; dropped");
                continue;
            }

            // Writers often share one name string between entries; decode it once.
            if (!names.TryGetValue(nameRva, out var name))
            {
                name = dump.ReadMinidumpString(nameRva)
                    ?? ThrowHelper.Throw<string>(MinidumpErrorKind.CodeViewReadFailure,
                        $"the name of module {i} (at 0x{nameRva:x}) cannot be read", entryOffset + 20);
                names[nameRva] = name;
            }

            var codeView = ReadCodeView(dump, cv, i, entryOffset + 76);
            ReadOnlyMemory<byte> miscBytes = default;
            if (misc.DataSize != 0 && dump.TryGetRange(misc.Rva, misc.DataSize, out var ms, out var ml))
            {
                miscBytes = dump.Data.Slice(ms, ml);
            }

            modules.Add(new MinidumpModule
            {
                RawIndex = i,
                BaseAddress = baseAddress,
                Size = size,
                Checksum = checksum,
                TimeDateStamp = timestamp,
                ModuleNameRva = nameRva,
                VersionInfo = version,
                CvRecordLocation = cv,
                MiscRecordLocation = misc,
                CodeView = codeView,
                MiscRecord = miscBytes,
                CodeFile = name,
                CodeId = ComputeCodeId(codeView, os, timestamp, size),
                DebugFile = codeView?.Format switch
                {
                    MinidumpCodeViewFormat.Pdb70 or MinidumpCodeViewFormat.Pdb20 => codeView.PdbFileName,
                    MinidumpCodeViewFormat.Elf => name,
                    _ => null,
                },
                DebugId = ComputeDebugId(codeView, dump.IsBigEndian),
                Version = FormatVersion(version, os),
            });
        }

        var list = new MinidumpModuleList(entry) { Warnings = warnings.ToList() };
        list.Modules = [.. modules];
        var ranges = new (ulong, ulong, int)[modules.Count];
        for (var i = 0; i < ranges.Length; i++)
        {
            ranges[i] = (modules[i].BaseAddress, modules[i].EndAddress - 1, i);
        }

        list._index = RangeIndex.Build(ranges);
        return list;
    }

    /// <summary>The version text: <c>a.b.c.d</c> from the file version on Windows and Apple platforms, file+product words elsewhere.</summary>
    internal static string? FormatVersion(MinidumpFixedFileInfo info, MinidumpOs os)
    {
        if (!info.IsValid)
        {
            return null;
        }

        return os is MinidumpOs.Windows or MinidumpOs.MacOs or MinidumpOs.Ios
            ? string.Create(CultureInfo.InvariantCulture,
                $"{info.FileVersionHigh >> 16}.{info.FileVersionHigh & 0xffff}.{info.FileVersionLow >> 16}.{info.FileVersionLow & 0xffff}")
            : string.Create(CultureInfo.InvariantCulture,
                $"{info.FileVersionHigh}.{info.FileVersionLow}.{info.ProductVersionHigh}.{info.ProductVersionLow}");
    }

    private static MinidumpCodeView? ReadCodeView(MinidumpFile dump, MinidumpLocation location, int index, long pointerOffset)
    {
        if (location.DataSize == 0)
        {
            return null;
        }

        if (!dump.TryGetRange(location.Rva, location.DataSize, out var start, out var length))
        {
            return ThrowHelper.Throw<MinidumpCodeView>(MinidumpErrorKind.CodeViewReadFailure,
                $"the CodeView record of module {index} ({location.DataSize} bytes at 0x{location.Rva:x}) lies outside the file", pointerOffset);
        }

        var raw = dump.Data.Slice(start, length);
        var reader = new SpanReader(raw.Span, start, dump.IsBigEndian, MinidumpErrorKind.CodeViewReadFailure);
        var signature = reader.ReadUInt32();
        switch (signature)
        {
            case Rsds:
                {
                    var guid = reader.ReadGuid();
                    var age = reader.ReadUInt32();
                    return new MinidumpCodeView(MinidumpCodeViewFormat.Pdb70, signature, raw)
                    {
                        PdbGuid = guid,
                        Age = age,
                        PdbFileName = dump.DecodeUtf8UntilNul(raw.Span[24..], start + 24),
                    };
                }

            case Nb10:
                {
                    var cvOffset = reader.ReadUInt32();
                    var pdbSignature = reader.ReadUInt32();
                    var age = reader.ReadUInt32();
                    return new MinidumpCodeView(MinidumpCodeViewFormat.Pdb20, signature, raw)
                    {
                        CvOffset = cvOffset,
                        PdbSignature = pdbSignature,
                        Age = age,
                        PdbFileName = dump.DecodeUtf8UntilNul(raw.Span[16..], start + 16),
                    };
                }

            case BpEl:
                return new MinidumpCodeView(MinidumpCodeViewFormat.Elf, signature, raw) { BuildId = raw[4..] };
            default:
                return new MinidumpCodeView(MinidumpCodeViewFormat.Unknown, signature, raw);
        }
    }

    private static string? ComputeCodeId(MinidumpCodeView? codeView, MinidumpOs os, uint timestamp, uint size)
    {
        switch (codeView?.Format)
        {
            case MinidumpCodeViewFormat.Pdb70 when os is MinidumpOs.MacOs or MinidumpOs.Ios:
                return codeView.PdbGuid!.Value.ToString("N");
            case MinidumpCodeViewFormat.Pdb70 or MinidumpCodeViewFormat.Pdb20:
                return PeCodeId(timestamp, size);
            case MinidumpCodeViewFormat.Elf:
                var buildId = codeView.BuildId.Span;
                return buildId.IndexOfAnyExcept((byte)0) < 0 ? null : Convert.ToHexStringLower(buildId);
            case null when os == MinidumpOs.Windows:
                return PeCodeId(timestamp, size);
            default:
                return null;
        }
    }

    internal static string PeCodeId(uint timestamp, uint size) =>
        string.Create(CultureInfo.InvariantCulture, $"{timestamp:x8}{size:x}");

    private static string? ComputeDebugId(MinidumpCodeView? codeView, bool bigEndian)
    {
        switch (codeView?.Format)
        {
            case MinidumpCodeViewFormat.Pdb70:
                var guid = codeView.PdbGuid!.Value;
                return guid == Guid.Empty ? null : FormatDebugId(guid, codeView.Age!.Value);
            case MinidumpCodeViewFormat.Pdb20:
                return string.Create(CultureInfo.InvariantCulture, $"{codeView.PdbSignature!.Value:X8}{codeView.Age!.Value:x}");
            case MinidumpCodeViewFormat.Elf:
                var buildId = codeView.BuildId.Span;
                if (buildId.IndexOfAnyExcept((byte)0) < 0)
                {
                    return null;
                }

                Span<byte> bytes = stackalloc byte[16];
                bytes.Clear();
                buildId[..Math.Min(16, buildId.Length)].CopyTo(bytes);
                return FormatDebugId(new Guid(bytes, bigEndian), 0);
            default:
                return null;
        }
    }

    private static string FormatDebugId(Guid guid, uint age)
    {
        Span<char> buffer = stackalloc char[40];
        guid.TryFormat(buffer, out var written, "N");
        for (var i = 0; i < written; i++)
        {
            buffer[i] = char.ToUpperInvariant(buffer[i]);
        }

        age.TryFormat(buffer[written..], out var ageWritten, "x", CultureInfo.InvariantCulture);
        return new string(buffer[..(written + ageWritten)]);
    }
}

/// <summary>One MINIDUMP_UNLOADED_MODULE.</summary>
public sealed class MinidumpUnloadedModule
{
    internal MinidumpUnloadedModule()
    {
    }

    /// <summary>Load address.</summary>
    public ulong BaseAddress { get; internal init; }

    /// <summary>Mapped size in bytes.</summary>
    public uint Size { get; internal init; }

    /// <summary>Address one past the module's last byte.</summary>
    public ulong EndAddress => BaseAddress + Size;

    /// <summary>PE checksum.</summary>
    public uint Checksum { get; internal init; }

    /// <summary>PE link timestamp.</summary>
    public uint TimeDateStamp { get; internal init; }

    /// <summary>File offset of the name string.</summary>
    public uint ModuleNameRva { get; internal init; }

    /// <summary>The module's full path (the code file).</summary>
    public string CodeFile { get; internal init; } = string.Empty;

    /// <summary>The code id, always <c>timestamp(%08x) + size(%x)</c>, as rust-minidump computes it.</summary>
    public string CodeId => MinidumpModuleList.PeCodeId(TimeDateStamp, Size);

    /// <summary>Whether <paramref name="address"/> lies in <c>[BaseAddress, EndAddress)</c>.</summary>
    public bool Contains(ulong address) => address >= BaseAddress && address - BaseAddress < Size;
}

/// <summary>UnloadedModuleListStream (14): modules that were unloaded before the crash.</summary>
public sealed class MinidumpUnloadedModuleList : MinidumpStream
{
    private const int EntrySize = 24;
    private ImmutableArray<MinidumpUnloadedModule> _sorted;

    private MinidumpUnloadedModuleList(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>The unloaded modules, in file order.</summary>
    public ImmutableArray<MinidumpUnloadedModule> Modules { get; private set; }

    /// <summary>Every unloaded module containing <paramref name="address"/>, by base address (they may overlap).</summary>
    public ImmutableArray<MinidumpUnloadedModule> FindModules(ulong address)
    {
        var builder = ImmutableArray.CreateBuilder<MinidumpUnloadedModule>();
        foreach (var module in _sorted)
        {
            if (module.Contains(address))
            {
                builder.Add(module);
            }
        }

        return builder.ToImmutable();
    }

    internal static MinidumpUnloadedModuleList Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var (start, count) = ListLayout.Extended(data, entry.Location.Rva, dump.IsBigEndian, EntrySize);
        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian) { Position = start };
        var modules = new MinidumpUnloadedModule[count];
        for (var i = 0; i < modules.Length; i++)
        {
            var entryOffset = reader.FileOffset;
            var baseAddress = reader.ReadUInt64();
            var size = reader.ReadUInt32();
            var checksum = reader.ReadUInt32();
            var timestamp = reader.ReadUInt32();
            var nameRva = reader.ReadUInt32();
            if (size == 0 || baseAddress > ulong.MaxValue - size)
            {
                ThrowHelper.Throw(MinidumpErrorKind.ModuleReadFailure,
                    $"unloaded module {i} at 0x{baseAddress:x} has an invalid size 0x{size:x}", entryOffset + 8);
            }

            modules[i] = new MinidumpUnloadedModule
            {
                BaseAddress = baseAddress,
                Size = size,
                Checksum = checksum,
                TimeDateStamp = timestamp,
                ModuleNameRva = nameRva,
                CodeFile = dump.ReadMinidumpString(nameRva) ?? ThrowHelper.Throw<string>(MinidumpErrorKind.ModuleReadFailure,
                    $"the name of unloaded module {i} (at 0x{nameRva:x}) cannot be read", entryOffset + 20),
            };
        }

        var sorted = (MinidumpUnloadedModule[])modules.Clone();
        Array.Sort(sorted, static (a, b) => a.BaseAddress.CompareTo(b.BaseAddress));
        return new MinidumpUnloadedModuleList(entry)
        {
            Modules = ImmutableCollectionsMarshal.AsImmutableArray(modules),
            _sorted = ImmutableCollectionsMarshal.AsImmutableArray(sorted),
        };
    }
}
