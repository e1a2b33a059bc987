using System.Globalization;
using System.Numerics;
using System.Text;

namespace Obs.Siggen.Python;

/// <summary>
/// Python 3 <c>str</c> semantics that Socorro's siggen depends on: lengths and slices in code
/// points, Unicode <c>strip</c>/<c>lower</c>/<c>splitlines</c>, <c>int()</c> parsing and
/// <c>repr</c> of floats and strings.
/// </summary>
internal static class PyText
{
    /// <summary><c>str.isspace()</c> for one UTF-16 unit (Python's whitespace also has U+001C..U+001F).</summary>
    public static bool IsWhitespace(char c) =>
        c <= '\u007f'
            ? c is ' ' or (>= '\t' and <= '\r') or (>= '\u001c' and <= '\u001f')
            : char.IsWhiteSpace(c);

    /// <summary><c>str.strip()</c> with no argument.</summary>
    public static string Strip(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsWhitespace(text[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(text[end - 1]))
        {
            end--;
        }

        return start == 0 && end == text.Length ? text : text[start..end];
    }

    /// <summary><c>str.rstrip(chars)</c>.</summary>
    public static string RStrip(string text, string chars)
    {
        var end = text.Length;
        while (end > 0 && chars.Contains(text[end - 1], StringComparison.Ordinal))
        {
            end--;
        }

        return end == text.Length ? text : text[..end];
    }

    /// <summary><c>str.strip(chars)</c>.</summary>
    public static string Strip(string text, string chars)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && chars.Contains(text[start], StringComparison.Ordinal))
        {
            start++;
        }

        while (end > start && chars.Contains(text[end - 1], StringComparison.Ordinal))
        {
            end--;
        }

