using BenchmarkDotNet.Attributes;
using Obs.SymbolFiles.Storage;

namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// What this machine charges for reading one 64-byte cache line at a random address, the unit
/// a lookup in a large index pays in: the floor under <see cref="LookupBenchmarks"/>. A buffer
/// of the full-size index's order of size (1 GiB, with huge pages as the index has them) is
/// read at random, either independently (the loads overlap as far as the core allows: the cost
/// of a line when many are in flight, as when a lookup asks for what it will read) or each address depending on
/// the byte read before (the latency of one miss, as in a binary search). The 4 MiB buffer is
/// the size of the small tables a lookup expects to find cached. Per-operation figures are per
/// line.
/// </summary>
/// <remarks>
/// A lookup drawn by function reads about 13 lines at random from the full-size index's big
/// tables and one drawn by byte about 19, plus a few from smaller tables that the random
/// traffic keeps out of cache (see docs/benchmarks.md): that many independent lines is the
/// least a lookup can cost here before any string is made.
/// </remarks>
public unsafe class MemoryFloorBenchmarks
{
    private const int Reads = 1 << 20;
    private const int DependentReads = 1 << 16;
    private const int LineSize = 64;

    private byte* _buffer;
    private nuint _length;
    private bool _mapped;
    private ulong _lineMask;

    /// <summary>Buffer size in MiB (a power of two, for the address mask; under 2 GiB, for one span).</summary>
    [Params(4, 1024)]
    public int Megabytes { get; set; } = 4;

    [GlobalSetup]
    public void Setup()
    {
        _length = (nuint)Megabytes << 20;
        _buffer = (byte*)NativeBlocks.Allocate(_length, out _mapped);

        // Every byte written, so that every page is resident before the timing starts.
        new Span<byte>(_buffer, checked((int)_length)).Fill(1);

        _lineMask = ((ulong)_length / LineSize) - 1;
    }

    [GlobalCleanup]
    public void Cleanup() => NativeBlocks.Free(_buffer, _length, _mapped);

    [Benchmark(Baseline = true, OperationsPerInvoke = Reads, Description = "independent random lines")]
    public long Independent()
    {
        // xorshift64: the next address does not depend on what was read, so the loads overlap.
        var state = 0x9E3779B97F4A7C15ul;
        long total = 0;
        for (var i = 0; i < Reads; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            total += _buffer[(state & _lineMask) * LineSize];
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = DependentReads, Description = "dependent random lines")]
    public long Dependent()
    {
        // Each address mixes in the byte just read, so every load waits for the one before.
        var state = 0x9E3779B97F4A7C15ul;
        for (var i = 0; i < DependentReads; i++)
        {
            state = (state * 6364136223846793005ul) + 1442695040888963407ul + _buffer[((state >> 20) & _lineMask) * LineSize];
        }

        return (long)state;
    }
}
