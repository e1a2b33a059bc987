using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Obs.Testing;

namespace Obs.Cli.Tests;

public sealed class SignatureCommandTests
{
    private const string WindowsCrash =
        """{"os":"Windows NT","threads":[{"frames":[{"offset":"0x5e39bf21"},{"offset":"0x5e39bf21"},{"module":"USER2.dll","offset":"0x77370869"}]}]}""";

    [Fact]
    public void One_document_from_stdin_gives_signature_notes_and_extra()
    {
        var result = CliRunner.RunWithInput(WindowsCrash, "signature");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        var json = result.Json;
        Assert.Equal("user2.dll", json.GetProperty("signature").GetString());
        Assert.Empty(json.GetProperty("notes").EnumerateArray());
        Assert.Equal("@0x5e39bf21 | @0x5e39bf21 | user2.dll", json.GetProperty("extra").GetProperty("proto_signature").GetString());
        Assert.Equal(3, json.GetProperty("extra").GetProperty("normalized_frames").GetArrayLength());
        Assert.False(json.TryGetProperty("debug_log", out _));
    }

    [Fact]
    public void File_argument_is_read()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{"reason":"EXCEPTION_STACK_OVERFLOW"}""");
            var result = CliRunner.Run("signature", path);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal("stackoverflow | EMPTY: no frame data available", result.Json.GetProperty("signature").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Debug_adds_the_debug_log()
    {
        var result = CliRunner.RunWithInput(WindowsCrash, "signature", "--debug");

        Assert.Equal(0, result.ExitCode);
        var log = result.Json.GetProperty("debug_log").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("SignatureGenerationRule: using CSignatureTool", log);
        Assert.Contains(log, line => line!.Contains("irrelevant; ignoring: \"@0x5e39bf21\"", StringComparison.Ordinal));
        Assert.Contains(log, line => line!.Contains("prefix; continue iterating: \"user2.dll\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Processed_crash_reads_the_stackwalker_output_under_json_dump()
    {
        const string processed = """
            {"json_dump": {"crash_info": {"crashing_thread": 1, "type": "EXCEPTION_STACK_OVERFLOW"},
                           "system_info": {"os": "Linux"},
                           "threads": [{"frames": [{"function": "wrong"}]}, {"frames": [{"function": "nsFoo::Bar(int)"}]}]},
             "abort_message": "boom: file foo.cpp, line 1", "hang": null}
            """;
        var result = CliRunner.RunWithInput(processed, "signature", "--processed");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("stackoverflow | Abort | boom | nsFoo::Bar", result.Json.GetProperty("signature").GetString());
    }

    [Fact]
    public void Jsonl_gives_one_result_per_line_in_order_and_exit_1_after_a_bad_line()
    {
        var input = """{"hang": 0}""" + "\n" + "not json\n" + """{"reason": "EXCEPTION_STACK_OVERFLOW"}""" + "\n";
        var result = CliRunner.RunWithInput(input, "signature", "--jsonl");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("obs: standard input: 1 of 3 lines rejected (see the \"error\" objects in the output)", result.ErrorLine);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("hang: 0 | EMPTY: no frame data available", JsonDocument.Parse(lines[0]).RootElement.GetProperty("signature").GetString());
        Assert.StartsWith("invalid JSON", JsonDocument.Parse(lines[1]).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("stackoverflow | EMPTY: no frame data available", JsonDocument.Parse(lines[2]).RootElement.GetProperty("signature").GetString());
    }

    [Fact]
    public void Jsonl_with_only_good_lines_exits_0()
    {
        var result = CliRunner.RunWithInput("{}\n{}\n", "signature", "--jsonl");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{\"threads\": ")]
    [InlineData("")]
    public void Input_that_is_not_a_crash_data_object_exits_1_with_one_stderr_line(string input)
    {
        var result = CliRunner.RunWithInput(input, "signature");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        var line = Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("obs: standard input: invalid ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_exits_1()
    {
        var result = CliRunner.Run("signature", "/no/such/crash.json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("file not found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_siglists_folder_changes_the_signature()
    {
        var folder = Directory.CreateTempSubdirectory("siglists");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "irrelevant_signature_re.txt"), "# nothing is irrelevant here\nnever_matches_anything\n");
            File.WriteAllText(Path.Combine(folder.FullName, "prefix_signature_re.txt"), "first\n");
            File.WriteAllText(Path.Combine(folder.FullName, "signature_sentinels.txt"), "\n");
            File.WriteAllText(Path.Combine(folder.FullName, "signatures_with_line_numbers_re.txt"), "second\n");
            const string crash = """{"threads":[{"frames":[{"function":"first"},{"function":"second","line":7},{"function":"third"}]}]}""";

            var custom = CliRunner.RunWithInput(crash, "signature", "--siglists", folder.FullName);
            var bundled = CliRunner.RunWithInput(crash, "signature");

            Assert.Equal(0, custom.ExitCode);
            Assert.Equal("first | second:7", custom.Json.GetProperty("signature").GetString());
            Assert.Equal("first", bundled.Json.GetProperty("signature").GetString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Siglists_folder_without_the_list_files_exits_1()
    {
        var folder = Directory.CreateTempSubdirectory("siglists");
        try
        {
            var result = CliRunner.RunWithInput("{}", "signature", "--siglists", folder.FullName);

            Assert.Equal(1, result.ExitCode);
            Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Jsonl_over_the_whole_corpus_agrees_with_socorro()
    {
        var inputs = new StringBuilder();
        var expected = new List<JsonElement>();
        using (var file = File.OpenRead(TestFixtures.Path("siggen/corpus.jsonl.gz")))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip, Encoding.UTF8))
        {
            while (reader.ReadLine() is { } line)
            {
                using var document = JsonDocument.Parse(line);
                inputs.Append(document.RootElement.GetProperty("input").GetRawText()).Append('\n');
                expected.Add(document.RootElement.GetProperty("expected").Clone());
            }
        }

        var result = CliRunner.RunWithInput(inputs.ToString(), "signature", "--jsonl");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3000, expected.Count);
        Assert.Equal(expected.Count, lines.Length);
        var mismatches = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var actual = JsonDocument.Parse(lines[i]).RootElement;
            if (!SameResult(expected[i], actual))
            {
                mismatches++;
            }
        }

        Assert.Equal(0, mismatches);
    }

    private static bool SameResult(JsonElement expected, JsonElement actual) =>
        expected.GetProperty("signature").GetString() == actual.GetProperty("signature").GetString()
        && Notes(expected).SequenceEqual(Notes(actual))
        && Canonical(expected.GetProperty("extra")) == Canonical(actual.GetProperty("extra"));

    // Notes ending in a Python exception message compare up to the marker.
    private static IEnumerable<string> Notes(JsonElement result) =>
        result.GetProperty("notes").EnumerateArray().Select(note =>
        {
            var text = note.GetString()!;
            foreach (var marker in (string[])["Rule failed: ", "Error parsing AsyncShutdownTimeout: "])
            {
                var index = text.IndexOf(marker, StringComparison.Ordinal);
                if (index >= 0)
                {
                    return text[..(index + marker.Length)];
                }
            }

            return text;
        });

    // Decoded values, not raw text: the corpus escapes non-ASCII (\u00e9), obs writes it as is.
    private static string Canonical(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + "=" + Canonical(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", value.EnumerateArray().Select(Canonical)) + "]",
        JsonValueKind.String => JsonSerializer.Serialize(value.GetString()),
        _ => value.GetRawText(),
    };
}
