namespace Obs.Testing;

/// <summary>
/// A read-only, non-seekable stream that repeats <paramref name="pattern"/> for ever (or until
/// <paramref name="failAfter"/> bytes, where it throws an <see cref="IOException"/>), and counts
/// what was read from it: the "endless upload" and "connection dropped" inputs of the bounded
/// reading tests, without /dev/zero.
/// </summary>
internal sealed class EndlessStream(byte[] pattern, long failAfter = long.MaxValue) : Stream
{
    private long _position;

    /// <summary>An endless stream of one repeated ASCII text.</summary>
    public static EndlessStream Of(string text, long failAfter = long.MaxValue) =>
        new(System.Text.Encoding.UTF8.GetBytes(text), failAfter);

    /// <summary>Bytes handed out so far.</summary>
    public long BytesRead => _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= failAfter)
        {
            throw new IOException("the connection was reset");
        }

        var count = (int)Math.Min(buffer.Length, failAfter - _position);
        for (var i = 0; i < count; i++)
        {
            buffer[i] = pattern[(int)((_position + i) % pattern.Length)];
        }

        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The bytes of <paramref name="data"/> as a non-seekable stream (an upload or a pipe), in reads of at most <paramref name="readSize"/> bytes.</summary>
internal sealed class NonSeekableStream(byte[] data, int readSize = 4096) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = Math.Min(Math.Min(buffer.Length, readSize), data.Length - _position);
        data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
