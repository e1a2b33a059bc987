using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>
/// A text stream: LinuxCpuInfo, LinuxProcStatus, LinuxLsbRelease, LinuxEnviron, MozLinuxLimits
/// or MozSoftErrors (the last must be valid UTF-8; it holds JSON).
/// </summary>
public sealed class MinidumpTextStream : MinidumpStream
{
    private MinidumpTextStream(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>The stream's bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; private init; }

    /// <summary>The text (invalid UTF-8 replaced, except in MozSoftErrors where it fails the stream).</summary>
    public string Text { get; private init; } = string.Empty;

    /// <summary>The separator of key/value lines: ':' for cpuinfo and status, '=' for lsb-release and environ; null otherwise.</summary>
    public char? Separator => StreamType switch
    {
        MinidumpStreamType.LinuxCpuInfo or MinidumpStreamType.LinuxProcStatus => ':',
        MinidumpStreamType.LinuxLsbRelease or MinidumpStreamType.LinuxEnviron => '=',
        _ => null,
    };

    /// <summary>The lines, split on <c>\n</c> (and on NUL in LinuxEnviron, whose entries are NUL-separated).</summary>
    public ImmutableArray<string> GetLines()
    {
        var separators = StreamType == MinidumpStreamType.LinuxEnviron ? "\n\0" : "\n";
        var builder = ImmutableArray.CreateBuilder<string>();
        var text = Text.AsSpan();
        while (!text.IsEmpty)
        {
            var end = text.IndexOfAny(separators);
            var line = end < 0 ? text : text[..end];
            builder.Add(line.ToString());
            text = end < 0 ? [] : text[(end + 1)..];
        }

        return builder.DrainToImmutable();
    }

    /// <summary>
    /// The key/value pairs, as rust-minidump reads them: each line split at its first separator,
    /// key and value trimmed, one pair of surrounding double quotes removed; lines without the
    /// separator are skipped. Empty for streams without a separator.
    /// </summary>
    public ImmutableArray<KeyValuePair<string, string>> GetKeyValuePairs()
    {
        if (Separator is not { } separator)
        {
            return [];
        }

        var builder = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        foreach (var line in GetLines())
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            builder.Add(new KeyValuePair<string, string>(Unquote(line.AsSpan(0, at)), Unquote(line.AsSpan(at + 1))));
        }

        return builder.DrainToImmutable();
    }

    private static string Unquote(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }

        return text.ToString();
    }

    internal static MinidumpTextStream Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var text = entry.StreamType == MinidumpStreamType.MozSoftErrors
            ? dump.DecodeUtf8Strict(memory.Span, entry.Location.Rva)
                ?? ThrowHelper.Throw<string>(MinidumpErrorKind.DataError, "the soft-errors stream is not UTF-8", entry.Location.Rva)
            : dump.DecodeUtf8Lossy(memory.Span, entry.Location.Rva);
        return new MinidumpTextStream(entry) { Data = memory, Text = text };
    }
}

/// <summary>LinuxCmdLine (0x47670006): the process's NUL-separated command line.</summary>
public sealed class MinidumpLinuxCommandLine : MinidumpStream
{
    private MinidumpLinuxCommandLine(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>The stream's bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; private init; }

    /// <summary>The arguments (a final empty one, after the last NUL, is not listed).</summary>
    public ImmutableArray<string> Arguments { get; private init; }

    internal static MinidumpLinuxCommandLine Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var builder = ImmutableArray.CreateBuilder<string>();
        var offset = 0;
        while (offset < data.Length)
        {
            var rest = data[offset..];
            var nul = rest.IndexOf((byte)0);
            var arg = nul < 0 ? rest : rest[..nul];
            builder.Add(dump.DecodeUtf8Lossy(arg, entry.Location.Rva + offset));
            offset += arg.Length + 1;
        }

        return new MinidumpLinuxCommandLine(entry) { Data = memory, Arguments = builder.DrainToImmutable() };
    }
}

/// <summary>One auxiliary-vector entry.</summary>
/// <param name="Type">AT_* type.</param>
/// <param name="Value">Value.</param>
public readonly record struct MinidumpAuxvEntry(ulong Type, ulong Value);

/// <summary>LinuxAuxv (0x47670008): the auxiliary vector, pairs of pointer-size words.</summary>
public sealed class MinidumpLinuxAuxv : MinidumpStream
{
    private MinidumpLinuxAuxv(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>Word size used: the CPU's pointer size, or 8 when the CPU is unknown.</summary>
    public int WordSize { get; private init; }

    /// <summary>The entries, in file order (the terminating AT_NULL included when present).</summary>
    public ImmutableArray<MinidumpAuxvEntry> Entries { get; private init; }

    internal static MinidumpLinuxAuxv Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var width = dump.CachedSystemInfo?.PointerSize is 4 ? 4 : 8;
        var data = memory.Span;
        var reader = new SpanReader(data, entry.Location.Rva, dump.IsBigEndian);
        var entries = new MinidumpAuxvEntry[data.Length / (2 * width)];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = width == 4
                ? new MinidumpAuxvEntry(reader.ReadUInt32(), reader.ReadUInt32())
                : new MinidumpAuxvEntry(reader.ReadUInt64(), reader.ReadUInt64());
        }

