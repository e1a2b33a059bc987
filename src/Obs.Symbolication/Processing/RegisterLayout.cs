using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// The general-purpose registers of one CPU: their canonical names in output order, the indexes
/// of the instruction, stack and frame pointers, and the aliases CFI rules may use.
/// </summary>
internal sealed class RegisterLayout
{
    public static readonly RegisterLayout X86 = new(MinidumpCpu.X86, 4,
        ["eip", "esp", "ebp", "ebx", "esi", "edi", "eax", "ecx", "edx", "eflags"], "eip", "esp", "ebp", []);

    public static readonly RegisterLayout Amd64 = new(MinidumpCpu.Amd64, 8,
        ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"],
        "rip", "rsp", "rbp", []);

    public static readonly RegisterLayout Arm = new(MinidumpCpu.Arm, 4,
        ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r12", "fp", "sp", "lr", "pc"],
        "pc", "sp", "fp", [("r11", "fp"), ("r13", "sp"), ("r14", "lr"), ("r15", "pc")]);

    public static readonly RegisterLayout Arm64 = CreateArm64();

    private readonly FrozenDictionary<string, int> _indexByName;

    private RegisterLayout(MinidumpCpu cpu, int pointerSize, string[] names, string ip, string sp, string fp,
        (string Alias, string Name)[] aliases)
    {
        Cpu = cpu;
        PointerSize = pointerSize;
        Names = [.. names];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            index[names[i]] = i;
        }

        foreach (var (alias, name) in aliases)
        {
            index[alias] = index[name];
        }

        _indexByName = index.ToFrozenDictionary(StringComparer.Ordinal);
        InstructionPointer = index[ip];
        StackPointer = index[sp];
        FramePointer = index[fp];
    }

    public MinidumpCpu Cpu { get; }

    public int PointerSize { get; }

    public ImmutableArray<string> Names { get; }

    public int InstructionPointer { get; }

    public int StackPointer { get; }

    public int FramePointer { get; }

    /// <summary>The index of a canonical name or alias, or -1.</summary>
    public int IndexOf(string name) => _indexByName.TryGetValue(name, out var index) ? index : -1;

    /// <summary>The index of a canonical name or alias given as UTF-8 (CFI rule names), or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> utf8Name)
    {
        Span<char> chars = stackalloc char[16];
        if (utf8Name.Length > chars.Length)
        {
            return -1;
        }

        for (var i = 0; i < utf8Name.Length; i++)
        {
            chars[i] = (char)utf8Name[i];
        }

        var lookup = _indexByName.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.TryGetValue(chars[..utf8Name.Length], out var index) ? index : -1;
    }

    /// <summary>A mask with the bits of the given registers set.</summary>
    public ulong MaskOf(params ReadOnlySpan<string> names)
    {
        ulong mask = 0;
        foreach (var name in names)
        {
            mask |= 1UL << IndexOf(name);
        }

        return mask;
    }

    public static RegisterLayout For(MinidumpContextFormat format) => format switch
    {
        MinidumpContextFormat.X86 => X86,
        MinidumpContextFormat.Amd64 => Amd64,
        MinidumpContextFormat.Arm => Arm,
        _ => Arm64,
    };

    private static RegisterLayout CreateArm64()
    {
        var names = new string[33];
        for (var i = 0; i < 29; i++)
        {
            names[i] = "x" + i.ToString(CultureInfo.InvariantCulture);
        }

        (names[29], names[30], names[31], names[32]) = ("fp", "lr", "sp", "pc");
        return new RegisterLayout(MinidumpCpu.Arm64, 8, names, "pc", "sp", "fp", [("x29", "fp"), ("x30", "lr")]);
    }
}
