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
    /// <summary>Hints that the first cache line of <paramref name="data"/> will be read soon.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Read<T>(ReadOnlySpan<T> data)
        where T : unmanaged
    {
        if (Sse.IsSupported && !data.IsEmpty)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref MemoryMarshal.GetReference(data)));
        }
    }

    /// <summary>Hints that every cache line of <paramref name="data"/> will be read soon.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void ReadAll<T>(ReadOnlySpan<T> data)
        where T : unmanaged
    {
        if (Sse.IsSupported && !data.IsEmpty)
        {
            var start = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(data));
            var end = start + ((long)data.Length * sizeof(T));
            for (var line = (byte*)((nuint)start & ~(nuint)63); line < end; line += 64)
            {
                Sse.Prefetch0(line);
            }
        }
    }

    /// <summary>Hints that a string will be read soon.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Object(string text)
    {
        if (Sse.IsSupported)
        {
            // A prefetch cannot fault, so a stale address after the GC moves the string is harmless.
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in text.GetPinnableReference())));
        }
    }
}
