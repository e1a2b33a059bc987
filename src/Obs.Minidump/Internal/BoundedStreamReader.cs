namespace Obs.Minidump.Internal;

/// <summary>
/// Reads a stream to its end into one array, and gives up with
/// <see cref="MinidumpErrorKind.TooLarge"/> as soon as the stream holds more than a limit: an
/// endless or oversized upload is rejected after at most the limit plus one byte was read.
/// </summary>
internal sealed class BoundedStreamReader
{
    /// <summary>The first buffer for a stream of unknown length; it doubles from there.</summary>
    private const int InitialCapacity = 64 * 1024;

    private readonly long _maxBytes;
    private readonly int _limit;
    private byte[] _buffer;
    private int _count;

    // A full buffer is not grown until one more byte arrives: a stream whose length was known
    // ends without a reallocation, and one byte past the limit is told from "exactly the limit"
    // without a buffer larger than the limit.
    private readonly byte[] _probe = new byte[1];
    private bool _probing;

    private BoundedStreamReader(Stream stream, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (!stream.CanRead)
        {
            throw new ArgumentException("the stream cannot be read (it is write-only or disposed)", nameof(stream));
        }

        _maxBytes = maxBytes;
        _limit = (int)Math.Min(maxBytes, MinidumpFile.MaxLength);
        if (stream.CanSeek)
        {
            // The size is known: reject it before reading, or read it into an array of exactly that size.
            var remaining = Math.Max(0, stream.Length - stream.Position);
            if (remaining > _limit)
            {
                throw MinidumpFile.TooLarge(maxBytes);
            }

            _buffer = GC.AllocateUninitializedArray<byte>((int)remaining);
        }
        else
        {
            _buffer = GC.AllocateUninitializedArray<byte>(Math.Min(InitialCapacity, _limit));
        }
    }

    public static async ValueTask<ReadOnlyMemory<byte>> ReadToEndAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        var reader = new BoundedStreamReader(stream, maxBytes);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = await stream.ReadAsync(reader.NextSpace(), cancellationToken).ConfigureAwait(false);
            if (!reader.Advance(read))
            {
                return reader.Result;
            }
        }
    }

    public static ReadOnlyMemory<byte> ReadToEnd(Stream stream, long maxBytes)
    {
        var reader = new BoundedStreamReader(stream, maxBytes);
        while (reader.Advance(stream.Read(reader.NextSpace().Span)))
        {
        }

        return reader.Result;
    }

    private ReadOnlyMemory<byte> Result => _buffer.AsMemory(0, _count);

    /// <summary>Where the next read goes: the free end of the buffer, or the one-byte probe when it is full.</summary>
    private Memory<byte> NextSpace()
    {
        _probing = _count == _buffer.Length;
        return _probing ? _probe : _buffer.AsMemory(_count);
    }

    /// <summary>Takes in the bytes of the last read; false at the end of the stream.</summary>
    private bool Advance(int read)
    {
        if (read <= 0)
        {
            return false;
        }

        if (_probing)
        {
            if (_count >= _limit)
            {
                throw MinidumpFile.TooLarge(_maxBytes);
            }

            var grown = GC.AllocateUninitializedArray<byte>((int)Math.Min(Math.Max(2L * _buffer.Length, InitialCapacity), _limit));
            _buffer.AsSpan(0, _count).CopyTo(grown);
            _buffer = grown;
            _buffer[_count] = _probe[0];
        }

        _count += read;
        return true;
    }
}
