namespace Obs.SymbolFiles.Storage;

/// <summary>Slices taken with bounds read from records, which a corrupt saved index may get wrong.</summary>
internal static class Checked
{
    /// <summary><paramref name="span"/>'s slice, or <see cref="SymbolIndexFormatException"/> when it lies outside.</summary>
    public static ReadOnlySpan<T> Slice<T>(ReadOnlySpan<T> span, int start, int length)
    {
        if ((uint)start > (uint)span.Length || (uint)length > (uint)(span.Length - start))
        {
            ThrowHelper.ThrowCorruptIndex("a record's slice lies outside its table");
        }

        return span.Slice(start, length);
    }
}