        return new MinidumpLinuxAuxv(entry)
        {
            WordSize = width,
            Entries = ImmutableCollectionsMarshal.AsImmutableArray(entries),
            Warnings = reader.Remaining == 0 ? [] : [$"{reader.Remaining} trailing bytes do not make a whole entry"],
        };
    }
}

/// <summary>One line of <c>/proc/self/maps</c>.</summary>
public sealed class MinidumpLinuxMapping
{
    internal MinidumpLinuxMapping()
    {
    }

    /// <summary>First address.</summary>
    public ulong StartAddress { get; internal init; }

    /// <summary>Address one past the last byte (exclusive).</summary>
    public ulong EndAddress { get; internal init; }

    /// <summary>Permissions as written (for example <c>r-xp</c>).</summary>
    public string Permissions { get; internal init; } = string.Empty;

    /// <summary>Offset into the mapped file.</summary>
    public ulong Offset { get; internal init; }

    /// <summary>Device as written (<c>major:minor</c>).</summary>
    public string Device { get; internal init; } = string.Empty;

    /// <summary>Inode.</summary>
    public ulong Inode { get; internal init; }

    /// <summary>Path or pseudo-path (<c>[stack]</c>, <c>[heap]</c>), or null for anonymous mappings.</summary>
    public string? Path { get; internal init; }

    /// <summary>Readable.</summary>
    public bool IsReadable => Permissions.Length > 0 && Permissions[0] == 'r';

    /// <summary>Writable.</summary>
    public bool IsWritable => Permissions.Length > 1 && Permissions[1] == 'w';

    /// <summary>Executable.</summary>
    public bool IsExecutable => Permissions.Length > 2 && Permissions[2] == 'x';

    /// <summary>Whether <paramref name="address"/> lies in <c>[StartAddress, EndAddress)</c>.</summary>
    public bool Contains(ulong address) => address >= StartAddress && address < EndAddress;
}

/// <summary>
/// LinuxMaps (0x47670009): <c>/proc/self/maps</c>, one mapping per line (end addresses exclusive).
/// A malformed line, or a range whose end precedes its start, fails the stream, as in rust-minidump.
/// </summary>
public sealed class MinidumpLinuxMaps : MinidumpStream
{
    private MinidumpLinuxMaps(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    private RangeIndex _index = RangeIndex.Empty;

    /// <summary>The mappings, in file order.</summary>
    public ImmutableArray<MinidumpLinuxMapping> Mappings { get; private init; }

    /// <summary>
    /// The mapping containing <paramref name="address"/>, or null. Ends are exclusive, so adjacent
    /// mappings (a guard page next to a stack) are both kept; overlapping ones resolve as for modules.
    /// </summary>
    public MinidumpLinuxMapping? FindMapping(ulong address)
    {
        var index = _index.Find(address);
        return index < 0 ? null : Mappings[index];
    }

    internal static MinidumpLinuxMaps Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var builder = ImmutableArray.CreateBuilder<MinidumpLinuxMapping>();
        var offset = 0;
        while (offset < data.Length)
        {
            var rest = data[offset..];
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            var lineOffset = entry.Location.Rva + offset;
            offset += line.Length + 1;
            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            // Like rust-minidump (procfs), one malformed line fails the stream.
            builder.Add(ParseLine(dump, line, lineOffset)
                ?? ThrowHelper.Throw<MinidumpLinuxMapping>(MinidumpErrorKind.DataError, "a maps line is malformed", lineOffset));
        }

        var mappings = builder.DrainToImmutable();
        var ranges = new List<(ulong, ulong, int)>(mappings.Length);
        for (var i = 0; i < mappings.Length; i++)
        {
            if (mappings[i].EndAddress > mappings[i].StartAddress)
            {
                ranges.Add((mappings[i].StartAddress, mappings[i].EndAddress - 1, i));
            }
        }

        return new MinidumpLinuxMaps(entry) { Mappings = mappings, _index = RangeIndex.Build([.. ranges]) };
    }

