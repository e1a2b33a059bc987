using System.Diagnostics;
using System.Text;
using Obs.Testing;

namespace Obs.Cli.Tests;

/// <summary>
/// The contract every <c>obs</c> command keeps: usage errors exit 2, unreadable or rejected input
/// exits 1, each error is one line on standard error that names the path as given, and input is
/// read in bounded memory.
/// </summary>
public sealed class ContractTests : IDisposable
{
    private const string Sym = "breakpad/sym-edge-cases/module2.sym";
    private const string Dump = "rust-minidump/dumps/test.dmp";

    /// <summary>The issue's bound: memory stays within four times the document plus 100 MB.</summary>
    private static long MemoryBound(long documentBytes) => (4 * documentBytes) + (100L << 20);

    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(60);

    private readonly string _folder = Directory.CreateTempSubdirectory("obs-cli-contract-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string[]> UnknownOptions() => new()
    {
        new[] { "--bogus" },
        new[] { "signature", "--bogus" },
        new[] { "signature", "--jsonl", "-x" },
        new[] { "sym", "lookup", "SYM", "0x19aa", "--frobnicate" },
        new[] { "sym", "lookup", "SYM", "--frobnicate", "0x19aa" },
        new[] { "sym", "stats", "SYM", "--bogus" },
        new[] { "dump", "DUMP", "--bogus" },
        new[] { "dump", "--bogus" },
    };

    [Theory]
    [MemberData(nameof(UnknownOptions))]
    public void An_unknown_option_is_a_usage_error_in_every_command(string[] args)
    {
        var result = CliRunner.Run(Fixtures(args));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        var option = args.Last(a => a.StartsWith('-') && a.Length > 1);
        Assert.StartsWith($"obs: unknown option '{option}' (see 'obs", result.ErrorLine, StringComparison.Ordinal);
        Assert.EndsWith(" --help')", result.ErrorLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("obs: unknown command 'bogus' (see 'obs --help')", "bogus")]
    [InlineData("obs: missing command: sym, dump, signature, stackwalk (see 'obs --help')")]
    [InlineData("obs: missing command: stats, lookup, index (see 'obs sym --help')", "sym")]
    [InlineData("obs: unknown command 'bogus' (see 'obs sym --help')", "sym", "bogus")]
    [InlineData("obs: missing argument FILE (see 'obs sym stats --help')", "sym", "stats")]
    [InlineData("obs: missing argument dump (see 'obs dump --help')", "dump")]
    [InlineData("obs: unexpected argument 'extra' (see 'obs dump --help')", "dump", "DUMP", "extra")]
    [InlineData("obs: invalid address 'xyz': expected hex, e.g. 0x1a2b (see 'obs sym lookup --help')", "sym", "lookup", "SYM", "xyz")]
    [InlineData("obs: invalid size '12Q' for --max-input-bytes: expected a number of bytes from 1 to 1G, e.g. 65536, 64K or 256M (see 'obs signature --help')", "signature", "--max-input-bytes", "12Q")]
    public void A_usage_error_is_one_line_that_points_to_help(string expected, params string[] args)
    {
        var result = CliRunner.Run(Fixtures(args));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, result.ErrorLine);
    }

    [Fact]
    public void Help_still_works_and_a_double_dash_ends_the_options()
    {
        var help = CliRunner.Run("signature", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--max-input-bytes", help.Stdout, StringComparison.Ordinal);

        var path = Path.Combine(_folder, "-crash.json");
        File.WriteAllText(path, "{}");
        var result = CliRunner.Run("signature", "--", path);
        Assert.Equal(0, result.ExitCode);
    }

    [Theory]
    [InlineData("sym", "stats", "PATH")]
    [InlineData("sym", "lookup", "PATH", "0x1")]
    [InlineData("dump", "PATH")]
    [InlineData("signature", "PATH")]
    [InlineData("signature", "--jsonl", "PATH")]
    public void A_directory_given_as_the_file_is_named_a_directory(params string[] args)
    {
        var result = CliRunner.Run([.. args.Select(a => a == "PATH" ? _folder : a)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal($"obs: {_folder}: is a directory, not a file", result.ErrorLine);
    }

    [Theory]
    [InlineData("sym", "stats", "PATH")]
    [InlineData("sym", "lookup", "PATH", "0x1")]
    [InlineData("dump", "PATH")]
    [InlineData("signature", "PATH")]
    public void A_missing_file_has_one_wording_and_is_echoed_as_given(params string[] args)
    {
        const string relative = "no/such/input.file";
        var result = CliRunner.Run([.. args.Select(a => a == "PATH" ? relative : a)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"obs: {relative}: file not found", result.ErrorLine);
    }

    [Theory]
    [InlineData("sym", "stats")]
    [InlineData("dump")]
    [InlineData("signature")]
    public void An_empty_or_nul_path_is_not_a_valid_path(params string[] args)
    {
        var empty = CliRunner.Run([.. args, ""]);
        Assert.Equal(1, empty.ExitCode);
        Assert.Equal("obs: '': not a valid path", empty.ErrorLine);

        if (CliRunner.Executable is null)
        {
            // A child process cannot be given a NUL in an argument.
            var nul = CliRunner.Run([.. args, "a\0b"]);
            Assert.Equal(1, nul.ExitCode);
            Assert.Equal("obs: 'a\\x00b': not a valid path", nul.ErrorLine);
        }
    }

    [Theory]
    [InlineData("", "invalid JSON at line 1, byte 1: the input holds no JSON value")]
    [InlineData("{\"threads\": ", "invalid JSON at line 1, byte 13: the input ends before the JSON value is complete")]
    [InlineData("{\n  \"os\" \"Linux\"\n}", "invalid JSON at line 2, byte 8: '\"' is invalid after a property name. Expected a ':'")]
    [InlineData("x", "invalid JSON at line 1, byte 1: 'x' is an invalid start of a value")]
    [InlineData("[1, 2]", "invalid crash data: crash data must be a JSON object")]
    public void Invalid_json_is_one_readable_line_with_its_position(string input, string expected)
    {
        var result = CliRunner.RunWithInput(input, "signature");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"obs: standard input: {expected}", result.ErrorLine);
        Assert.DoesNotContain("LineNumber", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("isFinalBlock", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_in_echoed_input_are_escaped()
    {
        var address = CliRunner.RunWithInput("0x10\nab\u0001\0c\u001b[31m\n", "sym", "lookup", TestFixtures.Path(Sym), "-");
        Assert.Equal(1, address.ExitCode);
        Assert.Equal("obs: standard input line 2: invalid address 'ab\\x01\\x00c\\x1b[31m': expected hex, e.g. 0x1a2b", address.ErrorLine);

        var option = CliRunner.Run("signature", "--bo\ngus\t");
        Assert.Equal(2, option.ExitCode);
        Assert.StartsWith("obs: unknown option '--bo\\ngus\\t'", option.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_bad_address_is_echoed_cut_short()
    {
        var result = CliRunner.RunWithInput(new string('z', 5000) + "\n", "sym", "lookup", TestFixtures.Path(Sym), "-");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"obs: standard input line 1: invalid address '{new string('z', 80)}…' (5000 characters): expected hex, e.g. 0x1a2b", result.ErrorLine);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_utf8_byte_order_mark_is_skipped_from_a_file_and_from_standard_input(bool jsonl)
    {
        const string crash = """{"reason": "EXCEPTION_STACK_OVERFLOW"}""";
        var path = Path.Combine(_folder, "bom.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(crash + "\n")]);
        string[] options = jsonl ? ["--jsonl"] : [];

        var fromFile = CliRunner.Run(["signature", .. options, path]);
        var fromStdin = CliRunner.RunWithStream(new MemoryStream(File.ReadAllBytes(path)), ["signature", .. options]);

        foreach (var result in new[] { fromFile, fromStdin })
        {
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(string.Empty, result.Stderr);
            Assert.Equal("stackoverflow | EMPTY: no frame data available", result.Json.GetProperty("signature").GetString());
        }
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("minidump")]
    [InlineData("text")]
    public void Sym_stats_rejects_a_file_without_breakpad_records(string kind)
    {
        var path = Path.Combine(_folder, "input.sym");
        File.WriteAllBytes(path, kind switch
        {
            "empty" => [],
            "minidump" => TestFixtures.Bytes(Dump),
            _ => "hello\nworld\n"u8.ToArray(),
        });

        var result = CliRunner.Run("sym", "stats", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.StartsWith($"obs: {path}: no Breakpad records", result.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_text_output_opens_with_a_summary_of_the_crash()
    {
        var result = CliRunner.Run("dump", TestFixtures.Path(Dump));

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n');
        Assert.Equal(
            [
                "Operating system: Windows NT",
                "                  5.1.2600 Service Pack 2",
                "CPU: x86",
                "     GenuineIntel family 6 model 13 stepping 8",
                "     1 CPU",
                "",
                "Crash reason:  EXCEPTION_ACCESS_VIOLATION_WRITE",
                "Crash address: 0x45",
                "Process uptime: 0 seconds",
                "Crashing thread: 0 (tid 3060) of 2 threads",
                "Modules: 13, main module c:\\test_app.exe (0x400000 - 0x42cfff)",
                "",
                $"file = {TestFixtures.Path(Dump)}",
            ],
            lines[..13]);
    }

    // Input that never ends: an endless stream (not /dev/zero), with a small limit. A command that
    // did not stop at the limit would read on until the stream's safety stop far past it.

    private const int SmallLimit = 256 * 1024;
    private const long SafetyStop = 1L << 30;

    [Theory]
    [InlineData("{\"os\": \"", "signature")]
    [InlineData("{\"os\": \"", "signature", "--processed")]
    [InlineData("{\"os\": \"", "signature", "--jsonl")]
    [InlineData("0", "sym", "lookup", "SYM", "-")]
    [InlineData("\0", "sym", "lookup", "SYM", "0x1", "-")]
    public void Endless_standard_input_ends_at_the_limit_in_bounded_time_and_memory(string pattern, params string[] args)
    {
        var input = EndlessStream.Of(pattern, SafetyStop);
        var stopwatch = Stopwatch.StartNew();

        var result = CliRunner.RunWithStream(input, [.. Fixtures(args), "--max-input-bytes", "256K"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^obs: standard input: (the input|line 1) is larger than the limit of 256 KiB \(--max-input-bytes\)$", result.ErrorLine);
        AssertBounded(result, stopwatch, input.BytesRead);
    }

    [Fact]
    public async Task An_endless_file_ends_at_the_limit_in_bounded_time_and_memory()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "named pipes are made with mkfifo");
        var path = Path.Combine(_folder, "endless.json");
        using (var mkfifo = Process.Start("mkfifo", [path]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a pipe blocks until both ends are open: the writer opens its end on another thread.
        var input = EndlessStream.Of("[[[[", SafetyStop);
        var writer = Task.Run(() =>
        {
            try
            {
                // Shared, unlike File.OpenWrite: .NET's own share check would refuse the reader.
                using var pipe = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                input.CopyTo(pipe);
            }
            catch (IOException)
            {
                // The reader closed its end: the command stopped reading.
            }
        }, TestContext.Current.CancellationToken);
        var stopwatch = Stopwatch.StartNew();

        var result = CliRunner.Run("signature", path, "--max-input-bytes", "256K");

        await writer.WaitAsync(TimeBound, TestContext.Current.CancellationToken);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"obs: {path}: the input is larger than the limit of 256 KiB (--max-input-bytes)", result.ErrorLine);
        AssertBounded(result, stopwatch, input.BytesRead);
    }

    [Fact]
    public void An_address_line_is_limited_to_64_KiB_by_default()
    {
        var atLimit = CliRunner.RunWithInput(new string('0', 64 * 1024) + "\n", "sym", "lookup", TestFixtures.Path(Sym), "-");
        Assert.Equal(0, atLimit.ExitCode);

        var over = CliRunner.RunWithInput(new string('0', (64 * 1024) + 1) + "\n", "sym", "lookup", TestFixtures.Path(Sym), "-");
        Assert.Equal(1, over.ExitCode);
        Assert.Equal("obs: standard input: line 1 is larger than the limit of 64 KiB (--max-input-bytes)", over.ErrorLine);
    }

    [Fact]
    public void A_document_just_under_the_limit_is_read_and_one_just_over_is_not()
    {
        var crash = $$"""{"reason": "EXCEPTION_STACK_OVERFLOW", "pad": "{{new string('x', 1000)}}"}""";
        var size = Encoding.UTF8.GetByteCount(crash);

        Assert.Equal(0, CliRunner.RunWithInput(crash, "signature", "--max-input-bytes", size.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExitCode);
        var over = CliRunner.RunWithInput(crash, "signature", "--max-input-bytes", (size - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, over.ExitCode);
        Assert.Contains("is larger than the limit", over.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public void A_50_MB_function_name_under_jsonl_stays_within_four_times_the_document_plus_100_MB()
    {
        var name = new string('f', 50 << 20);
        var crash = $$"""{"os": "Linux", "crashing_thread": 0, "threads": [{"frames": [{"function": "{{name}}", "module": "libxul.so"}]}]}""" + "\n";
        var bytes = Encoding.UTF8.GetBytes(crash);
        var stopwatch = Stopwatch.StartNew();

        // Peak memory is a property of the whole process: this one runs as a child process.
        var result = CliRunner.RunAsProcess(new MemoryStream(bytes), "signature", "--jsonl");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        Assert.Contains($"\"{name}\"", result.Stdout, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeBound, $"took {stopwatch.Elapsed}");
        Assert.SkipWhen(result.MemoryBytes is null, "/usr/bin/time is not there to measure the peak memory");
        Assert.True(result.MemoryBytes <= MemoryBound(bytes.Length), $"{result.MemoryBytes} bytes for a {bytes.Length}-byte document");
    }

    private static void AssertBounded(CliResult result, Stopwatch stopwatch, long bytesRead)
    {
        Assert.True(stopwatch.Elapsed < TimeBound, $"took {stopwatch.Elapsed}");
        // The limit plus a read and what the pipe to a child process holds.
        Assert.True(bytesRead <= SmallLimit + (1 << 20), $"{bytesRead} bytes read for a limit of {SmallLimit}");
        Assert.True(result.MemoryBytes is null || result.MemoryBytes <= MemoryBound(SmallLimit), $"{result.MemoryBytes} bytes of memory");
    }

    private static string[] Fixtures(string[] args) =>
        [.. args.Select(a => a switch
        {
            "SYM" => TestFixtures.Path(Sym),
            "DUMP" => TestFixtures.Path(Dump),
            _ => a,
        })];
}
