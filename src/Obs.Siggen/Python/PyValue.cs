using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace Obs.Siggen.Python;

/// <summary>The Python type a JSON value becomes under <c>json.loads</c>.</summary>
internal enum PyKind : byte
{
    Missing,
    None,
    Bool,
    Int,
    Float,
    Str,
    List,
    Dict,
}

/// <summary>
/// A JSON value with the semantics Socorro's Python code gives it: truthiness, <c>str()</c>,
/// <c>int()</c>, <c>in</c>. Socorro's rules behave differently for <c>0</c> and <c>"0"</c>, for
/// <c>7</c> and <c>7.0</c>, so the crash-data model keeps the original JSON type where it matters.
/// <see cref="PyKind.Missing"/> stands for an absent key (<c>dict.get</c> returning its default).
/// </summary>
internal readonly struct PyValue
{
    private readonly object? _ref;
    private readonly long _bits;

    private PyValue(PyKind kind, object? reference, long bits)
    {
        Kind = kind;
        _ref = reference;
        _bits = bits;
    }

    public PyKind Kind { get; }

    public static PyValue Missing => default;

    public static PyValue None => new(PyKind.None, null, 0);

    public bool IsMissing => Kind == PyKind.Missing;

    /// <summary><c>None</c> or absent.</summary>
    public bool IsNone => Kind is PyKind.None or PyKind.Missing;

    public bool IsStr => Kind == PyKind.Str;

    public string Str => (string)_ref!;

    public bool Bool => _bits != 0;

    public double Float => BitConverter.Int64BitsToDouble(_bits);

    /// <summary>For <see cref="PyKind.Int"/>: the value when it fits in a <see cref="long"/>.</summary>
    public bool TryGetInt64(out long value)
    {
        if (Kind == PyKind.Int && _ref is null)
        {
            value = _bits;
            return true;
        }

        value = 0;
        return false;
    }

    public BigInteger BigInt => _ref is BigInteger big ? big : new BigInteger(_bits);

    public PyValue[] List => (PyValue[])_ref!;

    public PyDict Dict => (PyDict)_ref!;

    public static PyValue FromString(string? value) => value is null ? None : new(PyKind.Str, value, 0);

    /// <summary>A string, or <see cref="Missing"/> for null (an optional typed property left unset).</summary>
    public static PyValue FromOptional(string? value) => value is null ? Missing : new(PyKind.Str, value, 0);

    public static PyValue FromOptional(long? value) => value is { } v ? FromInt(v) : Missing;

    public static PyValue FromInt(long value) => new(PyKind.Int, null, value);

    public static PyValue FromInt(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? FromInt((long)value) : new(PyKind.Int, value, 0);

    public static PyValue FromFloat(double value) => new(PyKind.Float, null, BitConverter.DoubleToInt64Bits(value));

    public static PyValue FromBool(bool value) => new(PyKind.Bool, null, value ? 1 : 0);

    public static PyValue FromList(PyValue[] items) => new(PyKind.List, items, 0);

    public static PyValue FromDict(PyDict dict) => new(PyKind.Dict, dict, 0);

    /// <summary>Python truthiness.</summary>
    public bool IsTruthy => Kind switch
    {
        PyKind.Missing or PyKind.None => false,
        PyKind.Bool => _bits != 0,
        PyKind.Int => _ref is not null || _bits != 0,
        PyKind.Float => Float != 0.0,
        PyKind.Str => Str.Length != 0,
        PyKind.List => List.Length != 0,
        PyKind.Dict => Dict.Count != 0,
        _ => false,
    };

    /// <summary>Python's type name, for exception messages.</summary>
    public string TypeName => Kind switch
    {
        PyKind.Missing or PyKind.None => "NoneType",
        PyKind.Bool => "bool",
        PyKind.Int => "int",
        PyKind.Float => "float",
        PyKind.Str => "str",
        PyKind.List => "list",
        _ => "dict",
    };

    /// <summary><c>dict.get(key)</c>; <see cref="Missing"/> when absent. Raises for non-dicts, as <c>.get</c> would.</summary>
    public PyValue Get(string key)
    {
        if (Kind != PyKind.Dict)
        {
            throw PyErrors.NoAttribute(this, "get");
        }

        return Dict.Get(key);
    }

    /// <summary>Python <c>str(value)</c> (f-string formatting).</summary>
    public override string ToString() => Kind switch
    {
        PyKind.Str => Str,
        PyKind.Int when _ref is null => _bits.ToString(CultureInfo.InvariantCulture),
        PyKind.Missing or PyKind.None => "None",
        PyKind.Bool => Bool ? "True" : "False",
        _ => Repr(this),
    };

    /// <summary>Python <c>repr(value)</c>.</summary>
    public static string Repr(PyValue value)
    {
        var builder = new StringBuilder();
        AppendRepr(builder, value);
        return builder.ToString();
    }

    private static void AppendRepr(StringBuilder builder, PyValue value)
    {
        switch (value.Kind)
        {
            case PyKind.Missing:
            case PyKind.None:
                builder.Append("None");
                break;
            case PyKind.Bool:
                builder.Append(value.Bool ? "True" : "False");
                break;
            case PyKind.Int:
                builder.Append(value._ref is BigInteger big
                    ? big.ToString(CultureInfo.InvariantCulture)
                    : value._bits.ToString(CultureInfo.InvariantCulture));
                break;
            case PyKind.Float:
                builder.Append(PyText.FloatRepr(value.Float));
                break;
            case PyKind.Str:
                PyText.AppendStringRepr(builder, value.Str);
                break;
            case PyKind.List:
                builder.Append('[');
                var items = value.List;
                for (var i = 0; i < items.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    AppendRepr(builder, items[i]);
                }

                builder.Append(']');
                break;
            case PyKind.Dict:
                builder.Append('{');
                var first = true;
                foreach (var (key, item) in value.Dict.Items)
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    PyText.AppendStringRepr(builder, key);
                    builder.Append(": ");
                    AppendRepr(builder, item);
                }

                builder.Append('}');
                break;
        }
    }

    /// <summary>Converts a System.Text.Json value the way <c>json.loads</c> would type it.</summary>
    public static PyValue FromJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return new(PyKind.Str, JsonStrings.Get(element), 0);
            case JsonValueKind.Number:
                return FromJsonNumber(element);
            case JsonValueKind.True:
                return FromBool(true);
            case JsonValueKind.False:
                return FromBool(false);
            case JsonValueKind.Array:
                var items = new PyValue[element.GetArrayLength()];
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    items[index++] = FromJson(item);
                }

                return FromList(items);
            case JsonValueKind.Object:
                var dict = new PyDict();
                foreach (var property in element.EnumerateObject())
                {
                    dict.Set(JsonStrings.GetName(property), FromJson(property.Value));
                }

                return FromDict(dict);
            default:
                return None;
        }
    }

    /// <summary>Reads the value at the reader's current token (which it leaves on the value's last token).</summary>
    public static PyValue Read(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new(PyKind.Str, JsonStrings.Get(ref reader), 0);
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var small))
                {
                    return FromInt(small);
                }

                var raw = System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
                return FromNumberText(raw);
            case JsonTokenType.True:
                return FromBool(true);
            case JsonTokenType.False:
                return FromBool(false);
            case JsonTokenType.StartArray:
                var items = new List<PyValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(Read(ref reader));
                }

                return FromList([.. items]);
            case JsonTokenType.StartObject:
                var dict = new PyDict();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = JsonStrings.Get(ref reader);
                    reader.Read();
                    dict.Set(name, Read(ref reader));
                }

                return FromDict(dict);
            default:
                return None;
        }
    }

    /// <summary>This value as a JSON element (Python's <c>json.dumps</c> of it).</summary>
    public JsonElement ToJsonElement()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, this);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, PyValue value)
    {
        switch (value.Kind)
        {
            case PyKind.Bool:
                writer.WriteBooleanValue(value.Bool);
                break;
            case PyKind.Int:
                writer.WriteRawValue(value.BigInt.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
                break;
            case PyKind.Float when double.IsFinite(value.Float):
                writer.WriteNumberValue(value.Float);
                break;
            case PyKind.Str:
                writer.WriteStringValue(value.Str);
                break;
            case PyKind.List:
                writer.WriteStartArray();
                foreach (var item in value.List)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case PyKind.Dict:
                writer.WriteStartObject();
                foreach (var (key, item) in value.Dict.Items)
                {
                    writer.WritePropertyName(key);
                    Write(writer, item);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static PyValue FromNumberText(string raw)
    {
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            return FromInt(BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        // json.loads uses float() on the lexeme: huge exponents become inf, like double.Parse.
        return FromFloat(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    private static PyValue FromJsonNumber(JsonElement element)
    {
        if (element.TryGetInt64(out var small))
        {
            return FromInt(small);
        }

        return FromNumberText(element.GetRawText());
    }
}

/// <summary>A JSON object as Python sees it after <c>json.loads</c>: insertion order, last duplicate wins.</summary>
internal sealed class PyDict
{
    private readonly List<KeyValuePair<string, PyValue>> _items = [];

    public int Count => _items.Count;

    public IReadOnlyList<KeyValuePair<string, PyValue>> Items => _items;

    public PyValue Get(string key)
    {
        foreach (var (name, value) in _items)
        {
            if (string.Equals(name, key, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return PyValue.Missing;
    }

    public bool ContainsKey(string key) => !Get(key).IsMissing;

    public void Set(string key, PyValue value)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Key, key, StringComparison.Ordinal))
            {
                // Python keeps the first key's position and the last value.
                _items[i] = new(key, value);
                return;
            }
        }

        _items.Add(new(key, value));
    }
}
