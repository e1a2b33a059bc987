namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// Buffered ASCII output with the few number formats a <c>.sym</c> file needs. Formatting
/// happens straight into a 1 MiB buffer that is handed to the stream when full, so the file is
/// never held in memory and no per-record objects are created.
/// </summary>
internal sealed class AsciiLineWriter
{
    private const int BufferSize = 1 << 20;

    /// <summary>The longest single write; callers keep each item below this.</summary>
    private const int MaxItem = 4096;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _length;
    private long _flushed;

    public AsciiLineWriter(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Bytes written so far, buffered or not.</summary>
    public long Position => _flushed + _length;

    public void Write(ReadOnlySpan<byte> text)
    {
        if (text.Length > MaxItem)
        {
            Flush();
            _stream.Write(text);
            _flushed += text.Length;
            return;
        }

        Reserve(text.Length);
        text.CopyTo(_buffer.AsSpan(_length));
        _length += text.Length;
    }

    public void Write(byte value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    public void Space() => Write((byte)' ');

    public void NewLine() => Write((byte)'\n');

    /// <summary>Lowercase hexadecimal without prefix or padding, as Breakpad writes addresses.</summary>
    public void WriteHex(ulong value)
    {
        Reserve(16);
        var digits = value == 0 ? 1 : (67 - (int)ulong.LeadingZeroCount(value)) / 4;
        var span = _buffer.AsSpan(_length, digits);
        for (var i = digits - 1; i >= 0; i--)
        {
            span[i] = "0123456789abcdef"u8[(int)(value & 0xf)];
            value >>= 4;
        }

        _length += digits;
    }

    public void WriteDecimal(ulong value)
    {
        Reserve(20);
        var digits = CountDigits(value);
        var span = _buffer.AsSpan(_length, digits);
        for (var i = digits - 1; i >= 0; i--)
        {
            span[i] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }

        _length += digits;
    }

    public void Flush()
    {
        if (_length > 0)
        {
            _stream.Write(_buffer, 0, _length);
            _flushed += _length;
            _length = 0;
        }
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            Flush();
        }
    }

    private static int CountDigits(ulong value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}
