using BenchmarkDotNet.Attributes;
using Obs.SymbolFiles;

namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// STACK CFI and STACK WIN evaluation per frame, with rule text as the index hands it over
/// (INIT plus the applicable delta rows). Both must run without allocating.
/// </summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    // libc-2.13.so, STACK CFI INIT 1eba0 and its three delta rows.
    private static readonly byte[] Amd64Rules =
        ".cfa: $rsp 8 + .ra: .cfa -8 + ^\n$rbp: .cfa -32 + ^ $rbx: .cfa -40 + ^\n.cfa: $rsp 80 +\n$r12: .cfa -24 + ^ $r13: .cfa -16 + ^"u8.ToArray();

    // module1.sym at 0x3d84: INIT and five delta rows, one with a trailing space.
    private static readonly byte[] X86Rules =
        ".cfa: $esp 4 + .ra: .cfa 4 - ^\n.cfa: $esp 8 + \n.cfa: $ebp 8 + $ebp: .cfa 8 - ^\n$ebx: .cfa 20 - ^\n$esi: .cfa 16 - ^\n$edi: .cfa 12 - ^"u8.ToArray();

    // test_app.sym's most common FrameData program.
    private static readonly byte[] FrameDataProgram =
        "$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + = $L $T0 .cbSavedRegs - = $P $T0 8 + .cbParams + ="u8.ToArray();

    private static readonly StackWinSeed Seed = new() { Esp = 0x12f000, Ebp = 0x12f040, CbParams = 12, CbSavedRegs = 8 };

    [Benchmark]
    public ulong CfiAmd64()
    {
        var context = new FlatFrameContext(8);
        CfiEvaluator.Evaluate(Amd64Rules, ref context, out var cfa, out var ra);
        return cfa + ra + context.Recovered;
    }

    [Benchmark]
    public ulong CfiX86()
    {
        var context = new FlatFrameContext(4);
        CfiEvaluator.Evaluate(X86Rules, ref context, out var cfa, out var ra);
        return cfa + ra + context.Recovered;
    }

    [Benchmark]
    public uint StackWinFrameData()
    {
        var memory = new FlatFrameContext(4);
        StackWinEvaluator.EvaluateFrameData(FrameDataProgram, Seed, ref memory, out var registers);
        return registers.Eip + registers.Esp + registers.Ebp;
    }

    /// <summary>
    /// A struct context whose registers and memory are computed, so that the numbers measure
    /// the evaluator rather than a dictionary.
    /// </summary>
    private struct FlatFrameContext : ICfiFrameContext
    {
        public FlatFrameContext(int pointerSize)
        {
            PointerSize = pointerSize;
            Recovered = 0;
        }

        public int PointerSize { get; }

        public ulong Recovered { get; private set; }

        public readonly bool TryGetRegister(scoped ReadOnlySpan<byte> name, out ulong value)
        {
            value = 0x7ffd_0000_1000UL + (uint)name[^1];
            return true;
        }

        public void SetCallerRegister(scoped ReadOnlySpan<byte> name, ulong value) => Recovered += value;

        public readonly bool TryReadUInt32(ulong address, out uint value)
        {
            value = (uint)(address >> 2);
            return true;
        }

        public readonly bool TryReadUInt64(ulong address, out ulong value)
        {
            value = address >> 3;
            return true;
        }
    }
}
