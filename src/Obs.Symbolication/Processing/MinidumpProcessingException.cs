namespace Obs.Symbolication;

/// <summary>What a dump lacks for processing (rust-minidump's <c>ProcessError</c>).</summary>
public enum MinidumpProcessingError
{
    /// <summary>The dump has no thread list.</summary>
    MissingThreadList,

    /// <summary>The dump has no system info.</summary>
    MissingSystemInfo,
}

/// <summary>A dump could be read but not processed: it lacks a stream processing requires.</summary>
public sealed class MinidumpProcessingException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public MinidumpProcessingException(MinidumpProcessingError error, string message) : base(message) => Error = error;

    /// <summary>Creates the exception with a message.</summary>
    public MinidumpProcessingException() : this(MinidumpProcessingError.MissingThreadList, "the dump cannot be processed")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MinidumpProcessingException(string message) : this(MinidumpProcessingError.MissingThreadList, message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public MinidumpProcessingException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>What the dump lacks.</summary>
    public MinidumpProcessingError Error { get; }
}
