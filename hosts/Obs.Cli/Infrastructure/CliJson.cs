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
