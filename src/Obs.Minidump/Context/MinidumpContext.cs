using System.Buffers.Binary;
using System.Collections.Immutable;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>The on-disk layouts of CPU contexts this library reads.</summary>
public enum MinidumpContextFormat
{
    /// <summary>CONTEXT_X86, 716 bytes.</summary>
    X86,
    /// <summary>CONTEXT_AMD64, 1232 bytes.</summary>
    Amd64,
    /// <summary>Breakpad's CONTEXT_ARM, 368 bytes.</summary>
    Arm,
    /// <summary>The Windows-compatible CONTEXT_ARM64, 912 bytes.</summary>
    Arm64,
    /// <summary>Breakpad's old CONTEXT_ARM64 (u64 flags, 4-byte packing), 796 bytes.</summary>
    Arm64Old,
}

/// <summary>
/// A thread's CPU registers. General-purpose registers are exposed by their canonical names
/// (rust-minidump's: <c>eip esp ebp ...</c> on x86, <c>rax ... rip</c> on amd64, <c>r0 ... pc</c>
/// on ARM, <c>x0 ... pc</c> on ARM64) together with a validity set; the full structure is in
/// <see cref="Raw"/>.
/// </summary>
public sealed class MinidumpContext
{
    private readonly Layout _layout;
    private readonly ulong[] _values;
    private readonly ulong _validMask;

    private MinidumpContext(Layout layout, ulong flags, ulong[] values, ulong validMask, ReadOnlyMemory<byte> raw)
    {
        _layout = layout;
        ContextFlags = flags;
        _values = values;
        _validMask = validMask;
        Raw = raw;
    }

    /// <summary>The context layout.</summary>
    public MinidumpContextFormat Format => _layout.Format;

    /// <summary>The CPU family.</summary>
    public MinidumpCpu Cpu => _layout.Format switch
    {
        MinidumpContextFormat.X86 => MinidumpCpu.X86,
        MinidumpContextFormat.Amd64 => MinidumpCpu.Amd64,
        MinidumpContextFormat.Arm => MinidumpCpu.Arm,
        _ => MinidumpCpu.Arm64,
    };

    /// <summary>The context flags (a u64 in the old ARM64 layout, a u32 elsewhere).</summary>
    public ulong ContextFlags { get; }

    /// <summary>Whether the flags say XSTATE data follows the structure (0x40 on x86 and amd64); it is ignored.</summary>
    public bool HasXState => _layout.Format is MinidumpContextFormat.X86 or MinidumpContextFormat.Amd64 && (ContextFlags & 0x40) != 0;

    /// <summary>The whole context structure as stored (trailing bytes such as XSTATE excluded).</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>Pointer size in bytes: 4 or 8.</summary>
    public int PointerSize => _layout.Width;

    /// <summary>The canonical register names, in rust-minidump's output order.</summary>
    public ImmutableArray<string> RegisterNames => _layout.Names;

    /// <summary>The instruction pointer (eip, rip, pc).</summary>
    public ulong InstructionPointer => _values[_layout.Ip];

    /// <summary>The stack pointer (esp, rsp, sp).</summary>
    public ulong StackPointer => _values[_layout.Sp];

    /// <summary>The frame pointer (ebp, rbp, fp = r11 on ARM, fp = x29 on ARM64).</summary>
    public ulong FramePointer => _values[_layout.Fp];

    /// <summary>Whether <paramref name="name"/> (a canonical name or an alias such as <c>r13</c>, <c>x29</c>) is a valid register here.</summary>
    public bool IsValid(string name)
    {
        var index = _layout.IndexOf(name);
        return index >= 0 && (_validMask & (1UL << index)) != 0;
    }

    /// <summary>The valid registers' canonical names, in output order.</summary>
    public IEnumerable<string> ValidRegisterNames
    {
        get
        {
            for (var i = 0; i < _layout.Names.Length; i++)
            {
                if ((_validMask & (1UL << i)) != 0)
                {
                    yield return _layout.Names[i];
                }
            }
        }
    }

