using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Obs.SymbolFiles.Storage;

/// <summary>
/// Cache prefetch hints for lookups. On a large index a lookup is bound by memory latency: the
/// function record, its line and inline slices and the names it returns are scattered over
/// hundreds of megabytes. Asking for the independent ones early lets their misses overlap
/// instead of following one another. A no-op where the hint is not available.
/// </summary>
internal static class Prefetch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Read<T>(ReadOnlySpan<T> data)
        where T : unmanaged
    {
        if (Sse.IsSupported && !data.IsEmpty)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref MemoryMarshal.GetReference(data)));
        }
    }
}
