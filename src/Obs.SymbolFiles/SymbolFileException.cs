namespace Obs.SymbolFiles;

/// <summary>
/// A symbol file was read but rejected as invalid: in strict mode at its first malformed line, or
/// in any mode when it cannot be parsed at all (no line of it is a Breakpad record, or it exceeds
/// a size limit of the index). A saved index that is not valid throws the derived
/// <see cref="SymbolIndexFormatException"/>. A file that could not be read at all is reported by
/// the BCL's own <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>, not by
/// this exception.
/// </summary>
/// <remarks>
/// Not sealed: the exceptions for other invalid symbol inputs derive from it, so that one
/// <c>catch (SymbolFileException)</c> covers any input that was read but is not valid.
/// </remarks>
public class SymbolFileException : Exception
{
    /// <summary>Creates an exception for a problem at a 1-based line number and byte offset.</summary>
    public SymbolFileException(string message, long lineNumber, long byteOffset)
        : base(FormatMessage(message, lineNumber, byteOffset))
    {
        Reason = message;
        LineNumber = lineNumber;
        ByteOffset = byteOffset;
    }

    /// <summary>Creates an exception with no position.</summary>
    public SymbolFileException(string message) : base(message)
    {
        Reason = message;
    }

    /// <summary>Creates an exception with no position, wrapping <paramref name="innerException"/>.</summary>
    public SymbolFileException(string message, Exception innerException) : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Creates an exception with no message.</summary>
    public SymbolFileException() : this("invalid symbol file")
    {
    }

    /// <summary>What was wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>1-based number of the offending line, or 0 when the problem has no line.</summary>
    public long LineNumber { get; }

    /// <summary>Byte offset of the start of the offending line, or -1 when unknown.</summary>
    public long ByteOffset { get; } = -1;

    private static string FormatMessage(string message, long lineNumber, long byteOffset) =>
        $"{message} (line {lineNumber}, byte offset {byteOffset})";
}
