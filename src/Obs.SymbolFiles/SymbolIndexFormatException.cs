namespace Obs.SymbolFiles;

/// <summary>Why a saved index was rejected (see <see cref="SymbolIndexFormatException"/>).</summary>
public enum SymbolIndexFormatError
{
    /// <summary>The file does not start with the index's magic: it is not a saved index.</summary>
    NotAnIndex,

    /// <summary>The file is shorter than its header says (or than a header).</summary>
    Truncated,

    /// <summary>The file is longer than its header says.</summary>
    TrailingBytes,

    /// <summary>The file was written on a machine of the other byte order.</summary>
    WrongByteOrder,

    /// <summary>The file's format version is older than this library reads: rebuild it from the text.</summary>
    VersionTooOld,

    /// <summary>The file's format version is newer than this library reads.</summary>
    VersionTooNew,

    /// <summary>The file's record layouts are not the ones this library reads: rebuild it from the text.</summary>
    LayoutMismatch,

    /// <summary>The checksum of the header and section table does not match: they are corrupt.</summary>
    HeaderChecksumMismatch,

    /// <summary>A section of the section table is missing, repeated, misaligned or outside the file.</summary>
    BadSection,

    /// <summary>The hash of the whole content does not match (only checked when the open asks for it).</summary>
    ContentHashMismatch,

    /// <summary>A record points outside the tables: the content is corrupt (found by a lookup or when the metadata is read).</summary>
    CorruptRecord,
}

/// <summary>
/// A saved index (see <see cref="SymbolIndexReference.Save(string, string?)"/>) was read but is not
/// valid: not an index, truncated, corrupt, or of another format version or byte order.
/// <see cref="Error"/> says which. The file can be rebuilt from the symbol file's text.
/// </summary>
public sealed class SymbolIndexFormatException : SymbolFileException
{
    /// <summary>Creates an exception for a rejected index.</summary>
    public SymbolIndexFormatException(SymbolIndexFormatError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Creates an exception for a corrupt index (<see cref="SymbolIndexFormatError.CorruptRecord"/>).</summary>
    public SymbolIndexFormatException(string message)
        : this(SymbolIndexFormatError.CorruptRecord, message)
    {
    }

    /// <summary>Creates an exception for a corrupt index, wrapping <paramref name="innerException"/>.</summary>
    public SymbolIndexFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = SymbolIndexFormatError.CorruptRecord;
    }

    /// <summary>Creates an exception for a corrupt index with a generic message.</summary>
    public SymbolIndexFormatException()
        : this("corrupt symbol index")
    {
    }

    /// <summary>Why the index was rejected.</summary>
    public SymbolIndexFormatError Error { get; }
}
