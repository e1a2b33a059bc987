namespace Obs.Cli.Infrastructure;

/// <summary>
/// Reads command input (a file or standard input) in bounded memory: a whole document up to a
/// limit, or line by line with a limit per line. Input over the limit is rejected as soon as the
/// limit is passed, so an endless input ends the command instead of growing it.
/// </summary>
internal static class BoundedInput
{
    /// <summary>The three bytes of the UTF-8 byte order mark, skipped at the start of every input.</summary>
    public static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads the bytes of the next read.</summary>
    internal const int ReadSize = 64 * 1024;

    /// <summary>
    /// Reads <paramref name="input"/> to its end, without its UTF-8 byte order mark. Never holds
    /// more than <paramref name="maxBytes"/> bytes (plus one read): a longer input is rejected.
    /// </summary>
    /// <param name="input">The stream.</param>
    /// <param name="maxBytes">The limit; at most <see cref="Array.MaxLength"/>.</param>
    /// <param name="source">What the input is, for the error message (a path, or "standard input").</param>
    public static ReadOnlyMemory<byte> ReadDocument(Stream input, long maxBytes, string source)
    {
        var limit = (int)Math.Min(maxBytes, Array.MaxLength - ReadSize);
        var expected = input.CanSeek ? Math.Max(0, input.Length - input.Position) : 0;
        if (expected > limit)
        {
            throw TooLarge(source, "the input", maxBytes);
        }

        // A file's length is known: one buffer of that size (and one read more, to see its end).
        var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Max(Math.Min(ReadSize, limit + 1), expected + 1));
        var count = 0;
        while (true)
        {
            if (count == buffer.Length)
            {
                var grown = GC.AllocateUninitializedArray<byte>((int)Math.Min(2L * buffer.Length, (long)limit + ReadSize));
                buffer.AsSpan(0, count).CopyTo(grown);
                buffer = grown;
            }

            var read = input.Read(buffer, count, buffer.Length - count);
            if (read <= 0)
            {
                break;
            }

            count += read;
            if (count > limit)
            {
                throw TooLarge(source, "the input", maxBytes);
            }
        }

        var document = buffer.AsMemory(0, count);
        return document.Span.StartsWith(Utf8Bom) ? document[Utf8Bom.Length..] : document;
    }

    /// <summary>The error for input over a limit, naming the option that sets it.</summary>
    public static CliInputException TooLarge(string source, string what, long maxBytes) =>
        new($"{source}: {what} is larger than the limit of {CliText.Bytes(maxBytes)} (--max-input-bytes)");
}

/// <summary>
/// Splits a stream into lines of UTF-8 bytes (<c>\n</c> or <c>\r\n</c>; the UTF-8 byte order
/// mark skipped), holding at most one line of <see cref="MaxLineBytes"/> plus one read: a longer
/// line is rejected instead of being buffered.
/// </summary>
internal sealed class Utf8LineReader(Stream input, int maxLineBytes, string source)
{
    private byte[] _buffer = new byte[Math.Min(BoundedInput.ReadSize, maxLineBytes + 1)];
    private int _start;
    private int _end;
    private int _scanned;
    private bool _atEnd;
    private bool _bomChecked;

    /// <summary>The longest line accepted, in bytes, without its line ending.</summary>
    public int MaxLineBytes => maxLineBytes;

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Reads the next line, without its line ending; false at the end of the input.</summary>
    /// <exception cref="CliInputException">The line is longer than <see cref="MaxLineBytes"/>.</exception>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var lineEnd = _scanned + newline;
                line = TakeLine(lineEnd, lineEnd + 1);
                return true;
            }

            _scanned = _end;
            if (_end - _start > maxLineBytes + 1)
            {
                // Even a "\r" that a "\n" would end cannot make this line short enough.
                throw BoundedInput.TooLarge(source, $"line {LineNumber + 1}", maxLineBytes);
            }

            if (_atEnd)
            {
                if (_start == _end)
                {
                    line = default;
                    return false;
                }

                line = TakeLine(_end, _end);
                return true;
            }

            Fill();
        }
    }

    /// <summary>
    /// Lets go of a buffer grown for a long line, keeping what follows the line. The line last
    /// returned is no longer valid: call this once it has been parsed.
    /// </summary>
    public void TrimBuffer()
    {
        var pending = _end - _start;
        if (_buffer.Length <= 4 * BoundedInput.ReadSize || pending > BoundedInput.ReadSize)
        {
            return;
        }

        var small = new byte[Math.Min(BoundedInput.ReadSize, maxLineBytes + 1)];
        _buffer.AsSpan(_start, pending).CopyTo(small);
        _buffer = small;
        _scanned -= _start;
        _start = 0;
        _end = pending;
    }

    private ReadOnlySpan<byte> TakeLine(int lineEnd, int next)
    {
        var line = _buffer.AsSpan(_start, lineEnd - _start);
        _start = next;
        _scanned = next;
        LineNumber++;
        if (!_bomChecked)
        {
            _bomChecked = true;
            if (line.StartsWith(BoundedInput.Utf8Bom))
            {
                line = line[BoundedInput.Utf8Bom.Length..];
            }
        }

        if (line.EndsWith((byte)'\r'))
        {
            line = line[..^1];
        }

        if (line.Length > maxLineBytes)
        {
            throw BoundedInput.TooLarge(source, $"line {LineNumber}", maxLineBytes);
        }

        return line;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            // Keep the unfinished line at the front, so that the buffer only grows for long lines.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var grown = GC.AllocateUninitializedArray<byte>((int)Math.Min(2L * _buffer.Length, (long)maxLineBytes + 2 + BoundedInput.ReadSize));
            _buffer.AsSpan(0, _end).CopyTo(grown);
            _buffer = grown;
        }

        var read = input.Read(_buffer, _end, _buffer.Length - _end);
        if (read <= 0)
        {
            _atEnd = true;
        }
        else
        {
            _end += read;
        }
    }
}
