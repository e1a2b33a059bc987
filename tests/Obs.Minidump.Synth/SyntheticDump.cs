using System.Buffers.Binary;
using System.Text;

namespace Obs.Minidump.Synth;

/// <summary>
/// Writes minidumps for tests: any stream, any CPU context, in either byte order. Streams and the
/// data they point at are appended in order; the directory goes last (as rust-minidump's synth
/// writer does), so every RVA is known when a structure is written.
/// </summary>
public sealed partial class SyntheticDump
{
    private readonly List<byte> _bytes = [];
    private readonly List<(uint Type, uint Size, uint Rva)> _directory = [];

    public SyntheticDump(bool bigEndian = false)
    {
        BigEndian = bigEndian;
        _bytes.AddRange(new byte[32]);
    }

    public bool BigEndian { get; }

    public uint Version { get; set; } = 0xa793;

    public uint TimeDateStamp { get; set; } = 0x4b44e13d;

    /// <summary>Position where the next appended bytes go.</summary>
    public uint Position => (uint)_bytes.Count;

    /// <summary>Starts a structure in the dump's byte order.</summary>
    public Block NewBlock() => new(BigEndian);

    /// <summary>Appends raw bytes; returns their RVA.</summary>
    public uint Append(ReadOnlySpan<byte> bytes)
    {
        var rva = Position;
        _bytes.AddRange(bytes.ToArray());
        return rva;
    }

    public uint Append(Block block) => Append(block.ToArray());

    /// <summary>Appends a MINIDUMP_STRING (length, UTF-16 in the dump's byte order, NUL); returns its RVA.</summary>
    public uint AppendString(string text)
    {
        var utf16 = BigEndian ? Encoding.BigEndianUnicode.GetBytes(text) : Encoding.Unicode.GetBytes(text);
        return Append(NewBlock().U32((uint)utf16.Length).Bytes(utf16).U16(0));
    }

    /// <summary>Appends a Crashpad MinidumpUTF8String (length, bytes, NUL); returns its RVA.</summary>
    public uint AppendUtf8(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return Append(NewBlock().U32((uint)utf8.Length).Bytes(utf8).U8(0));
    }

    /// <summary>Appends a stream's bytes and a directory entry for them.</summary>
    public SyntheticDump AddStream(MinidumpStreamType type, ReadOnlySpan<byte> data)
    {
        var rva = Append(data);
        _directory.Add(((uint)type, (uint)data.Length, rva));
        return this;
    }

    public SyntheticDump AddStream(MinidumpStreamType type, Block block) => AddStream(type, block.ToArray());

    /// <summary>Adds a directory entry with any location (for out-of-range tests).</summary>
    public SyntheticDump AddEntry(MinidumpStreamType type, uint size, uint rva)
    {
        _directory.Add(((uint)type, size, rva));
        return this;
    }

    public byte[] Build()
    {
        var directoryRva = Position;
        var bytes = new List<byte>(_bytes);
        foreach (var (type, size, rva) in _directory)
        {
            bytes.AddRange(NewBlock().U32(type).U32(size).U32(rva).ToArray());
        }

        var header = NewBlock().U32(MinidumpFile.Signature).U32(Version).U32((uint)_directory.Count).U32(directoryRva)
            .U32(0).U32(TimeDateStamp).U64(0).ToArray();
        for (var i = 0; i < header.Length; i++)
        {
            bytes[i] = header[i];
        }

        return [.. bytes];
    }

    public MinidumpFile Read() => MinidumpFile.Read(Build());

    // ---- common streams ----

