using Obs.Cli.Infrastructure;
using Obs.Symbolication;
using Obs.Symbolication.Tests.Symbols;
using Obs.Testing;
using static Obs.Symbolication.Tests.Symbols.SymbolStoreScenario;

namespace Obs.Cli.Tests;

/// <summary>
/// <c>obs stackwalk --symbols-url URL --symbols-cache DIR</c> against a real Kestrel in Tecken's
/// layout: the code-file/code-id lookup, a second run from the cache alone, two processes
/// sharing one cache, and local indexes kept only when the cache is named.
/// </summary>
public sealed class StackwalkSymbolServerTests
{
    private static string WriteDump(TemporaryFolder folder, bool withDebugId = false)
    {
        var path = folder.Combine("ShowSSEConfig.dmp");
        File.WriteAllBytes(path, ShowSseConfigDump(withDebugId));
        return path;
    }

    private static void AssertSymbolicatedThroughCodeInfo(CliResult result, TestSymbolServer server)
    {
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = result.Json;
        var module = Module(json, "ShowSSEConfig.exe");
        Assert.Equal((DebugFile, DebugId), (module.GetProperty("debug_file").GetString(), module.GetProperty("debug_id").GetString()));
        Assert.True(module.GetProperty("loaded_symbols").GetBoolean());
        Assert.Equal(new Uri(server.BaseUrl, $"{DebugPath}?code_file=ShowSSEConfig.exe&code_id=6a4b9a365000").AbsoluteUri,
            module.GetProperty("symbol_url").GetString());
        Assert.Equal("wmain()", json.GetProperty("threads")[0].GetProperty("frames")[0].GetProperty("function").GetString());
    }

    [Fact]
    public async Task A_module_without_a_debug_id_is_symbolicated_from_the_server_and_then_from_the_cache_with_the_server_stopped()
    {
        using var folder = new TemporaryFolder();
        var dump = WriteDump(folder);
        var cache = folder.Combine("cache");
        var server = await StartTeckenAsync();

        var first = CliRunner.Run("stackwalk", "--json", dump, "--symbols-url", server.BaseUrl.AbsoluteUri, "--symbols-cache", cache);
        await server.StopAsync();
        var second = CliRunner.Run("stackwalk", "--json", dump, "--symbols-url", server.BaseUrl.AbsoluteUri, "--symbols-cache", cache);

        AssertSymbolicatedThroughCodeInfo(first, server);
        AssertSymbolicatedThroughCodeInfo(second, server);
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Two_processes_sharing_one_cache_folder_stay_consistent()
    {
        using var folder = new TemporaryFolder();
        var dump = WriteDump(folder);
        var cache = folder.Combine("cache");
        var server = await StartTeckenAsync();
        string[] args = ["stackwalk", "--json", dump, "--symbols-url", server.BaseUrl.AbsoluteUri, "--symbols-cache", cache];

        var runs = await Task.WhenAll(
            Task.Run(() => CliRunner.RunAsProcess(new MemoryStream(), args)),
            Task.Run(() => CliRunner.RunAsProcess(new MemoryStream(), args)));
        await server.StopAsync();
        var later = CliRunner.RunAsProcess(new MemoryStream(), args);

        foreach (var run in runs.Append(later))
        {
            AssertSymbolicatedThroughCodeInfo(run, server);
            Assert.Equal(runs[0].Stdout, run.Stdout);
        }

        // Each process may have downloaded; one text and one index stay, and nothing half-written.
        Assert.InRange(server.CountRequests(DebugPath), 1, 2);
        var entry = Path.Combine(cache, "ShowSSEConfig.pdb", DebugId);
        Assert.Equal(ShowSseConfigText, File.ReadAllBytes(Path.Combine(entry, "ShowSSEConfig.sym")));
        Assert.Single(Directory.GetFiles(entry, "*.symindex"));
        Assert.Empty(Directory.GetFiles(Path.Combine(cache, ".tmp")));
    }

    [Fact]
    public async Task Without_symbols_cache_downloads_go_to_the_default_cache_in_the_temp_folder()
    {
        using var folder = new TemporaryFolder();
        var dump = WriteDump(folder);
        await using var server = await StartTeckenAsync();

        var result = CliRunner.RunAsProcess(new MemoryStream(), new Dictionary<string, string> { ["TMPDIR"] = folder.Path + "/" },
            "stackwalk", "--json", dump, "--symbols-url", server.BaseUrl.AbsoluteUri);

        AssertSymbolicatedThroughCodeInfo(result, server);
        Assert.True(File.Exists(folder.Combine("obs-symbols-cache", "ShowSSEConfig.pdb", DebugId, "ShowSSEConfig.sym")));
    }

    [Fact]
    public void Local_indexes_are_kept_only_when_the_cache_is_named()
    {
        using var folder = new TemporaryFolder();
        var dump = WriteDump(folder, withDebugId: true);
        var cache = folder.Combine("cache");
        var symbols = TestFixtures.Path("symfiles/tecken/ShowSSEConfig.exe/6A4B9A365000/ShowSSEConfig.sym");
        var temporary = folder.Combine("tmp");
        Directory.CreateDirectory(temporary);

        var plain = CliRunner.Run("stackwalk", "--json", dump, "--symbols-path", symbols, $"--symbols-tmp={temporary}");
        var cacheAfterPlain = Directory.Exists(cache);
        var cached = CliRunner.Run("stackwalk", "--json", dump, "--symbols-path", symbols, "--symbols-cache", cache);
        var mapped = CliRunner.Run("stackwalk", "--json", dump, "--symbols-path", symbols, "--symbols-cache", cache);

        Assert.Equal((0, 0, 0), (plain.ExitCode, cached.ExitCode, mapped.ExitCode));
        Assert.False(cacheAfterPlain);
        Assert.Empty(Directory.GetFileSystemEntries(temporary));
        Assert.Equal("wmain()", plain.Json.GetProperty("threads")[0].GetProperty("frames")[0].GetProperty("function").GetString());
        Assert.Equal(plain.Stdout, cached.Stdout);
        Assert.Equal(plain.Stdout, mapped.Stdout);
        Assert.Single(Directory.GetFiles(cache, "*.symindex", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(cache, "ShowSSEConfig.pdb", DebugId, "ShowSSEConfig.sym")));
    }

    [Fact]
    public void Progress_shows_long_downloads_on_one_line_and_clears_it()
    {
        using var terminal = new StringWriter();
        using (var display = new DownloadProgressDisplay(terminal))
        {
            display.Report(new SymbolDownloadProgress("quick.sym", "http://s/quick", 1000, null, TimeSpan.FromMilliseconds(200), false));
            Assert.Equal(string.Empty, terminal.ToString());

            display.Report(new SymbolDownloadProgress("xul.sym", "http://s/xul", 3 * 1024 * 1024, null, TimeSpan.FromSeconds(2), false));
            display.Report(new SymbolDownloadProgress("quick.sym", "http://s/quick", 1000, null, TimeSpan.FromMilliseconds(300), true));
            display.Report(new SymbolDownloadProgress("xul.sym", "http://s/xul", 4 * 1024 * 1024, null, TimeSpan.FromSeconds(3), true));
        }

        var shown = terminal.ToString();
        Assert.StartsWith("\r\u001b[Kdownloading xul.sym: 3.0 MiB at 1.5 MiB/s (+1 more)", shown, StringComparison.Ordinal);
        Assert.EndsWith("\r\u001b[K", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("quick.sym", shown, StringComparison.Ordinal);
    }
}
