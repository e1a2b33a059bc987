using System.Diagnostics.CodeAnalysis;

namespace Obs.Minidump.Internal;

/// <summary>Keeps the throw sites out of the hot reading paths.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Throw(MinidumpErrorKind kind, string message, long offset) =>
        throw new MinidumpException(kind, message, offset);

    [DoesNotReturn]
    public static T Throw<T>(MinidumpErrorKind kind, string message, long offset) =>
        throw new MinidumpException(kind, message, offset);
}
