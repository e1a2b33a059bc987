using System.Collections.Immutable;
using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// The general-purpose registers of one stack frame, with the set of registers whose values are
/// known. The context frame knows every register of the dump's context; a caller frame knows only
/// what its unwinder recovered (rust-minidump's <c>MinidumpContextValidity</c>).
/// </summary>
/// <remarks>
/// Names are rust-minidump's canonical ones, in its output order: <c>eip esp ebp ebx esi edi eax
/// ecx edx eflags</c> (x86), <c>rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip</c> (amd64),
/// <c>r0..r10 r12 fp sp lr pc</c> (ARM), <c>x0..x28 fp lr sp pc</c> (ARM64). Lookups by name also
/// accept the aliases <c>r11 r13 r14 r15</c> (ARM) and <c>x29 x30</c> (ARM64).
/// </remarks>
public sealed class FrameRegisters
{
    private readonly ulong[] _values;
    private ulong _validMask;

    internal FrameRegisters(RegisterLayout layout)
    {
        Layout = layout;
        _values = new ulong[layout.Names.Length];
    }

    private FrameRegisters(RegisterLayout layout, ulong[] values, ulong validMask)
    {
        Layout = layout;
        _values = values;
        _validMask = validMask;
    }

    internal RegisterLayout Layout { get; }

    /// <summary>The CPU these registers belong to.</summary>
    public MinidumpCpu Cpu => Layout.Cpu;

    /// <summary>The width of a register and of a pointer, in bytes: 4 or 8.</summary>
    public int PointerSize => Layout.PointerSize;

    /// <summary>Every register name of this CPU, in output order (valid or not).</summary>
    public ImmutableArray<string> Names => Layout.Names;

    /// <summary>The instruction pointer's value (eip, rip, pc), whether or not it is marked valid.</summary>
    public ulong InstructionPointer => _values[Layout.InstructionPointer];

    /// <summary>The stack pointer's value (esp, rsp, sp), whether or not it is marked valid.</summary>
    public ulong StackPointer => _values[Layout.StackPointer];

    /// <summary>The valid registers, in output order.</summary>
    public IEnumerable<KeyValuePair<string, ulong>> ValidRegisters
    {
        get
        {
            for (var i = 0; i < _values.Length; i++)
            {
                if ((_validMask & (1UL << i)) != 0)
                {
                    yield return new KeyValuePair<string, ulong>(Layout.Names[i], _values[i]);
                }
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> (a canonical name or alias) is a register of this CPU whose value is known.</summary>
    public bool IsValid(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var index = Layout.IndexOf(name);
        return index >= 0 && IsValid(index);
    }

    /// <summary>Gets a known register by canonical name or alias.</summary>
    public bool TryGetValue(string name, out ulong value)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(Layout.IndexOf(name), out value);
    }

    /// <summary>The registers of a dump's CPU context, every one of them valid.</summary>
    internal static FrameRegisters FromContext(MinidumpContext context)
    {
        var layout = RegisterLayout.For(context.Format);
        var registers = new FrameRegisters(layout);
        for (var i = 0; i < layout.Names.Length; i++)
        {
            if (context.TryGetRegister(layout.Names[i], out var value))
            {
                registers.Set(i, value);
            }
        }

        return registers;
    }

    internal bool IsValid(int index) => index >= 0 && (_validMask & (1UL << index)) != 0;

    internal bool TryGet(int index, out ulong value)
    {
        if (IsValid(index))
        {
            value = _values[index];
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>The stored value whether or not it is valid (what rust-minidump's raw context field holds).</summary>
    internal ulong GetRaw(int index) => _values[index];

    /// <summary>Sets a register and marks it valid; the value is truncated to the register width.</summary>
    internal void Set(int index, ulong value)
    {
        _values[index] = PointerSize == 4 ? (uint)value : value;
        _validMask |= 1UL << index;
    }

    /// <summary>Marks a register unknown; its stored value stays (as rust-minidump's does).</summary>
    internal void Invalidate(int index) => _validMask &= ~(1UL << index);

    /// <summary>Keeps only the registers in <paramref name="mask"/> valid.</summary>
    internal void RestrictTo(ulong mask) => _validMask &= mask;

    /// <summary>A copy with the same values and validity.</summary>
    internal FrameRegisters Clone() => new(Layout, (ulong[])_values.Clone(), _validMask);
}
