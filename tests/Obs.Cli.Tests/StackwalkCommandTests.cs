using System.Text.Json;
using Obs.Testing;

namespace Obs.Cli.Tests;

/// <summary>
/// <c>obs stackwalk</c>: minidump-stackwalk's reports of test.dmp equal rust-minidump's own
/// snapshots, its command line (Socorro's included) parses, and errors follow the obs contract.
/// </summary>
public sealed class StackwalkCommandTests
{
    private static readonly string TestDmp = TestFixtures.Path("rust-minidump/dumps/test.dmp");
    private static readonly string Symbols = TestFixtures.Path("rust-minidump/symbols");

    private static string Snapshot(string name)
    {
        var text = File.ReadAllText(TestFixtures.Path("rust-minidump/expected/" + name));
        return text[(text.IndexOf("\n---\n", StringComparison.Ordinal) + 5)..];
    }

    [Fact]
    public void Json_pretty_with_symbols_equals_minidump_stackwalks_snapshot()
    {
        var result = CliRunner.Run("stackwalk", "--json", "--pretty", TestDmp, "--symbols-path", Symbols);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        Assert.Equal(Snapshot("test_minidump_stackwalk__json-pretty-symbols.snap").TrimEnd('\n') + "\n", result.Stdout);
    }

    [Fact]
    public void Json_pretty_without_symbols_equals_minidump_stackwalks_snapshot()
    {
        var result = CliRunner.Run("stackwalk", "--json", "--pretty", TestDmp);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Snapshot("test_minidump_stackwalk__json-pretty.snap").TrimEnd('\n') + "\n", result.Stdout);
    }

    [Fact]
    public void Human_report_is_the_default_and_equals_minidump_stackwalks_snapshot()
    {
        // The symbol path given positionally after the dump, as minidump-stackwalk allows.
        var result = CliRunner.Run("stackwalk", TestDmp, Symbols);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Snapshot("test_minidump_stackwalk__human-symbols.snap"), result.Stdout);
    }

    [Fact]
    public void Brief_human_report_stops_after_the_crashing_thread()
    {
        var result = CliRunner.Run("stackwalk", "--brief", TestDmp, "--symbols-path", Symbols);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Thread 0  (crashed) - tid: 3060", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Loaded modules:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Socorros_command_line_parses_and_writes_json_and_logs_to_files()
    {
        var directory = Directory.CreateTempSubdirectory("obs-stackwalk-");
        try
        {
            var output = Path.Combine(directory.FullName, "out.json");
            var log = Path.Combine(directory.FullName, "out.log");
            var result = CliRunner.Run("stackwalk", $"--evil-json={TestFixtures.Path("rust-minidump/dumps/evil.json")}",
                $"--symbols-tmp={directory.FullName}", "--no-color", $"--output-file={output}", $"--log-file={log}",
                "--json", "--verbose=error", TestDmp);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal(string.Empty, result.Stdout + result.Stderr);
            using var json = JsonDocument.Parse(File.ReadAllBytes(output));
            Assert.True(json.RootElement.GetProperty("modules_contains_cert_info").GetBoolean());
            Assert.Equal("rust-minidump", json.RootElement.GetProperty("modules")[0].GetProperty("cert_subject").GetString());
            Assert.Equal(string.Empty, File.ReadAllText(log));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Cyborg_writes_the_human_report_and_the_json_beside_it()
    {
        var json = Path.GetTempFileName();
        try
        {
            var result = CliRunner.Run("stackwalk", "--cyborg", json, TestDmp, "--symbols-path", Symbols);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal(Snapshot("test_minidump_stackwalk__human-symbols.snap"), result.Stdout);
            using var document = JsonDocument.Parse(File.ReadAllBytes(json));
            Assert.Equal(4, document.RootElement.GetProperty("crashing_thread").GetProperty("frame_count").GetInt32());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void Log_lines_carry_their_level_and_verbose_sets_which_are_written()
    {
        var missing = Directory.CreateTempSubdirectory("obs-no-symbols-");
        try
        {
            var quiet = CliRunner.Run("stackwalk", "--json", TestDmp, "--symbols-path", missing.FullName);
            var chatty = CliRunner.Run("stackwalk", "--json", "--verbose=info", TestDmp, "--symbols-path", missing.FullName);

            Assert.Equal(string.Empty, quiet.Stderr);
            Assert.Equal(0, chatty.ExitCode);
            var lines = chatty.Stderr.TrimEnd('\n').Split('\n');
            Assert.Contains("INFO no symbols for test_app.exe (5A9832E5287241C1838ED98914E9B7FF1)", lines);
            Assert.All(lines, line => Assert.Matches("^(ERROR|WARN|INFO) ", line));
        }
        finally
        {
            missing.Delete();
        }
    }

    [Fact]
    public void Dump_prints_the_raw_dump_as_obs_dump_does()
    {
        var stackwalk = CliRunner.Run("stackwalk", "--dump", TestDmp);
        var dump = CliRunner.Run("dump", TestDmp);

        Assert.Equal(0, stackwalk.ExitCode);
        Assert.Equal(dump.Stdout, stackwalk.Stdout);
    }

    [Theory]
    [InlineData("--symbols-url=ftp://symbols.example/")]
    [InlineData("--symbols-url=symbols")]
    [InlineData("--symbols-download-timeout-secs=0")]
    [InlineData("--pretty")]
    [InlineData("--json", "--human")]
    [InlineData("--json", "--brief")]
    [InlineData("--verbose=loud")]
    [InlineData("--features=everything")]
    [InlineData("--frobnicate")]
    public void Usage_errors_exit_2_with_one_line(params string[] options)
    {
        var result = CliRunner.Run(["stackwalk", .. options, TestDmp]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("obs: ", result.ErrorLine, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void A_dump_that_cannot_be_read_exits_1_with_one_line()
    {
        var missing = CliRunner.Run("stackwalk", "/nonexistent/crash.dmp");
        var directory = CliRunner.Run("stackwalk", Symbols);
        var notADump = CliRunner.Run("stackwalk", TestFixtures.Path("rust-minidump/dumps/evil.json"));

        Assert.Equal((1, "obs: /nonexistent/crash.dmp: file not found"), (missing.ExitCode, missing.ErrorLine));
        Assert.Equal((1, $"obs: {Symbols}: is a directory, not a file"), (directory.ExitCode, directory.ErrorLine));
        Assert.Equal(1, notADump.ExitCode);
        Assert.Contains("HeaderMismatch", notADump.ErrorLine, StringComparison.Ordinal);
    }
}
