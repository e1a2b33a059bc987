using System.Globalization;
using System.Text;

namespace Obs.Cli.Infrastructure;

/// <summary>How the <c>obs</c> commands echo user input (paths, tokens, input lines) in their one-line errors.</summary>
internal static class CliText
{
    /// <summary>Echoed input values are cut to this many characters, so that one bad long line is not echoed whole.</summary>
    private const int MaxEchoedLength = 80;

    /// <summary>
    /// Escapes control characters (C0, DEL, C1, and the Unicode line and paragraph separators) as
    /// <c>\n</c>, <c>\t</c>, <c>\xNN</c> or <c>\uNNNN</c>, so that an error message stays one line and a NUL or
    /// an escape sequence in the input reaches the terminal as text.
    /// </summary>
    public static string Escape(string text)
    {
        var index = text.AsSpan().IndexOfAny(SearchValues);
        if (index < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, index);
        foreach (var c in text.AsSpan(index))
        {
            switch (c)
            {
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < '\u0100' when char.IsControl(c):
                    builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                case '\u2028' or '\u2029':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>A value from the input, quoted, cut to <see cref="MaxEchoedLength"/> characters (the message is escaped as a whole when written).</summary>
    public static string Quote(string value) =>
        value.Length <= MaxEchoedLength
            ? $"'{value}'"
            : string.Create(CultureInfo.InvariantCulture, $"'{value.AsSpan(0, MaxEchoedLength)}…' ({value.Length} characters)");

    /// <summary>A byte count as written in messages and help: bytes, with KiB/MiB/GiB when exact.</summary>
    public static string Bytes(long count) => count switch
    {
        >= 1L << 30 when count % (1L << 30) == 0 => string.Create(CultureInfo.InvariantCulture, $"{count >> 30} GiB"),
        >= 1L << 20 when count % (1L << 20) == 0 => string.Create(CultureInfo.InvariantCulture, $"{count >> 20} MiB"),
        >= 1L << 10 when count % (1L << 10) == 0 => string.Create(CultureInfo.InvariantCulture, $"{count >> 10} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{count} bytes"),
    };

    private static readonly System.Buffers.SearchValues<char> SearchValues = System.Buffers.SearchValues.Create(BuildControlCharacters());

    private static string BuildControlCharacters()
    {
        var builder = new StringBuilder();
        for (var c = '\0'; c < '\u0100'; c++)
        {
            if (char.IsControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.Append('\u2028').Append('\u2029').ToString();
    }
}
