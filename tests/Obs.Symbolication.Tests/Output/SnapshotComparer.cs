using System.Text.Json;

namespace Obs.Symbolication.Tests.Output;

/// <summary>Reads rust-minidump's insta snapshots and compares JSON documents field by field.</summary>
internal static class SnapshotComparer
{
    /// <summary>The body of an insta snapshot (what follows its <c>---</c> header).</summary>
    public static string ReadSnapshot(string path)
    {
        var text = File.ReadAllText(path);
        var start = text.IndexOf("\n---\n", StringComparison.Ordinal);
        return text[(start + 5)..];
    }

    /// <summary>
    /// The JSON paths where <paramref name="actual"/> differs from <paramref name="expected"/>:
    /// a missing or extra key, another type, or another value.
    /// </summary>
    public static List<string> Differences(JsonElement expected, JsonElement actual, string path = "$")
    {
        var differences = new List<string>();
        Compare(expected, actual, path, differences);
        return differences;
    }

    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            differences.Add($"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
            return;
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var actualKeys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in actual.EnumerateObject())
                {
                    actualKeys.Add(property.Name);
                }

                foreach (var property in expected.EnumerateObject())
                {
                    if (actual.TryGetProperty(property.Name, out var value))
                    {
                        Compare(property.Value, value, $"{path}.{property.Name}", differences);
                        actualKeys.Remove(property.Name);
                    }
                    else
                    {
                        differences.Add($"{path}.{property.Name}: missing");
                    }
                }

                foreach (var extra in actualKeys)
                {
                    differences.Add($"{path}.{extra}: unexpected");
                }

                break;
            case JsonValueKind.Array:
                var expectedItems = expected.GetArrayLength();
                var actualItems = actual.GetArrayLength();
                if (expectedItems != actualItems)
                {
                    differences.Add($"{path}: expected {expectedItems} items, got {actualItems}");
                }

                for (var i = 0; i < Math.Min(expectedItems, actualItems); i++)
                {
                    Compare(expected[i], actual[i], $"{path}[{i}]", differences);
                }

                break;
            default:
                if (expected.GetRawText() != actual.GetRawText())
                {
                    differences.Add($"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                }

                break;
        }
    }
}
