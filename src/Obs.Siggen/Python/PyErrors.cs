namespace Obs.Siggen.Python;

/// <summary>
/// Where Socorro's Python code raises, the port throws <see cref="PyException"/> with the same
/// kind of message; the generator turns it into the note <c>"&lt;Rule&gt;: Rule failed: …"</c>.
/// </summary>
internal sealed class PyException : Exception
{
    public PyException(string message) : base(message) { }

    public PyException() { }

    public PyException(string message, Exception innerException) : base(message, innerException) { }
}

internal static class PyErrors
{
    public static PyException NoAttribute(PyValue value, string attribute) =>
        new($"'{value.TypeName}' object has no attribute '{attribute}'");

    public static PyException NotIterable(PyValue value) =>
        new($"'{value.TypeName}' object is not iterable");

    public static PyException TypeError(string message) => new(message);

    public static PyException ValueError(string message) => new(message);
}
