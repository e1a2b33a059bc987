using System.Diagnostics;
using System.Text;
using FsCheck.Xunit;
using Obs.Minidump;
using Obs.Minidump.Synth;
using Stack = Obs.Minidump.Synth.SyntheticDump.StackSection;

namespace Obs.Symbolication.Tests.Unwinding;

/// <summary>Runs alone, so that the allocation it measures is its own.</summary>
[CollectionDefinition(nameof(SerialWalks), DisableParallelization = true)]
public sealed class SerialWalks;

/// <summary>
/// Garbage in, a bounded walk out: random stack memory, registers and hostile call frame
/// information for every CPU end quickly and within a memory bound; cyclic stacks end too.
/// </summary>
[Collection(nameof(SerialWalks))]
public sealed class UnwinderRobustnessTests
{
    private const ulong StackBase = 0x7fff_0000;

    /// <summary>A generous bound on one walk's time, for a loaded 2-core CI machine.</summary>
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(2);

    /// <summary>What one walk of a stack of at most 16 KiB may allocate, dump and symbols included.</summary>
    private const long AllocationBound = 48L << 20;

    private static readonly string[] X86Registers = ["$eip", "$esp", "$ebp", "$ebx", "$esi", "$edi", "$eax"];
    private static readonly string[] Amd64Registers = ["$rip", "$rsp", "$rbp", "$rbx", "$r12", "$r15", "$rax"];
    private static readonly string[] ArmRegisters = ["pc", "sp", "fp", "lr", "r4", "r7", "r11", "r0"];
    private static readonly string[] Arm64Registers = ["pc", "sp", "fp", "lr", "x29", "x30", "x19", "x0"];
    private static readonly string[] Operators = ["+", "-", "^", "*", "@", "/", "4", "8", "16", "-8", "0", "1", ".cfa", ".undef"];

    static UnwinderRobustnessTests()
    {
        // The first walk of each CPU compiles the unwinder; the time bound is for steady state.
        foreach (var format in new[] { MinidumpContextFormat.X86, MinidumpContextFormat.Amd64, MinidumpContextFormat.Arm, MinidumpContextFormat.Arm64 })
        {
            AssertBounded(format, seed: 1);
        }
    }

    public static TheoryData<MinidumpContextFormat> Formats =>
        [MinidumpContextFormat.X86, MinidumpContextFormat.Amd64, MinidumpContextFormat.Arm, MinidumpContextFormat.Arm64,
            MinidumpContextFormat.Arm64Old];

    [Property(MaxTest = 40)]
    public void Garbage_x86_walks_end_within_bounds(int seed) => AssertBounded(MinidumpContextFormat.X86, seed);

    [Property(MaxTest = 40)]
    public void Garbage_amd64_walks_end_within_bounds(int seed) => AssertBounded(MinidumpContextFormat.Amd64, seed);

    [Property(MaxTest = 40)]
    public void Garbage_arm_walks_end_within_bounds(int seed) => AssertBounded(MinidumpContextFormat.Arm, seed);

    [Property(MaxTest = 40)]
    public void Garbage_arm64_walks_end_within_bounds(int seed) => AssertBounded(MinidumpContextFormat.Arm64, seed);

    /// <summary>
    /// CFI that moves the stack pointer up one byte per frame and returns to the same place: the
    /// stack pointer always grows, so only the frame budget (one frame per stack slot, plus a
    /// few) ends the walk, long before the stack pointer would leave the stack.
    /// </summary>
    [Theory, MemberData(nameof(Formats))]
    public async Task Cfi_creeping_up_a_byte_at_a_time_is_bounded_by_the_stack_size(MinidumpContextFormat format)
    {
        var f = new UnwindFixture(format, UnwindFixture.Linux, 0x40000000, 0x50000000);
        var (ip, sp) = Names(format);
        f.Symbols["module1"] = $"FUNC 0 10000 0 everything\nSTACK CFI INIT 0 10000 .cfa: {sp} 1 + .ra: {ip}\n";
        f[ip] = 0x40001000;
        f[sp] = StackBase;
        var stack = new Stack(StackBase).Repeat(0, 4096);

        var frames = await f.WalkAsync(stack);

        var width = format is MinidumpContextFormat.X86 or MinidumpContextFormat.Arm ? 4 : 8;
        Assert.Equal((4096 / width) + 16, frames.Count);
        Assert.Equal(FrameTrust.CallFrameInfo, frames[^1].Trust);
    }