    /// <summary>A SystemInfo stream for an architecture and platform.</summary>
    public SyntheticDump AddSystemInfo(ushort architecture, uint platform, string? csd = null, uint major = 10, uint minor = 0, uint build = 19041,
        ushort level = 6, ushort revision = 0x9e0a, byte processors = 4)
    {
        var csdRva = csd is null ? 0 : AppendString(csd);
        var block = NewBlock().U16(architecture).U16(level).U16(revision).U8(processors).U8(1).U32(major).U32(minor).U32(build)
            .U32(platform).U32(csdRva).U16(0).U16(0);
        if (architecture is 0 or 10)
        {
            // The vendor words hold the bytes in string order whatever the dump's byte order.
            var vendor = Encoding.ASCII.GetBytes("GenuineIntel");
            for (var i = 0; i < 12; i += 4)
            {
                block.U32(BinaryPrimitives.ReadUInt32LittleEndian(vendor.AsSpan(i)));
            }

            block.U32(0x906ea).U32(0xbfebfbff).U32(0);
        }
        else if (architecture == 5)
        {
            block.U32(0x4100c090).U32(0x1007).U64(0).U64(0);
        }
        else
        {
            block.U64(0).U64(0).U64(0);
        }

        return AddStream(MinidumpStreamType.SystemInfo, block);
    }

    /// <summary>Architecture value of a context format.</summary>
    public static ushort Architecture(MinidumpContextFormat format) => format switch
    {
        MinidumpContextFormat.X86 => 0,
        MinidumpContextFormat.Amd64 => 9,
        MinidumpContextFormat.Arm => 5,
        MinidumpContextFormat.Arm64 => 12,
        _ => 0x8003,
    };

    /// <summary>Canonical register offsets and widths per layout (the reference tables).</summary>
    public static (int Size, int Width, uint Flags, Dictionary<string, int> Offsets) Layout(MinidumpContextFormat format)
    {
        switch (format)
        {
            case MinidumpContextFormat.X86:
                return (716, 4, 0x1003f, new()
                {
                    ["eip"] = 184,
                    ["esp"] = 196,
                    ["ebp"] = 180,
                    ["ebx"] = 164,
                    ["esi"] = 160,
                    ["edi"] = 156,
                    ["eax"] = 176,
                    ["ecx"] = 172,
                    ["edx"] = 168,
                    ["eflags"] = 192,
                });
            case MinidumpContextFormat.Amd64:
                var amd64 = new Dictionary<string, int>
                {
                    ["rax"] = 120,
                    ["rcx"] = 128,
                    ["rdx"] = 136,
                    ["rbx"] = 144,
                    ["rsp"] = 152,
                    ["rbp"] = 160,
                    ["rsi"] = 168,
                    ["rdi"] = 176,
                    ["rip"] = 248,
                };
                for (var i = 8; i <= 15; i++)
                {
                    amd64["r" + i] = 184 + ((i - 8) * 8);
                }

                return (1232, 8, 0x10001f, amd64);
            case MinidumpContextFormat.Arm:
                var arm = new Dictionary<string, int> { ["r12"] = 52, ["fp"] = 48, ["sp"] = 56, ["lr"] = 60, ["pc"] = 64 };
                for (var i = 0; i <= 10; i++)
                {
                    arm["r" + i] = 4 + (4 * i);
                }

                return (368, 4, 0x40000006, arm);
            default:
                var arm64 = new Dictionary<string, int> { ["fp"] = 240, ["lr"] = 248, ["sp"] = 256, ["pc"] = 264 };
                for (var i = 0; i <= 28; i++)
                {
                    arm64["x" + i] = 8 + (8 * i);
                }

                return format == MinidumpContextFormat.Arm64 ? (912, 8, 0x40001f, arm64) : (796, 8, 0x80000006, arm64);
        }
    }

    /// <summary>A context whose register i (in <see cref="Layout"/> order) holds <c>seed + i × 0x1111</c>; returns its RVA and size.</summary>
    public (uint Rva, uint Size) AppendContext(MinidumpContextFormat format, ulong seed, uint? flags = null, int extra = 0)
    {
        var (size, width, defaultFlags, offsets) = Layout(format);
        var bytes = new byte[size + extra];
        var block = NewBlock();
        if (format == MinidumpContextFormat.Arm64Old)
        {
            Put(bytes, 0, 8, flags ?? defaultFlags);
        }
        else
        {
            Put(bytes, format == MinidumpContextFormat.Amd64 ? 48 : 0, 4, flags ?? defaultFlags);
        }

        var i = 0;
        foreach (var (_, offset) in offsets.OrderBy(p => p.Value))
        {
            Put(bytes, offset, width, RegisterValue(seed, i++, width));
        }

        return (Append(bytes), (uint)bytes.Length);
    }

