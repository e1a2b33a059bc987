using System.Globalization;
using System.Text.Json;
using Obs.Testing;

namespace Obs.Minidump.Tests;

/// <summary>Readers for the expected outputs of the peers (rust-minidump snapshots, Breakpad -m and minidump_dump output).</summary>
internal static class Oracles
{
    /// <summary>An insta snapshot without its YAML front matter.</summary>
    public static string Snapshot(string relative)
    {
        var text = File.ReadAllText(TestFixtures.Path(relative));
        var end = text.IndexOf("\n---\n", 3, StringComparison.Ordinal);
        return text[(end + 5)..];
    }

    public static JsonElement JsonSnapshot(string relative) => JsonDocument.Parse(Snapshot(relative)).RootElement;

    /// <summary>
    /// The blocks of a <c>--dump</c> style output: a header line (for example <c>MINIDUMP_THREAD</c>)
    /// followed by <c>key = value</c> lines, in order.
    /// </summary>
    public static List<(string Header, Dictionary<string, string> Fields)> DumpBlocks(string text)
    {
        var blocks = new List<(string, Dictionary<string, string>)>();
        (string Header, Dictionary<string, string> Fields)? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                current = null;
                continue;
            }

            if (!line.StartsWith(' '))
            {
                current = (line.Trim(), new Dictionary<string, string>(StringComparer.Ordinal));
                blocks.Add(current.Value);
                continue;
            }

            var eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (current is { } block && eq > 0)
            {
                block.Fields[line[..eq].Trim()] = line[(eq + 3)..];
            }
        }

        return blocks;
    }

    public static ulong Hex(string text)
    {
        var span = text.AsSpan().Trim();
        var space = span.IndexOf(' ');
        if (space > 0)
        {
            span = span[..space];
        }

        if (span.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            span = span[2..];
        }

        return ulong.Parse(span, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    public static string BaseName(string? path)
    {
        if (path is null)
        {
            return string.Empty;
        }

        var slash = path.LastIndexOfAny(['/', '\\']);
        return slash < 0 ? path : path[(slash + 1)..];
    }
}