    /// <summary>
    /// ARM64 CFI that swaps pc and lr without moving the stack pointer: rust-minidump accepts an
    /// unchanged stack pointer from CFI when pc changes, so this would alternate forever; a run of
    /// frames on one stack pointer may not revisit an instruction.
    /// </summary>
    [Fact]
    public async Task Arm64_cfi_that_swaps_pc_and_lr_in_place_ends()
    {
        var f = UnwindFixture.Arm64();
        f.Symbols["module1"] = "FUNC 0 10000 0 everything\nSTACK CFI INIT 0 10000 .cfa: sp .ra: lr lr: pc\n";
        f["pc"] = 0x40001000;
        f["lr"] = 0x40002000;
        f["sp"] = StackBase;

        var frames = await f.WalkAsync(new Stack(StackBase).Repeat(0, 256));

        Assert.Equal(2, frames.Count);
        Assert.Equal(0x40002000UL, frames[1].Registers.InstructionPointer);
        Assert.Equal(StackBase, frames[1].Registers.StackPointer);
    }

    /// <summary>A frame pointer that points at itself: the caller's stack pointer stops growing, which ends the walk.</summary>
    [Theory, MemberData(nameof(Formats))]
    public async Task A_self_referencing_frame_pointer_ends(MinidumpContextFormat format)
    {
        var f = new UnwindFixture(format, UnwindFixture.Ios, 0x40000000, 0x50000000);
        var width = format is MinidumpContextFormat.X86 or MinidumpContextFormat.Arm ? 4 : 8;
        var (ip, sp) = Names(format);
        var stack = new Stack(StackBase).Repeat(0, 64);
        var record = stack.Here;
        if (width == 4)
        {
            stack.D32(record).D32(0x40001234);
        }
        else
        {
            stack.D64(record).D64(0x40001234);
        }

        stack.Repeat(0, 64);
        f[ip] = 0x40001000;
        f[sp] = StackBase;
        f[format is MinidumpContextFormat.X86 ? "ebp" : format == MinidumpContextFormat.Amd64 ? "rbp" : "fp"] = record;

        var frames = await f.WalkAsync(stack);

        Assert.InRange(frames.Count, 1, 3);
        for (var i = 1; i < frames.Count; i++)
        {
            Assert.True(frames[i].Registers.StackPointer >= frames[i - 1].Registers.StackPointer);
        }
    }

    private static (string Ip, string Sp) Names(MinidumpContextFormat format) => format switch
    {
        MinidumpContextFormat.X86 => ("eip", "esp"),
        MinidumpContextFormat.Amd64 => ("rip", "rsp"),
        _ => ("pc", "sp"),
    };

    /// <summary>Builds a random thread from <paramref name="seed"/>, walks it, and checks the bounds.</summary>
    private static void AssertBounded(MinidumpContextFormat format, int seed)
    {
        var random = new Random(seed);
        var f = new UnwindFixture(format, random.Next(3) switch
        {
            0 => UnwindFixture.Windows,
            1 => UnwindFixture.Linux,
            _ => UnwindFixture.Ios,
        }, 0x40000000, 0x50000000);
        var width = format is MinidumpContextFormat.X86 or MinidumpContextFormat.Arm ? 4 : 8;
        var words = random.Next(0, 16384 / width);
        var stack = new Stack(StackBase);
        for (var i = 0; i < words; i++)
        {
            var value = Word(random, words, width);
            if (width == 4)
            {
                stack.D32(value);
            }
            else
            {
                stack.D64(value);
            }
        }

        foreach (var name in SyntheticDump.Layout(format).Offsets.Keys)
        {
            f[name] = Word(random, words, width);
        }

        var (ip, sp) = Names(format);
        f[ip] = random.Next(4) == 0 ? Word(random, words, width) : 0x40000000 + (ulong)random.Next(0x10000);
        f[sp] = random.Next(4) == 0 ? Word(random, words, width) : StackBase + (ulong)random.Next(words * width + 1);
        if (random.Next(2) == 0)
        {
            f.Symbols["module1"] = HostileSymbols(random, format);
        }

        if (random.Next(2) == 0)
        {
            f.Symbols["module2"] = "FUNC 0 8000 0 half\nPUBLIC 9000 0 other\n";
        }

        var dump = f.BuildDump(stack);
        var clock = Stopwatch.StartNew();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var frames = Walk(dump, f.Symbols);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        clock.Stop();

        Assert.True(clock.Elapsed < TimeBound, $"seed {seed}: {frames.Count} frames took {clock.Elapsed}");
        Assert.True(allocated < AllocationBound, $"seed {seed}: {frames.Count} frames allocated {allocated} bytes");
        Assert.InRange(frames.Count, 1, words + 16);
        Assert.Equal(FrameTrust.Context, frames[0].Trust);
        for (var i = 1; i < frames.Count; i++)
        {
            Assert.True(frames[i].Registers.InstructionPointer >= 4096, $"seed {seed}: frame {i} has a null instruction pointer");
        }
    }

