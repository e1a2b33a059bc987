using System.Buffers.Binary;
using System.Text.Json;
using Obs.Testing;

namespace Obs.Cli.Tests;

public sealed class DumpCommandTests
{
    private static readonly string TestDmpPath = TestFixtures.Path("rust-minidump/dumps/test.dmp");

    private static JsonElement Stream(JsonElement root, string name) =>
        root.GetProperty("streams").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name && s.GetProperty("used").GetBoolean());

    [Fact]
    public void Json_lists_header_every_directory_entry_and_decoded_streams()
    {
        var result = CliRunner.Run("dump", TestDmpPath, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        var root = result.Json;
        Assert.Equal(11317, root.GetProperty("size").GetInt32());
        var header = root.GetProperty("header");
        Assert.Equal("0x504d444d", header.GetProperty("signature").GetString());
        Assert.Equal("0x5128a793", header.GetProperty("version").GetString());
        Assert.Equal("2007-02-14T19:13:55Z", header.GetProperty("time").GetString());
        var streams = root.GetProperty("streams").EnumerateArray().ToList();
        Assert.Equal(9, streams.Count);
        // The two UnusedStream entries: only the later one is used, and a warning says so.
        Assert.False(streams[7].GetProperty("used").GetBoolean());
        Assert.True(streams[8].GetProperty("used").GetBoolean());
        Assert.Single(root.GetProperty("warnings").EnumerateArray());
        Assert.All(streams, s => Assert.Equal(JsonValueKind.Null, s.GetProperty("error").ValueKind));
    }

    [Fact]
    public void Json_module_entries_carry_the_identity_fields()
    {
        var root = CliRunner.Run("dump", TestDmpPath, "--json").Json;
        var modules = Stream(root, "ModuleListStream").GetProperty("data").GetProperty("modules").EnumerateArray().ToList();
        Assert.Equal(13, modules.Count);
        var main = modules[0];
        Assert.Equal("c:\\test_app.exe", main.GetProperty("code_file").GetString());
        Assert.Equal("45d35f6c2d000", main.GetProperty("code_id").GetString());
        Assert.Equal("c:\\test_app.pdb", main.GetProperty("debug_file").GetString());
        Assert.Equal("5A9832E5287241C1838ED98914E9B7FF1", main.GetProperty("debug_id").GetString());
        Assert.Equal("0x400000", main.GetProperty("base_addr").GetString());
        Assert.Equal(0x2d000, main.GetProperty("size").GetInt32());
        Assert.Equal(JsonValueKind.Null, main.GetProperty("version").ValueKind);
        Assert.Equal("5.1.2600.2180", modules[1].GetProperty("version").GetString());
        Assert.Equal("411096cab000", modules[12].GetProperty("code_id").GetString());
    }

    [Fact]
    public void Json_exception_system_and_misc_info_are_decoded()
    {
        var root = CliRunner.Run("dump", TestDmpPath, "--json").Json;
        var exception = Stream(root, "ExceptionStream").GetProperty("data");
        Assert.Equal("EXCEPTION_ACCESS_VIOLATION_WRITE", exception.GetProperty("crash_reason").GetString());
        Assert.Equal("0x45", exception.GetProperty("crash_address").GetString());
        var registers = exception.GetProperty("context").GetProperty("registers");
        Assert.Equal("0x40429e", registers.GetProperty("eip").GetString());
        Assert.Equal("0x12fe84", registers.GetProperty("esp").GetString());
        var system = Stream(root, "SystemInfoStream").GetProperty("data");
        Assert.Equal("Windows NT", system.GetProperty("os").GetString());
        Assert.Equal("5.1.2600 Service Pack 2", system.GetProperty("os_version").GetString());
        Assert.Equal("GenuineIntel family 6 model 13 stepping 8", system.GetProperty("cpu_info").GetString());
        Assert.Equal(3932, Stream(root, "MiscInfoStream").GetProperty("data").GetProperty("process_id").GetInt32());
        var breakpad = Stream(root, "BreakpadInfoStream").GetProperty("data");
        Assert.Equal(0x11c0, breakpad.GetProperty("dump_thread_id").GetInt32());
    }

    [Fact]
    public void A_damaged_stream_is_listed_with_its_error_and_the_command_succeeds()
    {
        var bytes = File.ReadAllBytes(TestDmpPath);
        // Point the module list (directory entry 1) past the end of the file.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x20 + 12 + 8), 0x7fff0000);
        var path = Path.Combine(Path.GetTempPath(), $"obs-dump-{Guid.NewGuid():N}.dmp");
        File.WriteAllBytes(path, bytes);
        try
        {
            var result = CliRunner.Run("dump", path, "--json");
            Assert.Equal(0, result.ExitCode);
            var modules = Stream(result.Json, "ModuleListStream");
            Assert.Equal(JsonValueKind.Null, modules.GetProperty("data").ValueKind);
            var error = modules.GetProperty("error");
            Assert.Equal("StreamReadFailure", error.GetProperty("kind").GetString());
            Assert.Equal(bytes.Length, error.GetProperty("offset").GetInt32());
            Assert.Contains("outside", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            // The other streams are unaffected.
            Assert.Equal(JsonValueKind.Null, Stream(result.Json, "ThreadListStream").GetProperty("error").ValueKind);

            var text = CliRunner.Run("dump", path);
            Assert.Equal(0, text.ExitCode);
            Assert.Contains("kind = StreamReadFailure", text.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Damaged_fixtures_exit_zero_with_errors_in_their_streams()
    {
        var result = CliRunner.Run("dump", TestFixtures.Path("rust-minidump/dumps/invalid-range.dmp"), "--json");
        Assert.Equal(0, result.ExitCode);
        var maps = Stream(result.Json, "LinuxMaps");
        Assert.Equal("DataError", maps.GetProperty("error").GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData(20, "MissingHeader")]
    [InlineData(40, "MissingDirectory")]
    public void An_unreadable_header_or_directory_exits_one_with_one_stderr_line(int length, string kind)
    {
        var path = Path.Combine(Path.GetTempPath(), $"obs-dump-{Guid.NewGuid():N}.dmp");
        File.WriteAllBytes(path, File.ReadAllBytes(TestDmpPath)[..length]);
        try
        {
            var result = CliRunner.Run("dump", path, "--json");
            Assert.Equal(1, result.ExitCode);
            Assert.Equal(string.Empty, result.Stdout);
            var line = Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("obs: ", line, StringComparison.Ordinal);
            Assert.Contains(kind, line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_exits_one_and_a_missing_argument_exits_two()
    {
        var missing = CliRunner.Run("dump", "/no/such/file.dmp");
        Assert.Equal(1, missing.ExitCode);
        Assert.Single(missing.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal(2, CliRunner.Run("dump").ExitCode);
    }

    [Fact]
    public void Text_output_shows_the_same_fields()
    {
        var result = CliRunner.Run("dump", TestDmpPath);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("code_id = 45d35f6c2d000", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("debug_id = 5A9832E5287241C1838ED98914E9B7FF1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("crash_reason = EXCEPTION_ACCESS_VIOLATION_WRITE", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("eip = 0x40429e", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("breakpad/dumps/minidump_crashpad_annotation.dmp")]
    [InlineData("rust-minidump/dumps/linux-mini.dmp")]
    [InlineData("breakpad/dumps/tiny-exe-with-cet-xsave.dmp")]
    [InlineData("rust-minidump/dumps/pipeline-inlines-macos-segv.dmp")]
    public void Every_stream_of_platform_dumps_decodes(string relative)
    {
        var result = CliRunner.Run("dump", TestFixtures.Path(relative), "--json");
        Assert.Equal(0, result.ExitCode);
        foreach (var stream in result.Json.GetProperty("streams").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Null, stream.GetProperty("error").ValueKind);
        }
    }

    [Fact]
    public void Crashpad_annotations_and_thread_names_appear_in_json()
    {
        var root = CliRunner.Run("dump", TestFixtures.Path("breakpad/dumps/minidump_crashpad_annotation.dmp"), "--json").Json;
        var crashpad = Stream(root, "CrashpadInfoStream").GetProperty("data");
        Assert.Equal("725058a6-7289-480f-8a41-517bd0ba216b", crashpad.GetProperty("report_id").GetString());
        var objects = crashpad.GetProperty("module_list")[0].GetProperty("annotation_objects");
        Assert.Equal("NSRangeException", objects[1].GetProperty("value").GetString());
        Assert.Equal("01000000", objects[4].GetProperty("value_hex").GetString());
        var threads = Stream(root, "ThreadListStream").GetProperty("data").GetProperty("threads");
        Assert.Contains(threads.EnumerateArray(), t => t.GetProperty("name").ValueKind == JsonValueKind.String);
    }
}