    /// <summary>Gets a register by canonical name or alias; false when the name is unknown or the register is not valid.</summary>
    public bool TryGetRegister(string name, out ulong value)
    {
        var index = _layout.IndexOf(name);
        if (index >= 0 && (_validMask & (1UL << index)) != 0)
        {
            value = _values[index];
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Gets a register by canonical name or alias.</summary>
    /// <exception cref="KeyNotFoundException">The name is unknown for this CPU, or the register is not valid.</exception>
    public ulong GetRegister(string name) =>
        TryGetRegister(name, out var value) ? value : throw new KeyNotFoundException($"no valid register '{name}' in a {Format} context");

    /// <summary>
    /// A copy of this context in which only <paramref name="names"/> are valid (an unwinder's view
    /// of a caller frame, where only recovered registers are known).
    /// </summary>
    public MinidumpContext WithValidRegisters(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        ulong mask = 0;
        foreach (var name in names)
        {
            var index = _layout.IndexOf(name);
            if (index < 0)
            {
                throw new ArgumentException($"'{name}' is not a {Format} register", nameof(names));
            }

            mask |= 1UL << index;
        }

        return new MinidumpContext(_layout, ContextFlags, _values, mask & _validMask, Raw);
    }

    /// <summary>The layout an architecture value selects, or null when none is supported.</summary>
    internal static MinidumpContextFormat? FormatFor(ushort processorArchitecture) => processorArchitecture switch
    {
        0 or 10 => MinidumpContextFormat.X86,
        9 => MinidumpContextFormat.Amd64,
        5 => MinidumpContextFormat.Arm,
        12 => MinidumpContextFormat.Arm64,
        0x8003 => MinidumpContextFormat.Arm64Old,
        _ => null,
    };

    // CPU-type bits that may appear in context_flags; everything else above the low byte is ignored.
    private const uint KnownCpuFlags = 0x00010000 | 0x00100000 | 0x40000000 | 0x00400000 | 0x80000000
        | 0x20000000 | 0x01000000 | 0x10000000 | 0x00040000 | 0x00080000 | 0x00020000;

    /// <summary>
    /// Reads a context for the CPU the system info names. The bytes must hold at least the
    /// structure, and the CPU bits of the flags must be the ones of that CPU.
    /// </summary>
    internal static MinidumpContext Parse(ReadOnlyMemory<byte> bytes, long fileOffset, ushort processorArchitecture, bool bigEndian)
    {
        if (FormatFor(processorArchitecture) is not { } format)
        {
            return ThrowHelper.Throw<MinidumpContext>(MinidumpErrorKind.UnknownCpuContext,
                $"processor architecture 0x{processorArchitecture:x} has no supported context layout", fileOffset);
        }

        var layout = Layout.For(format);
        var data = bytes.Span;
        if (data.Length < layout.Size)
        {
            ThrowHelper.Throw(MinidumpErrorKind.ContextReadFailure,
                $"a {format} context needs {layout.Size} bytes, there are {data.Length}", fileOffset);
        }

        ulong flags = format == MinidumpContextFormat.Arm64Old
            ? Read(data, 0, 8, bigEndian)
            : Read(data, layout.FlagsOffset, 4, bigEndian);
        var cpuBits = (uint)flags & 0xffffff00 & KnownCpuFlags;
        if (cpuBits != layout.CpuFlag)
        {
            ThrowHelper.Throw(MinidumpErrorKind.ContextReadFailure,
                $"context flags 0x{flags:x} are not those of a {format} context (0x{layout.CpuFlag:x})", fileOffset + layout.FlagsOffset);
        }

        var values = new ulong[layout.Names.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Read(data, layout.Offsets[i], layout.Width, bigEndian);
        }

        var all = values.Length == 64 ? ulong.MaxValue : (1UL << values.Length) - 1;
        return new MinidumpContext(layout, flags, values, all, bytes[..layout.Size]);
    }

    private static ulong Read(ReadOnlySpan<byte> data, int offset, int width, bool bigEndian) => width == 4
        ? bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data[offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[offset..])
        : bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(data[offset..]) : BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]);

