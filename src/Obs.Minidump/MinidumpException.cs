using System.Globalization;

namespace Obs.Minidump;

/// <summary>What kind of problem stopped the reading of a minidump or of one of its streams.</summary>
public enum MinidumpErrorKind
{
    /// <summary>The input is shorter than the 32-byte header.</summary>
    MissingHeader,

    /// <summary>The header signature is not <c>MDMP</c> in either byte order.</summary>
    HeaderMismatch,

    /// <summary>The header version is not 42899, or a stream's own version is not supported.</summary>
    VersionMismatch,

    /// <summary>The stream directory lies (partly) outside the file.</summary>
    MissingDirectory,

    /// <summary>A stream, or a structure a stream points to, lies outside the file or its stream.</summary>
    StreamReadFailure,

    /// <summary>A stream's size does not agree with the entry count or the structure it holds.</summary>
    StreamSizeMismatch,

    /// <summary>A module (or unloaded module) entry could not be read.</summary>
    ModuleReadFailure,

    /// <summary>A memory region could not be read.</summary>
    MemoryReadFailure,

    /// <summary>A CodeView record or a module name could not be read.</summary>
    CodeViewReadFailure,

    /// <summary>A value inside a stream is invalid (bad text, an inconsistent field, an exhausted decoding budget).</summary>
    DataError,

    /// <summary>A CPU context could not be read or does not match the CPU the system info names.</summary>
    ContextReadFailure,

    /// <summary>The system info names a CPU whose context layout is not supported.</summary>
    UnknownCpuContext,

    /// <summary>
    /// The input is larger than the size limit given to <see cref="MinidumpFile.ReadAsync"/>, or
    /// than <see cref="MinidumpFile.MaxLength"/>, the largest minidump a <see cref="MinidumpFile"/> holds.
    /// </summary>
    TooLarge,
}

/// <summary>
/// A minidump, or one of its streams, was read but is not valid: not a minidump, truncated,
/// corrupt, or over a size limit. <see cref="Kind"/> says why and <see cref="Offset"/> where (a
/// byte offset from the start of the file, or -1 when there is none). A file that could not be
/// read at all is reported by the BCL's own <see cref="IOException"/> or
/// <see cref="UnauthorizedAccessException"/>, not by this exception.
/// </summary>
public sealed class MinidumpException : Exception
{
    /// <summary>Creates an exception of <paramref name="kind"/> at file offset <paramref name="offset"/>.</summary>
    public MinidumpException(MinidumpErrorKind kind, string message, long offset)
        : base(FormatMessage(message, offset))
    {
        Kind = kind;
        Reason = message;
        Offset = offset;
    }

    /// <summary>Creates an exception of <paramref name="kind"/> that wraps <paramref name="innerException"/>.</summary>
    public MinidumpException(MinidumpErrorKind kind, string message, long offset, Exception innerException)
        : base(FormatMessage(message, offset), innerException)
    {
        Kind = kind;
        Reason = message;
        Offset = offset;
    }

    /// <summary>Creates a <see cref="MinidumpErrorKind.DataError"/> exception with no offset.</summary>
    public MinidumpException() : this(MinidumpErrorKind.DataError, "invalid minidump", -1)
    {
    }

    /// <summary>Creates a <see cref="MinidumpErrorKind.DataError"/> exception with no offset.</summary>
    public MinidumpException(string message) : this(MinidumpErrorKind.DataError, message, -1)
    {
    }

    /// <summary>Creates a <see cref="MinidumpErrorKind.DataError"/> exception with no offset.</summary>
    public MinidumpException(string message, Exception innerException)
        : this(MinidumpErrorKind.DataError, message, -1, innerException)
    {
    }

    /// <summary>What kind of problem this is.</summary>
    public MinidumpErrorKind Kind { get; }

    /// <summary>The problem, without the offset.</summary>
    public string Reason { get; }

    /// <summary>Byte offset from the start of the file where reading stopped, or -1 when unknown.</summary>
    public long Offset { get; }

    private static string FormatMessage(string message, long offset) =>
        offset < 0
            ? message
            : string.Create(CultureInfo.InvariantCulture, $"{message} (at file offset 0x{offset:x})");
}
