using System.Runtime.CompilerServices;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// Reads the space-separated fields of one <c>.sym</c> line. Each <c>TryRead…</c> consumes a
/// field and the run of spaces or tabs after it, and fails (consuming nothing useful) when the
/// field is missing, has a wrong character, or has more digits than its type allows: at most
/// 16 hex digits for 64-bit values, 8 for 32-bit values and 10 decimal digits (rust-minidump's
/// limits, so numbers never overflow silently).
/// </summary>
internal ref struct FieldReader
{
    private readonly ReadOnlySpan<byte> _line;
    private int _position;

    public FieldReader(ReadOnlySpan<byte> line, int position = 0)
    {
        _line = line;
        _position = position;
    }

    /// <summary>True when every byte has been consumed.</summary>
    public readonly bool AtEnd => _position >= _line.Length;

    /// <summary>Bytes not yet consumed: the free-text tail (a name or a program string).</summary>
    public readonly ReadOnlySpan<byte> Rest => _line[_position..];

    /// <summary>Offset of the first unconsumed byte within the line.</summary>
    public readonly int Position => _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadHex64(out ulong value) => TryReadHex(16, out value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadHex32(out uint value)
    {
        var ok = TryReadHex(8, out var wide);
        value = (uint)wide;
        return ok;
    }

    /// <summary>Reads an unsigned decimal that fits 32 bits (at most 10 digits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadDecimal32(out uint value)
    {
        var line = _line;
        var i = _position;
        ulong acc = 0;
        var start = i;
        while (i < line.Length)
        {
            var digit = (uint)(line[i] - '0');
            if (digit > 9)
            {
                break;
            }

            if (i - start == 10)
            {
                value = 0;
                return false;
            }

            acc = (acc * 10) + digit;
            i++;
        }

        if (i == start || acc > uint.MaxValue)
        {
            value = 0;
            return false;
        }

        value = (uint)acc;
        _position = i;
        return EndField();
    }

    /// <summary>Reads a field that must equal <paramref name="token"/>, e.g. the <c>m</c> flag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryReadToken(ReadOnlySpan<byte> token)
    {
        var rest = _line[_position..];
        if (rest.StartsWith(token) && (rest.Length == token.Length || IsSpace(rest[token.Length])))
        {
            _position += token.Length;
            return EndField();
        }

        return false;
    }

    /// <summary>Reads one whitespace-delimited field of any bytes.</summary>
    public bool TryReadWord(out ReadOnlySpan<byte> word)
    {
        var rest = _line[_position..];
        var length = rest.IndexOfAny((byte)' ', (byte)'\t');
        if (length < 0)
        {
            length = rest.Length;
        }

        word = rest[..length];
        if (length == 0)
        {
            return false;
        }

        _position += length;
        return EndField();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReadHex(int maxDigits, out ulong value)
    {
        var line = _line;
        var i = _position;
        var start = i;
        ulong acc = 0;
        ref readonly var table = ref HexTable[0];
        while (i < line.Length)
        {
            var digit = Unsafe.Add(ref Unsafe.AsRef(in table), line[i]);
            if (digit == 0xFF)
            {
                break;
            }

            if (i - start == maxDigits)
            {
                value = 0;
                return false;
            }

            acc = (acc << 4) | digit;
            i++;
        }

        value = acc;
        if (i == start)
        {
            return false;
        }

        _position = i;
        return EndField();
    }

    /// <summary>After a field: the line ends, or a run of separators follows (and is skipped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool EndField()
    {
        var line = _line;
        var i = _position;
        if (i == line.Length)
        {
            return true;
        }

        if (!IsSpace(line[i]))
        {
            return false;
        }

        do
        {
            i++;
        }
        while (i < line.Length && IsSpace(line[i]));

        _position = i;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsSpace(byte b) => b == (byte)' ' || b == (byte)'\t';

    /// <summary>Hex digit values by byte; 0xFF for bytes that are not hex digits.</summary>
    internal static ReadOnlySpan<byte> HexTable =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 10, 11, 12, 13, 14, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 10, 11, 12, 13, 14, 15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];
}