    private static IReadOnlyList<StackFrame> Walk(byte[] dump, Dictionary<string, string> symbols)
    {
        using var file = MinidumpFile.Read(dump);
        var state = MinidumpProcessor.ProcessAsync(file, new InMemorySymbolSupplier(symbols),
            new StackwalkOptions { MaxDegreeOfParallelism = 1 }).GetAwaiter().GetResult();
        return state.Threads[0].Frames;
    }

    /// <summary>A stack word: often an address in the stack or in a module (what walks follow), else anything.</summary>
    private static ulong Word(Random random, int words, int width)
    {
        var value = random.Next(6) switch
        {
            0 => StackBase + (ulong)random.Next(words * width + 64),
            1 => StackBase + ((ulong)random.Next(words + 8) * (ulong)width),
            2 => (random.Next(2) == 0 ? 0x40000000UL : 0x50000000UL) + (ulong)random.Next(0x10000),
            3 => (ulong)random.Next(8192),
            _ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 32),
        };
        return width == 4 ? (uint)value : value;
    }

    /// <summary>FUNC records and call frame information made of random tokens over the CPU's registers.</summary>
    private static string HostileSymbols(Random random, MinidumpContextFormat format)
    {
        var registers = format switch
        {
            MinidumpContextFormat.X86 => X86Registers,
            MinidumpContextFormat.Amd64 => Amd64Registers,
            MinidumpContextFormat.Arm => ArmRegisters,
            _ => Arm64Registers,
        };
        var text = new StringBuilder("FUNC 0 4000 8 first\nFUNC 4000 4000 0 second\nPUBLIC 8000 0 third\n");
        for (var start = 0; start < 0x10000; start += 0x1000)
        {
            text.Append("STACK CFI INIT ").Append(start.ToString("x", null)).Append(" 1000 ")
                .Append(".cfa: ").Append(random.Next(2) == 0 ? $"{registers[random.Next(3)]} {random.Next(-4, 64) * 4} +" : Expression(random, registers))
                .Append(" .ra: ").Append(random.Next(2) == 0 ? $".cfa {random.Next(-2, 16) * 4} - ^" : Expression(random, registers));
            for (var i = random.Next(3); i > 0; i--)
            {
                text.Append(' ').Append(registers[random.Next(registers.Length)]).Append(": ").Append(Expression(random, registers));
            }

            text.Append('\n');
            if (format == MinidumpContextFormat.X86 && random.Next(2) == 0)
            {
                text.Append("STACK WIN ").Append(random.Next(2) == 0 ? "4 " : "0 ").Append(start.ToString("x", null))
                    .Append(" 800 0 0 ").Append(random.Next(16)).Append(' ').Append(random.Next(16)).Append(' ').Append(random.Next(64))
                    .Append(" 0 ").Append(random.Next(2))
                    .Append(" $T0 ").Append(Expression(random, registers)).Append(" = $eip $T0 ^ = $esp $T0 ")
                    .Append(random.Next(3) * 4).Append(" + =\n");
            }
        }

        return text.ToString();
    }

    private static string Expression(Random random, string[] registers)
    {
        var parts = new List<string> { registers[random.Next(registers.Length)] };
        for (var i = random.Next(4); i > 0; i--)
        {
            parts.Add(random.Next(2) == 0 ? registers[random.Next(registers.Length)] : Operators[random.Next(Operators.Length)]);
            parts.Add(Operators[random.Next(Operators.Length)]);
        }

        return string.Join(' ', parts);
    }
}
