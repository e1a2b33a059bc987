using System.Globalization;
using System.Text;
using System.Text.Json;
using Obs.Cli.Infrastructure;

namespace Obs.Cli.Commands;

/// <summary>
/// A structured sink for <c>obs dump</c>: the same traversal writes either one JSON document or an
/// indented <c>key = value</c> text, so the two outputs always carry the same fields.
/// </summary>
internal abstract class DumpOutput : IDisposable
{
    public abstract void StartObject(string? name);

    public abstract void EndObject();

    public abstract void StartArray(string name);

    public abstract void EndArray();

    public abstract void String(string name, string? value);

    public abstract void Number(string name, long? value);

    public abstract void Hex(string name, ulong? value);

    public abstract void Bool(string name, bool value);

    public void StringArray(string name, IEnumerable<string> values)
    {
        StartArray(name);
        foreach (var value in values)
        {
            String(string.Empty, value);
        }

        EndArray();
    }

    /// <summary>An array named <paramref name="name"/> with one object per item, written by <paramref name="write"/>.</summary>
    public void ObjectArray<T>(string name, IEnumerable<T> items, Action<DumpOutput, T> write)
    {
        StartArray(name);
        foreach (var item in items)
        {
            StartObject(null);
            write(this, item);
            EndObject();
        }

        EndArray();
    }

    public abstract void Dispose();
}

/// <summary>JSON on standard output (Utf8JsonWriter; hex as lowercase <c>0x…</c> strings, <c>null</c> for unknowns).</summary>
internal sealed class JsonDumpOutput(Stream output) : DumpOutput
{
    private readonly Utf8JsonWriter _writer = CliJson.CreateWriter(output);

    public override void StartObject(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            _writer.WriteStartObject();
        }
        else
        {
            _writer.WriteStartObject(name);
        }
    }

    public override void EndObject() => _writer.WriteEndObject();

    public override void StartArray(string name) => _writer.WriteStartArray(name);

    public override void EndArray() => _writer.WriteEndArray();

    public override void String(string name, string? value)
    {
        if (name.Length == 0)
        {
            if (value is null)
            {
                _writer.WriteNullValue();
            }
            else
            {
                _writer.WriteStringValue(value);
            }
        }
        else
        {
            _writer.WriteStringOrNull(name, value);
        }
    }

    public override void Number(string name, long? value) => _writer.WriteNumberOrNull(name, value);

    public override void Hex(string name, ulong? value)
    {
        if (name.Length == 0)
        {
            _writer.WriteStringValue(CliJson.Hex(value ?? 0));
        }
        else
        {
            _writer.WriteHex(name, value);
        }
    }

    public override void Bool(string name, bool value) => _writer.WriteBoolean(name, value);

    public override void Dispose()
    {
        _writer.Flush();
        _writer.Dispose();
    }
}

/// <summary>Human-readable text: one <c>name = value</c> line per field, nested objects indented.</summary>
internal sealed class TextDumpOutput(Stream output) : DumpOutput
{
    private readonly StreamWriter _writer = new(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
    private readonly Stack<(string Name, int Count, bool IsArray)> _scopes = new();
    private int _depth;

    private string Indent => new(' ', 2 * _depth);

    private string NextName(string name)
    {
        if (_scopes.Count > 0 && _scopes.Peek().IsArray)
        {
            var (arrayName, count, _) = _scopes.Pop();
            _scopes.Push((arrayName, count + 1, true));
            return string.Create(CultureInfo.InvariantCulture, $"{arrayName}[{count}]");
        }

        return name;
    }

    public override void StartObject(string? name)
    {
        if (_scopes.Count == 0 && string.IsNullOrEmpty(name))
        {
            _scopes.Push((string.Empty, 0, false));
            return;
        }

        var label = NextName(name ?? string.Empty);
        _writer.WriteLine(Indent + label);
        _scopes.Push((label, 0, false));
        _depth++;
    }

    public override void EndObject()
    {
        var scope = _scopes.Pop();
        if (_scopes.Count == 0 && scope.Name.Length == 0)
        {
            return;
        }

        _depth--;
        if (_depth <= 1)
        {
            _writer.WriteLine();
        }
    }

    public override void StartArray(string name)
    {
        var label = NextName(name);
        _scopes.Push((label, 0, true));
    }

    public override void EndArray()
    {
        var (name, count, _) = _scopes.Pop();
        if (count == 0)
        {
            _writer.WriteLine($"{Indent}{name} = []");
        }
    }

    private void Line(string name, string value) => _writer.WriteLine($"{Indent}{NextName(name)} = {value}");

    public override void String(string name, string? value) => Line(name, value is null ? "(null)" : value);

    public override void Number(string name, long? value) =>
        Line(name, value?.ToString(CultureInfo.InvariantCulture) ?? "(null)");

    public override void Hex(string name, ulong? value) => Line(name, value is { } v ? CliJson.Hex(v) : "(null)");

    public override void Bool(string name, bool value) => Line(name, value ? "true" : "false");

    public override void Dispose()
    {
        _writer.Flush();
        _writer.Dispose();
    }
}
