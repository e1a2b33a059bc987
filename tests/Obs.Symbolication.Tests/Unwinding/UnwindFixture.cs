using System.Text;
using Obs.Minidump;
using Obs.Minidump.Synth;
using Obs.SymbolFiles;

namespace Obs.Symbolication.Tests.Unwinding;

/// <summary>Symbols held as <c>.sym</c> text, by module code-file name (rust-minidump's <c>string_symbol_supplier</c>).</summary>
internal sealed class InMemorySymbolSupplier(IReadOnlyDictionary<string, string> symbols) : ISymbolSupplier
{
    public ValueTask<SymbolFileResult> LocateAsync(ModuleIdentity identity, CancellationToken cancellationToken) =>
        ValueTask.FromResult(symbols.TryGetValue(identity.CodeFileName, out var text)
            ? SymbolFileResult.Found(SymbolIndex.Parse(Encoding.UTF8.GetBytes(text)))
            : SymbolFileResult.NotFound());
}

/// <summary>
/// One thread to walk, as rust-minidump's unwinder tests set it up: a CPU context, stack memory,
/// the modules <c>module1</c> and <c>module2</c>, and symbols for some of them. The walk runs
/// through <see cref="MinidumpProcessor.ProcessAsync"/> on a dump built from all of it.
/// </summary>
internal sealed class UnwindFixture
{
    public const uint Windows = 2;
    public const uint Linux = 0x8201;
    public const uint Ios = 0x8102;

    public UnwindFixture(MinidumpContextFormat format, uint platform, ulong module1, ulong module2)
    {
        Format = format;
        Platform = platform;
        Modules.Add((module1, 0x10000, "module1"));
        Modules.Add((module2, 0x10000, "module2"));
    }

    public MinidumpContextFormat Format { get; }

    public uint Platform { get; set; }

    /// <summary>The loaded modules (base, size, name).</summary>
    public List<(ulong BaseAddress, uint Size, string Name)> Modules { get; } = [];

    /// <summary>Symbol file text by module name.</summary>
    public Dictionary<string, string> Symbols { get; } = new(StringComparer.Ordinal);

    /// <summary>The context registers by canonical name; the others are 0.</summary>
    public Dictionary<string, ulong> Registers { get; } = new(StringComparer.Ordinal);

    public ulong this[string register]
    {
        get => Registers.TryGetValue(register, out var value) ? value : 0;
        set => Registers[register] = value;
    }

    /// <summary>x86 modules at 0x40000000 and 0x50000000 on Windows.</summary>
    public static UnwindFixture X86() => new(MinidumpContextFormat.X86, Windows, 0x40000000, 0x50000000);

    /// <summary>amd64 modules at 0x7400c0000000 and 0x7500b0000000 on Linux.</summary>
    public static UnwindFixture Amd64() => new(MinidumpContextFormat.Amd64, Linux, 0x0000_7400_c000_0000, 0x0000_7500_b000_0000);

    /// <summary>ARM modules at 0x40000000 and 0x50000000 on iOS (where frame pointers are used).</summary>
    public static UnwindFixture Arm() => new(MinidumpContextFormat.Arm, Ios, 0x40000000, 0x50000000);

    /// <summary>ARM64 modules at 0x40000000 and 0x50000000 on Windows.</summary>
    public static UnwindFixture Arm64(MinidumpContextFormat format = MinidumpContextFormat.Arm64) =>
        new(format, Windows, 0x40000000, 0x50000000);

    /// <summary>The dump of this thread.</summary>
    public byte[] BuildDump(SyntheticDump.StackSection? stack)
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(SyntheticDump.Architecture(Format), Platform);
        dump.AddModuleList([.. Modules]);
        dump.AddSingleThread(1, dump.AppendContextWithRegisters(Format, Registers), stack);
        return dump.Build();
    }

    /// <summary>Walks the thread and returns its frames.</summary>
    public async Task<IReadOnlyList<StackFrame>> WalkAsync(SyntheticDump.StackSection? stack)
    {
        using var file = MinidumpFile.Read(BuildDump(stack));
        var state = await MinidumpProcessor.ProcessAsync(file, new InMemorySymbolSupplier(Symbols),
            new StackwalkOptions { MaxDegreeOfParallelism = 1 }, TestContext.Current.CancellationToken);
        return state.Threads[0].Frames;
    }
}

/// <summary>Assertions on a frame's registers.</summary>
internal static class FrameAssert
{
    /// <summary>The frame's valid registers are exactly these, with these values.</summary>
    public static void Registers(StackFrame frame, params (string Name, ulong Value)[] expected)
    {
        var actual = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (name, value) in frame.Registers.ValidRegisters)
        {
            actual[name] = value;
        }

        var wanted = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (name, value) in expected)
        {
            wanted[name] = value;
        }

        Assert.Equal(Describe(wanted), Describe(actual));
    }

    /// <summary>The named registers are valid and hold these values (others may be valid too).</summary>
    public static void Has(StackFrame frame, params (string Name, ulong Value)[] expected)
    {
        foreach (var (name, value) in expected)
        {
            Assert.True(frame.Registers.TryGetValue(name, out var actual), $"{name} is not valid");
            Assert.Equal($"{name}=0x{value:x}", $"{name}=0x{actual:x}");
        }
    }

    /// <summary>The number of valid registers.</summary>
    public static int ValidCount(StackFrame frame)
    {
        var count = 0;
        foreach (var _ in frame.Registers.ValidRegisters)
        {
            count++;
        }

        return count;
    }

    /// <summary>The context frame: all registers valid, trust <c>context</c>.</summary>
    public static void IsContextFrame(StackFrame frame)
    {
        Assert.Equal(FrameTrust.Context, frame.Trust);
        Assert.Equal(frame.Registers.Names.Length, ValidCount(frame));
    }

    private static string Describe(Dictionary<string, ulong> registers)
    {
        var names = new List<string>(registers.Keys);
        names.Sort(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var name in names)
        {
            text.Append(name).Append("=0x").Append(registers[name].ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append(' ');
        }

        return text.ToString();
    }
}
