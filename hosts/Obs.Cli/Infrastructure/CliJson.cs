using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Obs.Cli.Infrastructure;

/// <summary>JSON output conventions shared by every <c>obs</c> command.</summary>
internal static class CliJson
{
    private static readonly JsonWriterOptions IndentedOptions = new()
    {
        Indented = true,
        // Names and paths are shown as they are ('<', '&', non-ASCII); JSON escaping stays valid.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonWriterOptions CompactOptions = IndentedOptions with { Indented = false };

    /// <summary>A writer over standard output; dispose (or flush) it before the command returns.</summary>
    public static Utf8JsonWriter CreateWriter(Stream output, bool indented = true) =>
        new(output, indented ? IndentedOptions : CompactOptions);

    /// <summary>
    /// One readable line for invalid JSON input: the 1-based line and byte position (when the
    /// JSON reader knows them) and the reason, without System.Text.Json's "LineNumber: 0 |
    /// BytePositionInLine: 0." suffix or its reader internals.
    /// </summary>
    /// <param name="ex">The exception of the JSON reader or of the crash-data model.</param>
    /// <param name="what">What the document should have been ("crash data"), for errors without a position: valid JSON of the wrong shape.</param>
    /// <param name="inputLine">The input line the document was on (<c>--jsonl</c>), or null for a whole document.</param>
    public static string DescribeError(JsonException ex, string what, long? inputLine = null)
    {
        var reason = ex.Message;
        var suffix = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            reason = reason[..suffix];
        }

        var path = reason.IndexOf(" Path: ", StringComparison.Ordinal);
        if (path >= 0)
        {
            reason = reason[..path];
        }

        if (reason.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            reason = "the input holds no JSON value";
        }
        else if (reason.Contains("isFinalBlock", StringComparison.Ordinal) || reason.StartsWith("Expected depth to be zero", StringComparison.Ordinal))
        {
            // The reader's words for "the text stopped before the JSON value was complete".
            reason = "the input ends before the JSON value is complete.";
        }

        reason = reason.TrimEnd('.');
        if (reason.Length > 0)
        {
            reason = char.ToLowerInvariant(reason[0]) + reason[1..];
        }

        if (ex.BytePositionInLine is { } column)
        {
            var line = inputLine ?? ((ex.LineNumber ?? 0) + 1);
            return string.Create(CultureInfo.InvariantCulture, $"invalid JSON at line {line}, byte {column + 1}: {reason}");
        }

        return inputLine is { } l
            ? string.Create(CultureInfo.InvariantCulture, $"invalid {what} at line {l}: {reason}")
            : $"invalid {what}: {reason}";
    }

    /// <summary>Formats a value as a lowercase <c>0x…</c> hex string without padding.</summary>
    public static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="value"/> as a hex string, or <c>null</c>.</summary>
    public static void WriteHex(this Utf8JsonWriter writer, string propertyName, ulong? value)
    {
        if (value is { } v)
        {
            Span<byte> buffer = stackalloc byte[18];
            buffer[0] = (byte)'0';
            buffer[1] = (byte)'x';
            v.TryFormat(buffer[2..], out var written, "x", CultureInfo.InvariantCulture);
            writer.WriteString(propertyName, buffer[..(2 + written)]);
        }
        else
        {
            writer.WriteNull(propertyName);
        }
    }

    /// <summary>Writes a string, or <c>null</c>.</summary>
    public static void WriteStringOrNull(this Utf8JsonWriter writer, string propertyName, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(propertyName);
        }
        else
        {
            writer.WriteString(propertyName, value);
        }
    }

    /// <summary>Writes a number, or <c>null</c>.</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter writer, string propertyName, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(propertyName, v);
        }
        else
        {
            writer.WriteNull(propertyName);
        }
    }
}
