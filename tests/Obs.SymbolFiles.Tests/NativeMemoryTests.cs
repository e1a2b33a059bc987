using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// An index's tables live in native memory that only its finalization frees, so the GC must be
/// told about them: a service that loads and drops symbol files must not hold dozens of dropped
/// indexes because their managed objects are small.
/// </summary>
[Collection(nameof(NativeMemoryTests))]
[CollectionDefinition(nameof(NativeMemoryTests), DisableParallelization = true)]
public sealed class NativeMemoryTests
{
    [Fact]
    public void Dropped_indexes_are_collected_as_their_native_memory_adds_up()
    {
        // ~6 MB of line records from ~4 MB of text; the parse itself allocates little managed
        // memory, so without the index's memory reported the GC has no reason to run.
        var text = ManyLineRecords(functions: 2_000, linesPerFunction: 120);

        // Start from a settled heap: indexes that earlier tests dropped are freed, so that the
        // GC's budget for reported memory reflects what it reclaims.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        const int Loads = 40;
        var loaded = new List<WeakReference>();
        var mostAlive = 0;
        long memoryBytes = 0;
        for (var i = 0; i < Loads; i++)
        {
            loaded.Add(LoadAndDrop(text, out memoryBytes));
            mostAlive = Math.Max(mostAlive, loaded.Count(reference => reference.IsAlive));
        }

        Assert.True(memoryBytes > 5_000_000, $"the index holds {memoryBytes} bytes of tables");
        // Unreported, nothing prompts a collection and all of them stay alive. Reported, how many
        // the GC lets build up depends on its budget for such memory, which adapts to the
        // process's history: 3 in a process of its own, 7-9 after the other tests here.
        Assert.True(mostAlive <= Loads / 2, $"{mostAlive} dropped indexes of {memoryBytes} bytes each were alive at once");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndDrop(byte[] text, out long memoryBytes)
    {
        var index = SymbolIndex.Parse(text);
        memoryBytes = index.MemoryBytes;
        return new WeakReference(index);
    }

    private static byte[] ManyLineRecords(int functions, int linesPerFunction)
    {
        var text = new StringBuilder("MODULE Linux x86_64 000000000000000000000000000000000 native\nFILE 0 a.cc\n");
        ulong address = 0x1000;
        for (var f = 0; f < functions; f++)
        {
            text.Append(CultureInfo.InvariantCulture, $"FUNC {address:x} {linesPerFunction * 4:x} 0 f{f}\n");
            for (var l = 0; l < linesPerFunction; l++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{address:x} 4 {l + 1} 0\n");
                address += 4;
            }
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
