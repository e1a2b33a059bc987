using System.Globalization;
using System.Numerics;

namespace Obs.Siggen.Python;

/// <summary>
/// Python's <c>json.loads</c> on a <c>str</c>, for JSON that arrives as text inside crash data
/// (the <c>AsyncShutdownTimeout</c> annotation). It accepts what CPython's decoder accepts and
/// nothing more: <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> are numbers, escaped lone
/// surrogates are kept, control characters inside strings are refused, a leading BOM is refused,
/// and text after the value is "Extra data". Failures carry CPython's <c>JSONDecodeError</c>
/// message with its line, column and character position.
/// </summary>
internal ref struct PyJson
{
    // CPython's C scanner recurses once per nested array or object and stops at the interpreter's
    // recursion limit with RecursionError, which callers do not catch as a decoding error.
    private const int MaximumDepth = 990;

    private readonly string _text;
    private int _position;
    private int _depth;

    private PyJson(string text)
    {
        _text = text;
    }

    /// <summary>Decodes <paramref name="text"/>; on a decoding error returns false with CPython's message.</summary>
    /// <exception cref="PyException">Nesting deeper than CPython's recursion limit (a RecursionError there).</exception>
    public static bool TryLoads(string text, out PyValue value, out string error)
    {
        var parser = new PyJson(text);
        value = default;
        error = string.Empty;
        if (text.StartsWith('\uFEFF'))
        {
            error = Format(text, "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
            return false;
        }

        parser.SkipWhitespace();
        if (!parser.TryValue(out value, out error))
        {
            return false;
        }

        parser.SkipWhitespace();
        if (parser._position != text.Length)
        {
            error = Format(text, "Extra data", parser._position);
            return false;
        }

        return true;
    }

    private static string Format(string text, string message, int position)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{message}: line {line} column {position - lineStart + 1} (char {position})");
    }

    private bool Fail(string message, int position, out string error)
    {
        error = Format(_text, message, position);
        return false;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
        {
            _position++;
        }
    }

    private bool StartsWithAt(string literal) => _text.AsSpan(_position).StartsWith(literal, StringComparison.Ordinal);

    private bool TryValue(out PyValue value, out string error)
    {
        value = default;
        error = string.Empty;
        if (_position >= _text.Length)
        {
            return Fail("Expecting value", _position, out error);
        }

        switch (_text[_position])
        {
            case '"':
                _position++;
                if (!TryString(out var text, out error))
                {
                    return false;
                }

                value = PyValue.FromString(text);
                return true;
            case '{':
                return TryObject(out value, out error);
            case '[':
                return TryArray(out value, out error);
        }

        foreach (var (literal, constant) in Constants)
        {
            if (StartsWithAt(literal))
            {
                _position += literal.Length;
                value = constant;
                return true;
            }
        }

        return TryNumber(out value) || Fail("Expecting value", _position, out error);
    }

    private static readonly (string Literal, PyValue Value)[] Constants =
    [
        ("null", PyValue.None),
        ("true", PyValue.FromBool(true)),
        ("false", PyValue.FromBool(false)),
        ("NaN", PyValue.FromFloat(double.NaN)),
        ("Infinity", PyValue.FromFloat(double.PositiveInfinity)),
        ("-Infinity", PyValue.FromFloat(double.NegativeInfinity)),
    ];

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? with ASCII digits, as the C scanner reads it.
    private bool TryNumber(out PyValue value)
    {
        value = default;
        var start = _position;
        var i = _position;
        if (i < _text.Length && _text[i] == '-')
        {
            i++;
        }

        if (i >= _text.Length || !char.IsAsciiDigit(_text[i]))
        {
            return false;
        }

        i = _text[i] == '0' ? i + 1 : SkipDigits(i);
        var isFloat = false;
        if (i + 1 < _text.Length && _text[i] == '.' && char.IsAsciiDigit(_text[i + 1]))
        {
            i = SkipDigits(i + 1);
            isFloat = true;
        }

        if (i < _text.Length && _text[i] is 'e' or 'E')
        {
            var exponent = i + 1;
            if (exponent < _text.Length && _text[exponent] is '-' or '+')
            {
                exponent++;
            }

            if (exponent < _text.Length && char.IsAsciiDigit(_text[exponent]))
            {
                i = SkipDigits(exponent);
                isFloat = true;
            }
        }

        var lexeme = _text.AsSpan(start, i - start);
        value = isFloat
            ? PyValue.FromFloat(double.Parse(lexeme, NumberStyles.Float, CultureInfo.InvariantCulture))
            : PyValue.FromInt(BigInteger.Parse(lexeme, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        _position = i;
        return true;
    }

    private readonly int SkipDigits(int i)
    {
        while (i < _text.Length && char.IsAsciiDigit(_text[i]))
        {
            i++;
        }

        return i;
    }

    // After the opening quote; leaves the position after the closing one.
    private bool TryString(out string value, out string error)
    {
        value = string.Empty;
        error = string.Empty;
        var begin = _position - 1;
        var builder = new System.Text.StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                return Fail("Unterminated string starting at", begin, out error);
            }

            var c = _text[_position];
            if (c == '"')
            {
                _position++;
                value = builder.ToString();
                return true;
            }

            if (c < ' ')
            {
                return Fail("Invalid control character at", _position, out error);
            }

            if (c != '\\')
            {
                builder.Append(c);
                _position++;
                continue;
            }

            if (_position + 1 >= _text.Length)
            {
                return Fail("Unterminated string starting at", begin, out error);
            }

            var escape = _text[_position + 1];
            char? simple = escape switch
            {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                _ => null,
            };

            if (simple is { } unescaped)
            {
                builder.Append(unescaped);
                _position += 2;
                continue;
            }

            if (escape != 'u')
            {
                return Fail("Invalid \\escape", _position, out error);
            }

            if (!TryHex4(_position + 2, out var unit))
            {
                return Fail("Invalid \\uXXXX escape", _position + 1, out error);
            }

            _position += 6;
            builder.Append((char)unit);
        }
    }

    private readonly bool TryHex4(int start, out int unit)
    {
        unit = 0;
        if (start + 4 > _text.Length)
        {
            return false;
        }

        foreach (var c in _text.AsSpan(start, 4))
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }

            unit = (unit * 16) + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }

        return true;
    }

    private void Enter()
    {
        if (++_depth > MaximumDepth)
        {
            throw new PyException(PyExceptionKind.RecursionError, "maximum recursion depth exceeded while decoding a JSON document");
        }
    }

    private bool TryArray(out PyValue value, out string error)
    {
        value = default;
        error = string.Empty;
        Enter();
        _position++;
        var items = new List<PyValue>();
        SkipWhitespace();
        if (_position < _text.Length && _text[_position] == ']')
        {
            _position++;
            _depth--;
            value = PyValue.FromList([]);
            return true;
        }

        while (true)
        {
            SkipWhitespace();
            if (!TryValue(out var item, out error))
            {
                return false;
            }

            items.Add(item);
            SkipWhitespace();
            if (_position < _text.Length && _text[_position] == ']')
            {
                _position++;
                break;
            }

            if (_position >= _text.Length || _text[_position] != ',')
            {
                return Fail("Expecting ',' delimiter", _position, out error);
            }

            _position++;
            SkipWhitespace();
        }

        _depth--;
        value = PyValue.FromList([.. items]);
        return true;
    }

    private bool TryObject(out PyValue value, out string error)
    {
        value = default;
        error = string.Empty;
        Enter();
        _position++;
        var dict = new PyDict();
        SkipWhitespace();
        if (_position < _text.Length && _text[_position] == '}')
        {
            _position++;
            _depth--;
            value = PyValue.FromDict(dict);
            return true;
        }

        while (true)
        {
            if (_position >= _text.Length || _text[_position] != '"')
            {
                return Fail("Expecting property name enclosed in double quotes", _position, out error);
            }

            _position++;
            if (!TryString(out var key, out error))
            {
                return false;
            }

            SkipWhitespace();
            if (_position >= _text.Length || _text[_position] != ':')
            {
                return Fail("Expecting ':' delimiter", _position, out error);
            }

            _position++;
            SkipWhitespace();
            if (!TryValue(out var item, out error))
            {
                return false;
            }

            dict.Set(key, item);
            SkipWhitespace();
            if (_position < _text.Length && _text[_position] == '}')
            {
                _position++;
                break;
            }

            if (_position >= _text.Length || _text[_position] != ',')
            {
                return Fail("Expecting ',' delimiter", _position, out error);
            }

            _position++;
            SkipWhitespace();
        }

        _depth--;
        value = PyValue.FromDict(dict);
        return true;
    }
}
