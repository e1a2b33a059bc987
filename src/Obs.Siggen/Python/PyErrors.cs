namespace Obs.Siggen.Python;

/// <summary>The Python exception class a <see cref="PyException"/> stands for.</summary>
/// <remarks>Socorro catches some classes and not others (<c>except (KeyError, IndexError)</c>), so the class matters, not only the message.</remarks>
internal enum PyExceptionKind
{
    TypeError,
    ValueError,
    AttributeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
}

/// <summary>
/// Where Socorro's Python code raises, the port throws <see cref="PyException"/> with the same
/// class and kind of message; the generator turns it into the note <c>"&lt;Rule&gt;: Rule failed: …"</c>.
/// </summary>
internal sealed class PyException : Exception
{
    public PyException(PyExceptionKind kind, string message) : base(message)
    {
        Kind = kind;
    }

    public PyException() { }

    public PyException(string message) : base(message) { }

    public PyException(string message, Exception innerException) : base(message, innerException) { }

    public PyExceptionKind Kind { get; }
}

internal static class PyErrors
{
    public static PyException NoAttribute(PyValue value, string attribute) =>
        new(PyExceptionKind.AttributeError, $"'{value.TypeName}' object has no attribute '{attribute}'");

    public static PyException NotIterable(PyValue value) =>
        new(PyExceptionKind.TypeError, $"'{value.TypeName}' object is not iterable");

    /// <summary><c>needle in value</c> on a value that supports neither <c>__contains__</c> nor iteration.</summary>
    public static PyException NotContainer(PyValue value) =>
        new(PyExceptionKind.TypeError, $"argument of type '{value.TypeName}' is not iterable");

    public static PyException NotSubscriptable(PyValue value) =>
        new(PyExceptionKind.TypeError, $"'{value.TypeName}' object is not subscriptable");

    /// <summary>Hashing a list or dict, e.g. as part of a dictionary key.</summary>
    public static PyException Unhashable(PyValue value) =>
        new(PyExceptionKind.TypeError, $"unhashable type: '{value.TypeName}'");

    /// <summary><c>KeyError</c>, whose <c>str()</c> is the <c>repr</c> of the missing key.</summary>
    public static PyException KeyError(string keyRepr) => new(PyExceptionKind.KeyError, keyRepr);

    public static PyException IndexOutOfRange() => new(PyExceptionKind.IndexError, "list index out of range");

    public static PyException TypeError(string message) => new(PyExceptionKind.TypeError, message);

    public static PyException ValueError(string message) => new(PyExceptionKind.ValueError, message);

    public static PyException Overflow(string message) => new(PyExceptionKind.OverflowError, message);
}
