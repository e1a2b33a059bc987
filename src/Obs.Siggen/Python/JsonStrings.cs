using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Obs.Siggen.Python;

/// <summary>
/// Reads JSON strings the way <c>json.loads</c> does. System.Text.Json refuses escaped lone
/// surrogates (<c>"\ud800"</c>) when it materialises a string; Python keeps them, so such a
/// string is unescaped here from its raw text instead.
/// </summary>
internal static class JsonStrings
{
    public static string Get(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Unescape(element.GetRawText());
        }
    }

    /// <summary>The string (or property name) at the reader's current token.</summary>
    public static string Get(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            var raw = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();
            return Unescape("\"" + Encoding.UTF8.GetString(raw) + "\"");
        }
    }

    public static string GetName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            // The raw text of a property is "name": value; the name is the first JSON string.
            var raw = property.ToString();
            var end = FindStringEnd(raw);
            return Unescape(raw[..(end + 1)]);
        }
    }

    private static int FindStringEnd(string quoted)
    {
        for (var i = 1; i < quoted.Length; i++)
        {
            if (quoted[i] == '\\')
            {
                i++;
            }
            else if (quoted[i] == '"')
            {
                return i;
            }
        }

        return quoted.Length - 1;
    }

    /// <summary>Unescapes a quoted JSON string literal, keeping lone surrogates.</summary>
    internal static string Unescape(string quoted)
    {
        var builder = new StringBuilder(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            var c = quoted[i];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            c = quoted[++i];
            switch (c)
            {
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    builder.Append((char)int.Parse(quoted.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }
}