    private sealed class Layout
    {
        private static readonly Layout X86Layout = new(MinidumpContextFormat.X86, 716, 0x00010000, 0, 4,
            ["eip", "esp", "ebp", "ebx", "esi", "edi", "eax", "ecx", "edx", "eflags"],
            [184, 196, 180, 164, 160, 156, 176, 172, 168, 192], "eip", "esp", "ebp", []);

        private static readonly Layout Amd64Layout = new(MinidumpContextFormat.Amd64, 1232, 0x00100000, 48, 8,
            ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"],
            [120, 136, 128, 144, 168, 176, 160, 152, 184, 192, 200, 208, 216, 224, 232, 240, 248], "rip", "rsp", "rbp", []);

        private static readonly Layout ArmLayout = new(MinidumpContextFormat.Arm, 368, 0x40000000, 0, 4,
            ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "fp", "sp", "lr", "pc"],
            [4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 52, 48, 56, 60, 64], "pc", "sp", "fp",
            [("r11", "fp"), ("r13", "sp"), ("r14", "lr"), ("r15", "pc")]);

        private static readonly Layout Arm64Layout = CreateArm64(MinidumpContextFormat.Arm64, 912, 0x00400000);
        private static readonly Layout Arm64OldLayout = CreateArm64(MinidumpContextFormat.Arm64Old, 796, 0x80000000);

        private readonly Dictionary<string, int> _indexByName;

        private Layout(MinidumpContextFormat format, int size, uint cpuFlag, int flagsOffset, int width,
            string[] names, int[] offsets, string ip, string sp, string fp, (string Alias, string Name)[] aliases)
        {
            Format = format;
            Size = size;
            CpuFlag = cpuFlag;
            FlagsOffset = flagsOffset;
            Width = width;
            Names = [.. names];
            Offsets = offsets;
            _indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                _indexByName[names[i]] = i;
            }

            foreach (var (alias, name) in aliases)
            {
                _indexByName[alias] = _indexByName[name];
            }

            Ip = _indexByName[ip];
            Sp = _indexByName[sp];
            Fp = _indexByName[fp];
        }

        public MinidumpContextFormat Format { get; }
        public int Size { get; }
        public uint CpuFlag { get; }
        public int FlagsOffset { get; }
        public int Width { get; }
        public ImmutableArray<string> Names { get; }
        public int[] Offsets { get; }
        public int Ip { get; }
        public int Sp { get; }
        public int Fp { get; }

        public int IndexOf(string name) => _indexByName.TryGetValue(name, out var index) ? index : -1;

        public static Layout For(MinidumpContextFormat format) => format switch
        {
            MinidumpContextFormat.X86 => X86Layout,
            MinidumpContextFormat.Amd64 => Amd64Layout,
            MinidumpContextFormat.Arm => ArmLayout,
            MinidumpContextFormat.Arm64 => Arm64Layout,
            _ => Arm64OldLayout,
        };

        private static Layout CreateArm64(MinidumpContextFormat format, int size, uint cpuFlag)
        {
            var names = new string[33];
            var offsets = new int[33];
            for (var i = 0; i < 29; i++)
            {
                names[i] = "x" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                offsets[i] = 8 + (8 * i);
            }

            (names[29], offsets[29]) = ("fp", 240);
            (names[30], offsets[30]) = ("lr", 248);
            (names[31], offsets[31]) = ("sp", 256);
            (names[32], offsets[32]) = ("pc", 264);
            return new Layout(format, size, cpuFlag, 0, 8, names, offsets, "pc", "sp", "fp", [("x29", "fp"), ("x30", "lr")]);
        }
    }
}
