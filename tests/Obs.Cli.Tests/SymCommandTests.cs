using System.Text.Json;
using Obs.Testing;

namespace Obs.Cli.Tests;

public sealed class SymCommandTests
{
    private const string TestApp = "rust-minidump/symbols/test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym";
    private const string TestAppCrlf = "rust-minidump/symbols-crlf/test_app.pdb/6A9832E5287241C1838ED98914E9B7FF1/test_app.sym";
    private const string CrashClient = "rust-minidump/symbols/crash-client/509C0610949836F7B70BD88BCF03E5400/crash-client.sym";

    [Theory]
    [InlineData(TestApp)]
    [InlineData(TestAppCrlf)]
    public void Stats_prints_the_counts_after_the_overlap_policy(string path)
    {
        var result = CliRunner.Run("sym", "stats", TestFixtures.Path(path));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        var json = result.Json;
        Assert.Equal(1065, json.GetProperty("functions").GetInt32());
        Assert.Equal(5, json.GetProperty("publics").GetInt32());
        Assert.Equal(6661, json.GetProperty("files").GetInt32());
        Assert.Equal(1556, json.GetProperty("stack_win_framedata").GetInt32());
        Assert.Equal(259, json.GetProperty("stack_win_fpo").GetInt32());
        Assert.Equal(0, json.GetProperty("skipped_lines").GetInt32());
        Assert.Equal(new FileInfo(TestFixtures.Path(path)).Length, json.GetProperty("bytes").GetInt64());
        var module = json.GetProperty("module");
        Assert.Equal("windows", module.GetProperty("os").GetString());
        Assert.Equal("x86", module.GetProperty("arch").GetString());
        Assert.Equal("5A9832E5287241C1838ED98914E9B7FF1", module.GetProperty("id").GetString());
        Assert.Equal("test_app.pdb", module.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("code_id").ValueKind);
        Assert.Equal("text", json.GetProperty("form").GetString());
        Assert.True(json.GetProperty("parse_seconds").GetDouble() >= 0);
        string[] keys = ["module", "code_id", "code_file", "generator", "files", "inline_origins", "functions", "lines", "inlines", "publics", "cfi_init", "cfi_rows", "stack_win_framedata", "stack_win_fpo", "repaired", "skipped_lines", "bytes", "form", "parse_seconds"];
        Assert.Equal(keys, json.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Stats_of_an_inline_file_counts_inline_records_and_origins()
    {
        var json = CliRunner.Run("sym", "stats", TestFixtures.Path(CrashClient)).Json;

        Assert.Equal(40148, json.GetProperty("inlines").GetInt32());
        Assert.Equal(9898, json.GetProperty("inline_origins").GetInt32());
        Assert.Equal(1996, json.GetProperty("functions").GetInt32());
        Assert.Equal(41, json.GetProperty("publics").GetInt32());
    }

    [Fact]
    public void Lookup_output_matches_the_expected_lookups_file()
    {
        using var expected = JsonDocument.Parse(File.ReadAllBytes(TestFixtures.Path("rust-minidump/expected-lookups/crash-client.lookups.json")));
        var lookups = expected.RootElement.GetProperty("lookups").EnumerateArray().ToList();
        var addresses = string.Join('\n', lookups.Select(l => l.GetProperty("module_offset").GetString()));

        var result = CliRunner.RunWithInput(addresses, "sym", "lookup", TestFixtures.Path(CrashClient), "-");

        Assert.Equal(0, result.ExitCode);
        var actual = result.Json.EnumerateArray().ToList();
        Assert.Equal(lookups.Count, actual.Count);
        for (var i = 0; i < lookups.Count; i++)
        {
            var want = lookups[i];
            var got = actual[i];
            Assert.Equal(want.GetProperty("module_offset").GetString(), got.GetProperty("address").GetString());
            Assert.Equal(want.GetProperty("function").GetString(), got.GetProperty("function").GetString());
            Assert.Equal(want.GetProperty("function_offset").GetString(), got.GetProperty("function_offset").GetString());
            Assert.Equal(want.GetProperty("file").GetString(), got.GetProperty("file").GetString());
            Assert.Equal(want.GetProperty("line").ToString(), got.GetProperty("line").ToString());
            Assert.False(got.GetProperty("from_public").GetBoolean());
            if (want.GetProperty("module_offset").GetString() != "0x7f27e")
            {
                // 0x7f27e: one inline frame more than Breakpad (see ExpectedLookupsTests in Obs.SymbolFiles.Tests).
                Assert.Equal(JsonSerializer.Serialize(want.GetProperty("inlines")), JsonSerializer.Serialize(got.GetProperty("inlines")));
            }
        }
    }

    [Fact]
    public void Lookup_of_more_addresses_than_one_flush_keeps_every_result_in_order()
    {
        using var expected = JsonDocument.Parse(File.ReadAllBytes(TestFixtures.Path("rust-minidump/expected-lookups/crash-client.lookups.json")));
        var offsets = expected.RootElement.GetProperty("lookups").EnumerateArray().Select(l => l.GetProperty("module_offset").GetString()!).ToList();
        var single = CliRunner.RunWithInput(string.Join('\n', offsets), "sym", "lookup", TestFixtures.Path(CrashClient), "-").Json.EnumerateArray().Select(e => e.GetRawText()).ToList();

        // 60 addresses 70 times, with a miss between repetitions: 4,270 results, past the command's flush every 4,096.
        var many = Enumerable.Range(0, 70).SelectMany(_ => offsets.Append("0x1")).ToList();
        var result = CliRunner.RunWithInput(string.Join('\n', many), "sym", "lookup", TestFixtures.Path(CrashClient), "-");

        Assert.Equal(0, result.ExitCode);
        var actual = result.Json.EnumerateArray().Select(e => e.GetRawText()).ToList();
        Assert.Equal(many.Count, actual.Count);
        for (var i = 0; i < many.Count; i++)
        {
            var position = i % (offsets.Count + 1);
            if (position < offsets.Count)
            {
                Assert.Equal(single[position], actual[i]);
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(actual[i]).RootElement.GetProperty("function").ValueKind);
            }
        }
    }

    [Fact]
    public void Lookup_reports_publics_misses_and_input_order()
    {
        var result = CliRunner.Run("sym", "lookup", TestFixtures.Path("breakpad/sym-edge-cases/module2.sym"), "21a0", "0x219F", "0x2181");

        Assert.Equal(0, result.ExitCode);
        var items = result.Json.EnumerateArray().ToList();
        Assert.Equal(["0x21a0", "0x219f", "0x2181"], items.Select(i => i.GetProperty("address").GetString()));

        Assert.Equal("Public2_2", items[0].GetProperty("function").GetString());
        Assert.True(items[0].GetProperty("from_public").GetBoolean());
        Assert.Equal("0x21a0", items[0].GetProperty("function_address").GetString());
        Assert.Equal("0x0", items[0].GetProperty("function_offset").GetString());
        Assert.Equal(JsonValueKind.Null, items[0].GetProperty("file").ValueKind);

        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("function").ValueKind);
        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("function_address").ValueKind);
        Assert.Equal(0, items[1].GetProperty("inlines").GetArrayLength());
        Assert.False(items[1].GetProperty("from_public").GetBoolean());

