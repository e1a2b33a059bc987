using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Obs.Testing;

namespace Obs.Siggen.Tests;

/// <summary>One line of <c>tests/fixtures/siggen/corpus.jsonl.gz</c>: Socorro's input and its own output.</summary>
internal sealed record CorpusCase(int LineNumber, byte[] InputUtf8, JsonElement Expected);

/// <summary>Loads the conformance corpus once and compares results under its notes rule.</summary>
internal static class Corpus
{
    private static readonly Lazy<IReadOnlyList<CorpusCase>> LazyCases = new(Load);

    public static IReadOnlyList<CorpusCase> Cases => LazyCases.Value;

    private static List<CorpusCase> Load()
    {
        using var file = File.OpenRead(TestFixtures.Path("siggen/corpus.jsonl.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var cases = new List<CorpusCase>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var input = Encoding.UTF8.GetBytes(document.RootElement.GetProperty("input").GetRawText());
            cases.Add(new CorpusCase(lineNumber, input, document.RootElement.GetProperty("expected").Clone()));
        }

        return cases;
    }

    /// <summary>
    /// Differences between a result (as JSON) and the expected output: signature and extra exactly,
    /// notes exactly except after a "Rule failed: " or "Error parsing AsyncShutdownTimeout: " marker.
    /// </summary>
    public static List<string> Compare(JsonElement expected, JsonElement actual)
    {
        var differences = new List<string>();
        var expectedSignature = expected.GetProperty("signature").GetString();
        var actualSignature = actual.GetProperty("signature").GetString();
        if (expectedSignature != actualSignature)
        {
            differences.Add($"signature: expected \"{expectedSignature}\", got \"{actualSignature}\"");
        }

        var expectedNotes = expected.GetProperty("notes").EnumerateArray().Select(n => NoteKey(n.GetString()!)).ToList();
        var actualNotes = actual.GetProperty("notes").EnumerateArray().Select(n => NoteKey(n.GetString()!)).ToList();
        if (!expectedNotes.SequenceEqual(actualNotes))
        {
            differences.Add($"notes: expected [{string.Join(" || ", expectedNotes)}], got [{string.Join(" || ", actualNotes)}]");
        }

        var expectedExtra = Canonical(expected.GetProperty("extra"));
        var actualExtra = Canonical(actual.GetProperty("extra"));
        if (expectedExtra != actualExtra)
        {
            differences.Add($"extra: expected {expectedExtra}, got {actualExtra}");
        }

        return differences;
    }

    public static string NoteKey(string note)
    {
        foreach (var marker in (string[])["Rule failed: ", "Error parsing AsyncShutdownTimeout: "])
        {
            var index = note.IndexOf(marker, StringComparison.Ordinal);
            if (index >= 0)
            {
                return note[..(index + marker.Length)];
            }
        }

        return note;
    }

    // Key order and string escaping do not matter in extra; decoded values do, exactly.
    internal static string Canonical(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Name) + ":" + Canonical(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", value.EnumerateArray().Select(Canonical)) + "]",
        JsonValueKind.String => JsonSerializer.Serialize(value.GetString()),
        _ => value.GetRawText(),
    };

    public static JsonElement ToJson(SignatureResult result)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            result.WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