    private static MinidumpLinuxMapping? ParseLine(MinidumpFile dump, ReadOnlySpan<byte> line, long offset)
    {
        var range = NextField(ref line);
        var dash = range.IndexOf((byte)'-');
        if (dash < 0 || !TryHex(range[..dash], out var start) || !TryHex(range[(dash + 1)..], out var end) || end < start)
        {
            return null;
        }

        var permissions = NextField(ref line);
        var fileOffsetField = NextField(ref line);
        var device = NextField(ref line);
        var inodeField = NextField(ref line);
        if (permissions.Length != 4 || !TryHex(fileOffsetField, out var fileOffset) || device.IndexOf((byte)':') < 0
            || !ulong.TryParse(inodeField, NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
        {
            return null;
        }

        var path = line.Trim((byte)' ');
        return new MinidumpLinuxMapping
        {
            StartAddress = start,
            EndAddress = end,
            Permissions = dump.DecodeUtf8Lossy(permissions, offset),
            Offset = fileOffset,
            Device = dump.DecodeUtf8Lossy(device, offset),
            Inode = inode,
            Path = path.IsEmpty ? null : dump.DecodeUtf8Lossy(path, offset),
        };
    }

    private static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> line)
    {
        line = line.TrimStart((byte)' ');
        var space = line.IndexOf((byte)' ');
        var field = space < 0 ? line : line[..space];
        line = space < 0 ? [] : line[space..];
        return field;
    }

    private static bool TryHex(ReadOnlySpan<byte> text, out ulong value) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && !text.IsEmpty;
}

/// <summary>One link-map entry of LinuxDsoDebug: a loaded shared object.</summary>
/// <param name="LoadBias">l_addr: the difference between run-time and link-time addresses.</param>
/// <param name="Name">The path, or null when it cannot be read.</param>
/// <param name="Dynamic">l_ld: address of the object's dynamic section.</param>
public readonly record struct MinidumpLinkMap(ulong LoadBias, string? Name, ulong Dynamic);

/// <summary>LinuxDsoDebug (0x4767000a): the dynamic linker's <c>r_debug</c> and its link map.</summary>
public sealed class MinidumpLinuxDsoDebug : MinidumpStream
{
    private MinidumpLinuxDsoDebug(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>Whether the 64-bit layout was read (chosen by the CPU; 64-bit when unknown).</summary>
    public bool Is64Bit { get; private init; }

    /// <summary>r_version.</summary>
    public uint Version { get; private init; }

    /// <summary>File offset of the link-map array.</summary>
    public uint MapRva { get; private init; }

    /// <summary>Number of link-map entries.</summary>
    public uint DsoCount { get; private init; }

    /// <summary>r_brk.</summary>
    public ulong Brk { get; private init; }

    /// <summary>Base address of the dynamic loader.</summary>
    public ulong LoaderBase { get; private init; }

    /// <summary>Address of the executable's <c>_DYNAMIC</c>.</summary>
    public ulong Dynamic { get; private init; }

    /// <summary>The link map.</summary>
    public ImmutableArray<MinidumpLinkMap> LinkMaps { get; private init; }

    /// <summary>The copy of the <c>_DYNAMIC</c> section that follows the header.</summary>
    public ReadOnlyMemory<byte> DynamicSection { get; private init; }

    internal static MinidumpLinuxDsoDebug Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var is64 = dump.CachedSystemInfo?.PointerSize is not 4;
        var rva = entry.Location.Rva;
        var reader = new SpanReader(memory.Span, rva, dump.IsBigEndian, MinidumpErrorKind.StreamSizeMismatch);
        var version = reader.ReadUInt32();
        var map = reader.ReadUInt32();
        var count = reader.ReadUInt32();
        ulong brk, ldbase, dynamic;
        if (is64)
        {
            reader.Skip(4);
            (brk, ldbase, dynamic) = (reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64());
        }
        else
        {
            (brk, ldbase, dynamic) = (reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
        }

        var entrySize = is64 ? 24 : 12;
        if (!dump.TryGetRange(map, (ulong)count * (ulong)entrySize, out var mapStart, out var mapLength))
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamReadFailure, $"the link map of {count} entries at 0x{map:x} lies outside the file", rva + 4);
        }

        var mapReader = new SpanReader(dump.Span.Slice(mapStart, mapLength), mapStart, dump.IsBigEndian);
        var maps = new MinidumpLinkMap[count];
        for (var i = 0; i < maps.Length; i++)
        {
            ulong address, ld;
            uint nameRva;
            if (is64)
            {
                address = mapReader.ReadUInt64();
                nameRva = mapReader.ReadUInt32();
                mapReader.Skip(4);
                ld = mapReader.ReadUInt64();
            }
            else
            {
                address = mapReader.ReadUInt32();
                nameRva = mapReader.ReadUInt32();
                ld = mapReader.ReadUInt32();
            }

            maps[i] = new MinidumpLinkMap(address, nameRva == 0 ? null : dump.ReadMinidumpString(nameRva), ld);
        }

        return new MinidumpLinuxDsoDebug(entry)
        {
            Is64Bit = is64,
            Version = version,
            MapRva = map,
            DsoCount = count,
            Brk = brk,
            LoaderBase = ldbase,
            Dynamic = dynamic,
            LinkMaps = ImmutableCollectionsMarshal.AsImmutableArray(maps),
            DynamicSection = memory[reader.Position..],
        };
    }
}