        Assert.Equal("Function2_2", items[2].GetProperty("function").GetString());
        Assert.Equal("0x11", items[2].GetProperty("function_offset").GetString());
        Assert.Equal("file2_2.cc", items[2].GetProperty("file").GetString());
        Assert.Equal(21, items[2].GetProperty("line").GetInt32());
    }

    [Fact]
    public void A_saved_index_gives_the_stats_and_lookups_of_its_text()
    {
        var folder = Directory.CreateTempSubdirectory("obs-cli-index-").FullName;
        try
        {
            var indexPath = Path.Combine(folder, "crash-client.symindex");
            var saved = CliRunner.Run("sym", "index", TestFixtures.Path(CrashClient), "-o", indexPath);
            Assert.Equal(0, saved.ExitCode);
            Assert.Equal(new FileInfo(indexPath).Length, saved.Json.GetProperty("bytes").GetInt64());
            Assert.Equal(new FileInfo(TestFixtures.Path(CrashClient)).Length, saved.Json.GetProperty("source_bytes").GetInt64());

            var textStats = CliRunner.Run("sym", "stats", TestFixtures.Path(CrashClient)).Json;
            var indexStats = CliRunner.Run("sym", "stats", indexPath).Json;
            Assert.Equal("index", indexStats.GetProperty("form").GetString());
            foreach (var property in textStats.EnumerateObject().Where(p => p.Name is not ("form" or "parse_seconds")))
            {
                Assert.Equal(property.Value.GetRawText(), indexStats.GetProperty(property.Name).GetRawText());
            }

            using var expected = JsonDocument.Parse(File.ReadAllBytes(TestFixtures.Path("rust-minidump/expected-lookups/crash-client.lookups.json")));
            var addresses = string.Join('\n', expected.RootElement.GetProperty("lookups").EnumerateArray().Select(l => l.GetProperty("module_offset").GetString()));
            var fromText = CliRunner.RunWithInput(addresses, "sym", "lookup", TestFixtures.Path(CrashClient), "-");
            var fromIndex = CliRunner.RunWithInput(addresses, "sym", "lookup", indexPath, "-");
            Assert.Equal(0, fromIndex.ExitCode);
            Assert.Equal(fromText.Stdout, fromIndex.Stdout);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_truncated_index_is_an_input_error_with_one_line()
    {
        var folder = Directory.CreateTempSubdirectory("obs-cli-index-").FullName;
        try
        {
            var indexPath = Path.Combine(folder, "test_app.symindex");
            Assert.Equal(0, CliRunner.Run("sym", "index", TestFixtures.Path(TestApp), "-o", indexPath).ExitCode);
            var bytes = File.ReadAllBytes(indexPath);
            File.WriteAllBytes(indexPath, bytes[..(bytes.Length / 2)]);

            var result = CliRunner.Run("sym", "stats", indexPath);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("truncated", result.Stderr, StringComparison.Ordinal);
            Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Missing_file_is_an_input_error_with_one_line()
    {
        var result = CliRunner.Run("sym", "stats", "/nonexistent/file.sym");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("obs: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Strict_mode_rejects_a_corrupt_file_with_its_line_number()
    {
        var lenient = CliRunner.Run("sym", "stats", TestFixtures.Path("breakpad/sym-edge-cases/module4_bad.sym"));
        var strict = CliRunner.Run("sym", "stats", "--strict", TestFixtures.Path("breakpad/sym-edge-cases/module4_bad.sym"));

        Assert.Equal(0, lenient.ExitCode);
        Assert.Equal(2, lenient.Json.GetProperty("skipped_lines").GetInt32());
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("line 4", strict.Stderr, StringComparison.Ordinal);
        Assert.Single(strict.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("sym", "lookup", "FILE", "xyz")]
    [InlineData("sym", "lookup", "FILE")]
    [InlineData("sym", "stats")]
    [InlineData("sym", "stats", "a.sym", "--bogus")]
    [InlineData("sym", "index", "FILE")]
    public void Usage_errors_exit_2(params string[] args)
    {
        var result = CliRunner.Run([.. args.Select(a => a == "FILE" ? TestFixtures.Path(TestApp) : a)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.StartsWith("obs: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_address_on_standard_input_is_an_input_error()
    {
        var result = CliRunner.RunWithInput("0x10\nnot-an-address\n", "sym", "lookup", TestFixtures.Path(TestApp), "-");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 2", result.Stderr, StringComparison.Ordinal);
    }
}
