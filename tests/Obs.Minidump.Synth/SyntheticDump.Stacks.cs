using System.Buffers.Binary;

namespace Obs.Minidump.Synth;

/// <summary>
/// Builders for unwinder tests: stack memory laid out word by word with labels (rust-minidump's
/// <c>test_assembler::Section</c>), CPU contexts with chosen register values, and modules and
/// threads that use them.
/// </summary>
public sealed partial class SyntheticDump
{
    /// <summary>
    /// A CPU context in which the named registers (canonical names of <see cref="Layout"/>) hold
    /// the given values and every other register is 0; returns its RVA and size.
    /// </summary>
    public (uint Rva, uint Size) AppendContextWithRegisters(MinidumpContextFormat format, IReadOnlyDictionary<string, ulong> registers)
    {
        ArgumentNullException.ThrowIfNull(registers);
        var (size, width, flags, offsets) = Layout(format);
        var bytes = new byte[size];
        if (format == MinidumpContextFormat.Arm64Old)
        {
            Put(bytes, 0, 8, flags);
        }
        else
        {
            Put(bytes, format == MinidumpContextFormat.Amd64 ? 48 : 0, 4, flags);
        }

        foreach (var (name, value) in registers)
        {
            if (!offsets.TryGetValue(name, out var offset))
            {
                throw new ArgumentException($"'{name}' is not a register of a {format} context", nameof(registers));
            }

            Put(bytes, offset, width, value);
        }

        return (Append(bytes), (uint)bytes.Length);
    }

    /// <summary>A ModuleList stream of modules that have a name and nothing else (no CodeView, no version).</summary>
    public SyntheticDump AddModuleList(params ReadOnlySpan<(ulong BaseAddress, uint Size, string Name)> modules)
    {
        var entries = new List<Block>(modules.Length);
        foreach (var (baseAddress, size, name) in modules)
        {
            entries.Add(Module(baseAddress, size, AppendString(name)));
        }

        return AddStream(MinidumpStreamType.ModuleList, List(entries));
    }

    /// <summary>A ThreadList stream with one thread: the context and, when given, its stack memory.</summary>
    public SyntheticDump AddSingleThread(uint threadId, (uint Rva, uint Size) context, StackSection? stack)
    {
        Block thread;
        if (stack is null)
        {
            thread = Thread(threadId, context);
        }
        else
        {
            var bytes = stack.ToArray();
            thread = Thread(threadId, context, stack.BaseAddress, (uint)bytes.Length, Append(bytes));
        }

        return AddStream(MinidumpStreamType.ThreadList, List([thread]));
    }

    /// <summary>An address in a <see cref="StackSection"/>, known once marked, or set directly.</summary>
    public sealed class Label
    {
        private ulong? _value;

        /// <summary>The address.</summary>
        /// <exception cref="InvalidOperationException">The label was neither marked nor set.</exception>
        public ulong Value
        {
            get => _value ?? throw new InvalidOperationException("the label has no value yet");
            set => _value = value;
        }

        internal bool HasValue => _value.HasValue;
    }

    /// <summary>
    /// Stack memory written from its lowest address up, in little-endian order. Words may refer to
    /// labels marked later; they are filled in when the bytes are taken.
    /// </summary>
    public sealed class StackSection(ulong baseAddress)
    {
        private readonly List<byte> _bytes = [];
        private readonly List<(int Offset, int Width, Label Label)> _fixups = [];

        /// <summary>The address of the first byte.</summary>
        public ulong BaseAddress { get; } = baseAddress;

        /// <summary>The number of bytes written so far.</summary>
        public int Size => _bytes.Count;

        /// <summary>The address the next byte goes to.</summary>
        public ulong Here => BaseAddress + (ulong)_bytes.Count;

        /// <summary>Appends a 32-bit word.</summary>
        public StackSection D32(ulong value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)value);
            _bytes.AddRange(b);
            return this;
        }

        /// <summary>Appends a 32-bit word that will hold a label's address.</summary>
        public StackSection D32(Label label)
        {
            _fixups.Add((_bytes.Count, 4, label));
            return D32(0);
        }

        /// <summary>Appends a 64-bit word.</summary>
        public StackSection D64(ulong value)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(b, value);
            _bytes.AddRange(b);
            return this;
        }

        /// <summary>Appends a 64-bit word that will hold a label's address.</summary>
        public StackSection D64(Label label)
        {
            _fixups.Add((_bytes.Count, 8, label));
            return D64(0);
        }

        /// <summary>Appends <paramref name="count"/> copies of <paramref name="value"/>.</summary>
        public StackSection Repeat(byte value, int count)
        {
            for (var i = 0; i < count; i++)
            {
                _bytes.Add(value);
            }

            return this;
        }

        /// <summary>Appends raw bytes.</summary>
        public StackSection Bytes(ReadOnlySpan<byte> bytes)
        {
            _bytes.AddRange(bytes);
            return this;
        }

        /// <summary>Gives <paramref name="label"/> the address the next byte goes to.</summary>
        public StackSection Mark(Label label)
        {
            ArgumentNullException.ThrowIfNull(label);
            label.Value = Here;
            return this;
        }

        /// <summary>The bytes, with every label reference filled in.</summary>
        /// <exception cref="InvalidOperationException">A referenced label has no value.</exception>
        public byte[] ToArray()
        {
            var bytes = _bytes.ToArray();
            foreach (var (offset, width, label) in _fixups)
            {
                if (!label.HasValue)
                {
                    throw new InvalidOperationException($"the label referenced at offset {offset} was never marked or set");
                }

                if (width == 4)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)label.Value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), label.Value);
                }
            }

            return bytes;
        }
    }
}