        return start == 0 && end == text.Length ? text : text[start..end];
    }

    /// <summary>Number of code points (a surrogate pair counts once, a lone surrogate once).</summary>
    public static int CodePointLength(string text)
    {
        var length = text.Length;
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                length--;
                i++;
            }
        }

        return length;
    }

    /// <summary><c>text[:count]</c> in code points.</summary>
    public static string Prefix(string text, int count)
    {
        var index = 0;
        for (var seen = 0; seen < count && index < text.Length; seen++)
        {
            index += index + 1 < text.Length && char.IsHighSurrogate(text[index]) && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
        }

        return index >= text.Length ? text : text[..index];
    }

    /// <summary>Orders strings by code point, as Python's <c>sorted()</c> does.</summary>
    public static int CompareCodePoints(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a == b)
            {
                continue;
            }

            // Surrogates (astral code points) sort above U+E000..U+FFFF in code-point order.
            if (char.IsSurrogate(a) != char.IsSurrogate(b))
            {
                return char.IsSurrogate(a) ? 1 : -1;
            }

            return a < b ? -1 : 1;
        }

        return x.Length.CompareTo(y.Length);
    }

    /// <summary><c>str.lower()</c>: full Unicode mapping (U+0130 becomes two code points, final sigma).</summary>
    public static string Lower(string text)
    {
        var ascii = true;
        foreach (var c in text)
        {
            if (c >= '\u0080')
            {
                ascii = false;
                break;
            }
        }

        if (ascii)
        {
            return text.ToLowerInvariant();
        }

        var builder = new StringBuilder(text.Length);
        Span<char> buffer = stackalloc char[2];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\u0130')
            {
                builder.Append("i\u0307");
            }
            else if (c == '\u03a3')
            {
                builder.Append(IsFinalSigma(text, i) ? '\u03c2' : '\u03c3');
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var rune = Rune.ToLowerInvariant(new Rune(c, text[i + 1]));
                builder.Append(buffer[..rune.EncodeToUtf16(buffer)]);
                i++;
            }
            else
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    // Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorable
    // characters) and no cased letter after.
    private static bool IsFinalSigma(string text, int index)
    {
        var before = false;
        for (var j = index - 1; j >= 0; j--)
        {
            if (IsCaseIgnorable(text[j]))
            {
                continue;
            }

            before = IsCased(text[j]);
            break;
        }

        if (!before)
        {
            return false;
        }

        for (var j = index + 1; j < text.Length; j++)
        {
            if (IsCaseIgnorable(text[j]))
            {
                continue;
            }

            return !IsCased(text[j]);
        }

        return true;
    }

    private static bool IsCased(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c) =>
        c is '\'' or '.' or ':' or '^' or '`' or '\u00b7' or '\u2019' ||
        char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;

    /// <summary>True when <c>text.lower().endswith(suffix)</c> for an ASCII lowercase suffix.</summary>
    /// <remarks>No non-ASCII character lowercases to an ASCII letter other than U+212A (k), so an ASCII comparison is exact for suffixes without 'k'.</remarks>
    public static bool LowerEndsWith(string text, string asciiLowerSuffix)
    {
        if (text.Length < asciiLowerSuffix.Length)
        {
            return false;
        }

        var offset = text.Length - asciiLowerSuffix.Length;
        for (var i = 0; i < asciiLowerSuffix.Length; i++)
        {
            var c = text[offset + i];
            if (c is >= 'A' and <= 'Z')
            {
                c = (char)(c + 32);
            }

            if (c != asciiLowerSuffix[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>str.splitlines()</c>: also breaks on \v \f \x1c \x1d \x1e \x85 U+2028 U+2029.</summary>
    public static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\u001c' or '\u001d' or '\u001e' or '\u0085' or '\u2028' or '\u2029')
            {
                lines.Add(text[start..i]);
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                start = i;
            }
            else
            {
                i++;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }

    /// <summary>Python <c>int(value)</c> for a JSON value; throws <see cref="PyException"/> as Python raises (TypeError, ValueError, OverflowError).</summary>
    public static BigInteger ToInt(PyValue value, out PyIntError error)
    {
        error = PyIntError.None;
        switch (value.Kind)
        {
            case PyKind.Bool:
                return value.Bool ? BigInteger.One : BigInteger.Zero;
            case PyKind.Int:
                return value.BigInt;
            case PyKind.Float:
                var f = value.Float;
                if (double.IsNaN(f))
                {
                    error = PyIntError.ValueError;
                    return default;
                }

                if (double.IsInfinity(f))
                {
                    error = PyIntError.OverflowError;
                    return default;
                }

                return new BigInteger(Math.Truncate(f));
            case PyKind.Str:
                if (TryParseInt(value.Str, 10, out var parsed))
                {
                    return parsed;
                }

                error = PyIntError.ValueError;
                return default;
            default:
                error = PyIntError.TypeError;
                return default;
        }
    }

    /// <summary>The message Python gives for a failed <c>int()</c>.</summary>
    public static string IntErrorMessage(PyValue value, PyIntError error) => error switch
    {
        PyIntError.ValueError when value.IsStr => $"invalid literal for int() with base 10: {PyValue.Repr(value)}",
        PyIntError.ValueError => "cannot convert float NaN to integer",
        PyIntError.OverflowError => "cannot convert float infinity to integer",
        _ => $"int() argument must be a string, a bytes-like object or a real number, not '{value.TypeName}'",
    };

    /// <summary>
    /// Parses like Python's <c>int(text, base)</c> for base 10 or 16: surrounding whitespace, a
    /// sign, single underscores between digits, Unicode decimal digits, and (base 16) a 0x prefix.
    /// </summary>
    public static bool TryParseInt(string text, int radix, out BigInteger value)
    {
        value = default;
        if (!TryNormalizeDigits(text, radix, out var negative, out var digits))
        {
            return false;
        }

        var result = BigInteger.Zero;
        foreach (var d in digits)
        {
            result = (result * radix) + HexValue(d);
        }

        value = negative ? -result : result;
        return true;
    }

    /// <summary>
    /// <c>hex(int(text, 16))</c>: <c>"0x…"</c> in lowercase without leading zeros, <c>"-0x…"</c>
    /// for negatives, or null when Python would raise ValueError.
    /// </summary>
    public static string? HexOfInt16(string text)
    {
        if (!TryNormalizeDigits(text, 16, out var negative, out var digits))
        {
            return null;
        }

        var firstNonZero = 0;
        while (firstNonZero < digits.Length - 1 && digits[firstNonZero] == '0')
        {
            firstNonZero++;
        }

        var significant = digits[firstNonZero..].ToLowerInvariant();
        return (negative && significant != "0" ? "-0x" : "0x") + significant;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static bool TryNormalizeDigits(string text, int radix, out bool negative, out string digits)
    {
        negative = false;
        digits = string.Empty;
        var s = Strip(text).AsSpan();
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        var underscoreAllowed = false;
        if (radix == 16 && s.Length >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
        {
            s = s[2..];
            underscoreAllowed = true;
        }

        var builder = new StringBuilder(s.Length);
        var lastWasUnderscore = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '_')
            {
                if (!underscoreAllowed || lastWasUnderscore)
                {
                    return false;
                }

                lastWasUnderscore = true;
                continue;
            }

            char digit;
            if (c is >= '0' and <= '9')
            {
                digit = c;
            }
            else if (radix == 16 && (c | 0x20) is >= 'a' and <= 'f')
            {
                digit = c;
            }
            else if (c > '\u007f' && CharUnicodeInfo.GetDecimalDigitValue(c) is var dv && dv >= 0)
            {
                digit = (char)('0' + dv);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])
                && CharUnicodeInfo.GetDecimalDigitValue(char.ConvertFromUtf32(char.ConvertToUtf32(c, s[i + 1])), 0) is var dv2 && dv2 >= 0)
            {
                digit = (char)('0' + dv2);
                i++;
            }
            else
            {
                return false;
            }

            builder.Append(digit);
            underscoreAllowed = true;
            lastWasUnderscore = false;
        }

        if (builder.Length == 0 || lastWasUnderscore)
        {
            return false;
        }

        digits = builder.ToString();
        return true;
    }

    /// <summary>Python <c>repr(float)</c>: shortest round-trip digits, <c>1e+16</c>, <c>1e-05</c>, <c>7.0</c>.</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var negative = value < 0 || (value == 0 && double.IsNegative(value));
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot < 0 ? r.Length : dot;
        var allDigits = dot < 0 ? r : string.Concat(r.AsSpan(0, dot), r.AsSpan(dot + 1));
        var leading = 0;
        while (leading < allDigits.Length - 1 && allDigits[leading] == '0')
        {
            leading++;
        }

        var digits = allDigits[leading..].TrimEnd('0');
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }

        // value = 0.DIGITS × 10^decimalPoint
        var decimalPoint = integerDigits - leading + exponent;
        var builder = new StringBuilder();
        if (negative)
        {
            builder.Append('-');
        }

        if (decimalPoint is > -4 and <= 16)
        {
            if (decimalPoint <= 0)
            {
                builder.Append("0.").Append('0', -decimalPoint).Append(digits);
            }
            else if (decimalPoint >= digits.Length)
            {
                builder.Append(digits).Append('0', decimalPoint - digits.Length).Append(".0");
            }
            else
            {
                builder.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
            }
        }
        else
        {
            builder.Append(digits[0]);
            if (digits.Length > 1)
            {
                builder.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var exp = decimalPoint - 1;
            builder.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    /// <summary>Python <c>repr(str)</c>.</summary>
    public static void AppendStringRepr(StringBuilder builder, string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        builder.Append(quote);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == quote || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\t')
            {
                builder.Append("\\t");
            }
            else if (c == '\n')
            {
                builder.Append("\\n");
            }
            else if (c == '\r')
            {
                builder.Append("\\r");
            }
            else if (c is >= ' ' and < '\u007f')
            {
                builder.Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var cp = char.ConvertToUtf32(c, text[i + 1]);
                if (IsPrintable(CharUnicodeInfo.GetUnicodeCategory(cp)))
                {
                    builder.Append(c).Append(text[i + 1]);
                }
                else
                {
                    builder.Append("\\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
                }

                i++;
            }
            else if (c >= '\u00a0' && !char.IsSurrogate(c) && IsPrintable(CharUnicodeInfo.GetUnicodeCategory(c)))
            {
                builder.Append(c);
            }
            else if (c <= '\u00ff')
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        builder.Append(quote);
    }

    private static bool IsPrintable(UnicodeCategory category) => category is not (
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
        or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
}

/// <summary>Which exception Python's <c>int()</c> raised.</summary>
internal enum PyIntError
{
    None,
    TypeError,
    ValueError,
    OverflowError,
}
