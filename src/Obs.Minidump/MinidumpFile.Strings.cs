using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Obs.Minidump;

public sealed partial class MinidumpFile
{
    /// <summary>
    /// Reads a MINIDUMP_STRING (u32 byte length, UTF-16 in the dump's byte order, terminator not
    /// counted) at <paramref name="rva"/>. Returns null when the length is odd, the string lies
    /// outside the file, or the text is not valid UTF-16, as rust-minidump does.
    /// </summary>
    internal string? ReadMinidumpString(ulong rva)
    {
        if (!TryGetRange(rva, 4, out var start, out _))
        {
            return null;
        }

        var span = Span;
        var length = IsBigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(span[start..])
            : BinaryPrimitives.ReadUInt32LittleEndian(span[start..]);
        if ((length & 1) != 0 || !TryGetRange(rva + 4, length, out var textStart, out var textLength))
        {
            return null;
        }

        return DecodeUtf16(span.Slice(textStart, textLength), textStart, strict: true);
    }

    /// <summary>
    /// Decodes UTF-16 text in the dump's byte order. Strict decoding returns null on an unpaired
    /// surrogate; lenient decoding replaces it.
    /// </summary>
    internal string? DecodeUtf16(ReadOnlySpan<byte> bytes, long offset, bool strict)
    {
        var count = bytes.Length / 2;
        if (count == 0)
        {
            return string.Empty;
        }

        ChargeDecoding((2L * count) + 24, offset);
        char[]? rented = null;
        scoped ReadOnlySpan<char> chars;
        Span<char> small = stackalloc char[256];
        if (IsBigEndian == !BitConverter.IsLittleEndian)
        {
            chars = MemoryMarshal.Cast<byte, char>(bytes[..(count * 2)]);
        }
        else
        {
            var buffer = count <= small.Length ? small[..count] : (rented = ArrayPool<char>.Shared.Rent(count)).AsSpan(0, count);
            var source = MemoryMarshal.Cast<byte, ushort>(bytes[..(count * 2)]);
            for (var i = 0; i < count; i++)
            {
                buffer[i] = (char)BinaryPrimitives.ReverseEndianness(source[i]);
            }

            chars = buffer;
        }

        try
        {
            if (IsWellFormed(chars))
            {
                return new string(chars);
            }

            return strict ? null : Encoding.Unicode.GetString(MemoryMarshal.AsBytes(chars));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Decodes a fixed-size UTF-16 array up to its first NUL character, leniently.</summary>
    internal string DecodeUtf16UntilNul(ReadOnlySpan<byte> bytes, long offset)
    {
        var end = 0;
        while (end + 1 < bytes.Length && (bytes[end] | bytes[end + 1]) != 0)
        {
            end += 2;
        }

        return DecodeUtf16(bytes[..end], offset, strict: false) ?? string.Empty;
    }

    /// <summary>Decodes UTF-8 text, replacing invalid sequences.</summary>
    internal string DecodeUtf8Lossy(ReadOnlySpan<byte> bytes, long offset)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        ChargeDecoding((2L * bytes.Length) + 24, offset);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Decodes UTF-8 text strictly; null when it is not valid UTF-8.</summary>
    internal string? DecodeUtf8Strict(ReadOnlySpan<byte> bytes, long offset)
    {
        if (!Utf8.IsValid(bytes))
        {
            return null;
        }

        return DecodeUtf8Lossy(bytes, offset);
    }

    /// <summary>Decodes NUL-terminated 8-bit text (a CodeView file name), leniently.</summary>
    internal string DecodeUtf8UntilNul(ReadOnlySpan<byte> bytes, long offset)
    {
        var nul = bytes.IndexOf((byte)0);
        return DecodeUtf8Lossy(nul < 0 ? bytes : bytes[..nul], offset);
    }

    /// <summary>
    /// Reads a Crashpad MinidumpUTF8String: u32 length, then the bytes and a NUL that must be
    /// there. Null when out of bounds, unterminated or not valid UTF-8.
    /// </summary>
    internal string? ReadUtf8String(ulong rva)
    {
        if (!TryGetRange(rva, 4, out var start, out _))
        {
            return null;
        }

        var span = Span;
        var length = IsBigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(span[start..])
            : BinaryPrimitives.ReadUInt32LittleEndian(span[start..]);
        if (!TryGetRange(rva + 4, (ulong)length + 1, out var textStart, out var textLength) || span[textStart + textLength - 1] != 0)
        {
            return null;
        }

        return DecodeUtf8Strict(span.Slice(textStart, textLength - 1), textStart);
    }

    /// <summary>Reads a Crashpad MinidumpByteArray: u32 length, then that many bytes (no terminator).</summary>
    internal bool TryReadByteArray(ulong rva, out ReadOnlyMemory<byte> bytes)
    {
        bytes = default;
        if (!TryGetRange(rva, 4, out var start, out _))
        {
            return false;
        }

        var span = Span;
        var length = IsBigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(span[start..])
            : BinaryPrimitives.ReadUInt32LittleEndian(span[start..]);
        if (!TryGetRange(rva + 4, length, out var dataStart, out var dataLength))
        {
            return false;
        }

        bytes = _data.Slice(dataStart, dataLength);
        return true;
    }

    private static bool IsWellFormed(ReadOnlySpan<char> chars)
    {
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= chars.Length || !char.IsLowSurrogate(chars[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