    /// <summary>The value <see cref="AppendContext"/> writes for register <paramref name="name"/>.</summary>
    public static ulong ExpectedRegister(MinidumpContextFormat format, ulong seed, string name)
    {
        var (_, width, _, offsets) = Layout(format);
        var ordered = offsets.OrderBy(p => p.Value).Select(p => p.Key).ToList();
        return RegisterValue(seed, ordered.IndexOf(name), width);
    }

    private static ulong RegisterValue(ulong seed, int index, int width)
    {
        var value = seed + ((ulong)index * 0x1111_0000_1111UL);
        return width == 4 ? value & 0xffffffff : value;
    }

    private void Put(byte[] bytes, int offset, int width, ulong value)
    {
        if (width == 4)
        {
            if (BigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), (uint)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)value);
            }
        }
        else if (BigEndian)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(offset), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);
        }
    }

    /// <summary>A MINIDUMP_THREAD entry.</summary>
    public Block Thread(uint id, (uint Rva, uint Size) context, ulong stackStart = 0, uint stackSize = 0, uint stackRva = 0, ulong teb = 0) =>
        NewBlock().U32(id).U32(0).U32(0x20).U32(0).U64(teb).U64(stackStart).U32(stackSize).U32(stackRva).U32(context.Size).U32(context.Rva);

    /// <summary>A 108-byte MINIDUMP_MODULE entry.</summary>
    public Block Module(ulong baseAddress, uint size, uint nameRva, (uint Rva, uint Size) codeView = default,
        uint timestamp = 0x45d35f6c, (uint Hi, uint Lo)? fileVersion = null)
    {
        var block = NewBlock().U64(baseAddress).U32(size).U32(0).U32(timestamp).U32(nameRva);
        if (fileVersion is { } v)
        {
            block.U32(0xfeef04bd).U32(0x10000).U32(v.Hi).U32(v.Lo).U32(v.Hi).U32(v.Lo);
            block.Zeros(28);
        }
        else
        {
            block.Zeros(52);
        }

        return block.U32(codeView.Size).U32(codeView.Rva).U32(0).U32(0).Zeros(16);
    }

    /// <summary>A classic list stream: u32 count, optional 4-byte pad, entries.</summary>
    public Block List(IReadOnlyList<Block> entries, bool pad = false)
    {
        var block = NewBlock().U32((uint)entries.Count);
        if (pad)
        {
            block.U32(0);
        }

        foreach (var entry in entries)
        {
            block.Bytes(entry.ToArray());
        }

        return block;
    }

    /// <summary>A structure being written in the dump's byte order.</summary>
    public sealed class Block(bool bigEndian)
    {
        private readonly List<byte> _bytes = [];

        public int Length => _bytes.Count;

        public Block U8(byte value)
        {
            _bytes.Add(value);
            return this;
        }

        public Block U16(ushort value)
        {
            Span<byte> b = stackalloc byte[2];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(b, value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(b, value);
            }

            return Bytes(b);
        }

        public Block U32(uint value)
        {
            Span<byte> b = stackalloc byte[4];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(b, value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(b, value);
            }

            return Bytes(b);
        }

        public Block U64(ulong value)
        {
            Span<byte> b = stackalloc byte[8];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt64BigEndian(b, value);
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(b, value);
            }

            return Bytes(b);
        }

        /// <summary>A GUID as u32, u16, u16 in the dump's byte order, then 8 raw bytes.</summary>
        public Block Guid(uint a, ushort b, ushort c, ReadOnlySpan<byte> d) => U32(a).U16(b).U16(c).Bytes(d);

        public Block Bytes(ReadOnlySpan<byte> bytes)
        {
            _bytes.AddRange(bytes.ToArray());
            return this;
        }

        public Block Ascii(string text) => Bytes(Encoding.UTF8.GetBytes(text));

        public Block Zeros(int count) => Bytes(new byte[count]);

        public byte[] ToArray() => [.. _bytes];
    }
}
