using System.Text.Json;

namespace Obs.Siggen;

/// <summary>The outcome of signature generation: Socorro's <c>signature</c>, <c>notes</c>, <c>debug_log</c> and <c>extra</c>.</summary>
public sealed class SignatureResult
{
    internal SignatureResult(string signature, IReadOnlyList<string> notes, IReadOnlyList<string> debugLog, string? protoSignature, IReadOnlyList<string>? normalizedFrames)
    {
        Signature = signature;
        Notes = notes;
        DebugLog = debugLog;
        ProtoSignature = protoSignature;
        NormalizedFrames = normalizedFrames;
    }

    /// <summary>The crash signature: printable ASCII, at most 255 characters with the default rules.</summary>
    public string Signature { get; }

    /// <summary>Notes explaining the outcome, each <c>"{Rule}: {text}"</c>.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Debug lines, when they were requested; otherwise empty.</summary>
    public IReadOnlyList<string> DebugLog { get; }

    /// <summary><c>extra.proto_signature</c>: the normalized frames joined with <c>" | "</c> (C/C++/Rust stacks), or null.</summary>
    public string? ProtoSignature { get; }

    /// <summary><c>extra.normalized_frames</c>: up to 40 normalized frames of the crashing thread (C/C++/Rust stacks), or null.</summary>
    public IReadOnlyList<string>? NormalizedFrames { get; }

    /// <summary>
    /// Writes <c>{"signature", "notes", "extra"}</c> (and <c>"debug_log"</c> when
    /// <paramref name="includeDebugLog"/>) as a JSON object; <c>extra</c> holds
    /// <c>normalized_frames</c> and <c>proto_signature</c> when present.
    /// </summary>
    /// <remarks>
    /// A string longer than 64 Ki characters (a huge function name from a crash report) is written
    /// in segments, and the writer is flushed between them: whole, it would need a writer buffer
    /// of several times its size.
    /// </remarks>
    public void WriteTo(Utf8JsonWriter writer, bool includeDebugLog = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WritePropertyName("signature"u8);
        WriteString(writer, Signature);
        writer.WriteStartArray("notes"u8);
        foreach (var note in Notes)
        {
            WriteString(writer, note);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("extra"u8);
        if (NormalizedFrames is not null)
        {
            writer.WriteStartArray("normalized_frames"u8);
            foreach (var frame in NormalizedFrames)
            {
                WriteString(writer, frame);
            }

            writer.WriteEndArray();
        }

        if (ProtoSignature is not null)
        {
            writer.WritePropertyName("proto_signature"u8);
            WriteString(writer, ProtoSignature);
        }

        writer.WriteEndObject();
        if (includeDebugLog)
        {
            writer.WriteStartArray("debug_log"u8);
            foreach (var line in DebugLog)
            {
                WriteString(writer, line);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    // Text from JSON input may hold lone surrogates (Python keeps "\ud800"); Utf8JsonWriter
    // refuses those, so such a string is written pre-escaped, as json.dumps would.
    private const int LongStringSegment = 64 * 1024;

    private static void WriteLongString(Utf8JsonWriter writer, string value)
    {
        var rest = value.AsSpan();
        while (rest.Length > LongStringSegment)
        {
            // A segment never ends between the two halves of a surrogate pair.
            var length = char.IsHighSurrogate(rest[LongStringSegment - 1]) ? LongStringSegment - 1 : LongStringSegment;
            writer.WriteStringValueSegment(rest[..length], isFinalSegment: false);
            writer.Flush();
            rest = rest[length..];
        }

        writer.WriteStringValueSegment(rest, isFinalSegment: true);
    }

    private static void WriteString(Utf8JsonWriter writer, string value)
    {
        if (!HasLoneSurrogate(value))
        {
            if (value.Length <= LongStringSegment)
            {
                writer.WriteStringValue(value);
            }
            else
            {
                WriteLongString(writer, value);
            }

            return;
        }

        var builder = new System.Text.StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < ' ' || char.IsSurrogate(c) || c > '\u007e')
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        writer.WriteRawValue(builder.Append('"').ToString(), skipInputValidation: true);
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => Signature;
}
