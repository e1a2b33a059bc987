using System.Diagnostics.CodeAnalysis;

namespace Obs.SymbolFiles;

/// <summary>Throw sites kept out of hot methods so that those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowTooLarge() =>
        throw new SymbolFileException("symbol file too large: a table of the index would exceed 2 GiB or 2^31 records");

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName) =>
        throw new ArgumentOutOfRangeException(paramName);

    [DoesNotReturn]
    public static void ThrowCorruptIndex(string what) =>
        throw new SymbolIndexFormatException($"corrupt symbol index: {what}");

    [DoesNotReturn]
    public static void ThrowIndexFormat(SymbolIndexFormatError error, string message) =>
        throw new SymbolIndexFormatException(error, message);

    [DoesNotReturn]
    public static void ThrowDisposed(object reference) =>
        throw new ObjectDisposedException(reference.GetType().FullName, "This reference to the symbol index has been disposed.");

    /// <summary>The index a result came through; a <c>default</c> result has none.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="source"/> is null.</exception>
    public static SymbolIndexReference RequireSource(SymbolIndexReference? source, string what) =>
        source ?? throw new InvalidOperationException($"The {what} is empty (default).");
}
