using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Obs.Minidump.Internal;

/// <summary>
/// A forward reader over a slice of the dump, in the dump's byte order. Every read is bounds
/// checked; reading past the end throws a <see cref="MinidumpException"/> whose offset is the file
/// offset where the read started.
/// </summary>
internal ref struct SpanReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _baseOffset;
    private readonly MinidumpErrorKind _failureKind;
    private int _position;

    public SpanReader(ReadOnlySpan<byte> data, long baseOffset, bool bigEndian,
        MinidumpErrorKind failureKind = MinidumpErrorKind.StreamReadFailure)
    {
        _data = data;
        _baseOffset = baseOffset;
        BigEndian = bigEndian;
        _failureKind = failureKind;
        _position = 0;
    }

    public bool BigEndian { get; }

    public readonly int Length => _data.Length;

    public readonly int Remaining => _data.Length - _position;

    /// <summary>File offset of the next byte to read.</summary>
    public readonly long FileOffset => _baseOffset + _position;

    public int Position
    {
        readonly get => _position;
        set
        {
            if ((uint)value > (uint)_data.Length)
            {
                ThrowHelper.Throw(_failureKind, "position outside the structure", _baseOffset + _data.Length);
            }

            _position = value;
        }
    }

    public byte ReadByte() => Take(1)[0];

    public ushort ReadUInt16()
    {
        var span = Take(2);
        return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
    }

    public uint ReadUInt32()
    {
        var span = Take(4);
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
    }

    public int ReadInt32() => unchecked((int)ReadUInt32());

    public ulong ReadUInt64()
    {
        var span = Take(8);
        return BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(span) : BinaryPrimitives.ReadUInt64LittleEndian(span);
    }

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    public void Skip(int count) => Take(count);

    /// <summary>Reads a GUID stored as u32, u16, u16 in the dump's byte order and 8 raw bytes.</summary>
    public Guid ReadGuid()
    {
        var a = ReadUInt32();
        var b = ReadUInt16();
        var c = ReadUInt16();
        var d = Take(8);
        return new Guid(a, b, c, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_data.Length - _position))
        {
            ThrowOverrun(count);
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    private readonly void ThrowOverrun(int count) =>
        ThrowHelper.Throw(_failureKind, $"{count} bytes needed, {Remaining} left", FileOffset);
}
