namespace Obs.SymbolFiles.Storage;

/// <summary>Reads native memory that may exceed what one span holds, in spans of a bounded size.</summary>
internal static unsafe class LargeMemory
{
    /// <summary>The largest piece <see cref="ForEachPiece"/> hands out: large enough that the per-piece cost vanishes.</summary>
    public const int PieceSize = 1 << 24;

    public delegate void PieceAction(ReadOnlySpan<byte> piece);

    /// <summary>Calls <paramref name="action"/> with the <paramref name="length"/> bytes at <paramref name="data"/>, in order, in pieces of at most <see cref="PieceSize"/>.</summary>
    public static void ForEachPiece(byte* data, long length, PieceAction action)
    {
        for (long done = 0; done < length; done += PieceSize)
        {
            action(new ReadOnlySpan<byte>(data + done, (int)Math.Min(PieceSize, length - done)));
        }
    }
}
