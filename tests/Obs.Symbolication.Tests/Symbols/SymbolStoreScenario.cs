using System.Text.Json;
using Obs.Minidump;
using Obs.Minidump.Synth;
using Obs.Testing;

namespace Obs.Symbolication.Tests.Symbols;

/// <summary>
/// The symbol-server tests' shared setting: Tecken's <c>ShowSSEConfig</c> files served as Tecken
/// serves them, a dump whose module lacks its debug id, and a cache folder per test.
/// </summary>
internal static class SymbolStoreScenario
{
    /// <summary>Where the debug file and id of <c>ShowSSEConfig.sym</c>'s MODULE line put it.</summary>
    public const string DebugPath = "ShowSSEConfig.pdb/D57F52D4A2FD56244C4C44205044422E1/ShowSSEConfig.sym";

    /// <summary>What a client asks when it only knows the code file and id (<c>.exe</c> gains <c>.sym</c>).</summary>
    public const string CodeInfoPath = "ShowSSEConfig.exe/6A4B9A365000/ShowSSEConfig.exe.sym";

    public const string DebugFile = "ShowSSEConfig.pdb";

    public const string DebugId = "D57F52D4A2FD56244C4C44205044422E1";

    /// <summary>Tecken's fixture, stored by Tecken under the code path although its MODULE line names the PDB.</summary>
    public static byte[] ShowSseConfigText => TestFixtures.Bytes("symfiles/tecken/ShowSSEConfig.exe/6A4B9A365000/ShowSSEConfig.sym");

    /// <summary>The module as a dump without a CodeView record shows it: code file and id only.</summary>
    public static ModuleIdentity CodeOnlyModule => new(@"C:\Program Files\ShowSSEConfig.exe", "6a4b9a365000", null, null);

    /// <summary>The module with its debug file and id.</summary>
    public static ModuleIdentity DebugModule => new(@"C:\Program Files\ShowSSEConfig.exe", "6a4b9a365000", DebugFile, DebugId);

    /// <summary>A server with the file at its debug path and the code-info path redirecting there.</summary>
    public static async Task<TestSymbolServer> StartTeckenAsync()
    {
        var server = await TestSymbolServer.StartAsync();
        server.AddFile(DebugPath, ShowSseConfigText);
        server.AddRedirect(CodeInfoPath, DebugPath);
        return server;
    }

    /// <summary>
    /// A Windows x86 dump with <c>ShowSSEConfig.exe</c> (timestamp <c>6A4B9A36</c>, size
    /// <c>5000</c>: code id <c>6A4B9A365000</c>), without a CodeView record unless
    /// <paramref name="withDebugId"/>, and one thread stopped in its <c>wmain</c> (<c>FUNC 1000</c>).
    /// </summary>
    public static byte[] ShowSseConfigDump(bool withDebugId = false)
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(architecture: 0, platform: 2);
        var pdb = withDebugId ? (Guid.Parse("D57F52D4-A2FD-5624-4C4C-44205044422E"), 1u, DebugFile) : ((Guid, uint, string)?)null;
        dump.AddWindowsModules(new SyntheticDump.WindowsModule(0x400000, 0x5000, 0x6A4B9A36, @"C:\Program Files\ShowSSEConfig.exe", pdb));
        dump.AddThreadsAt(MinidumpContextFormat.X86, 0x401010);
        return dump.Build();
    }

    /// <summary>
    /// A Windows amd64 dump with <paramref name="count"/> modules, each with a PDB debug id
    /// (<c>module{i}.pdb</c>), and one thread in each.
    /// </summary>
    public static byte[] ManyModulesDump(int count)
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(architecture: 9, platform: 2);
        var modules = new List<SyntheticDump.WindowsModule>();
        var pointers = new List<ulong>();
        for (var i = 0; i < count; i++)
        {
            var baseAddress = 0x10000000UL + ((ulong)i * 0x100000);
            modules.Add(new SyntheticDump.WindowsModule(baseAddress, 0x10000, 0x5f000000 + (uint)i, $@"C:\app\module{i}.dll",
                (new Guid(0x1000 + i, 0x2222, 0x3333, [4, 4, 4, 4, 4, 4, 4, 4]), 1, $"module{i}.pdb")));
            pointers.Add(baseAddress + 0x1234);
        }

        dump.AddWindowsModules(modules);
        dump.AddThreadsAt(MinidumpContextFormat.Amd64, pointers);
        return dump.Build();
    }

    /// <summary>The store-relative path of <see cref="ManyModulesDump"/>'s module <paramref name="i"/>.</summary>
    public static string ManyModulesPath(int i) =>
        $"module{i}.pdb/{new Guid(0x1000 + i, 0x2222, 0x3333, [4, 4, 4, 4, 4, 4, 4, 4]).ToString("N").ToUpperInvariant()}1/module{i}.sym";

    /// <summary>A symbol file for <see cref="ManyModulesDump"/>'s module <paramref name="i"/>: one function, <c>function{i}</c>, over its thread's instruction.</summary>
    public static byte[] ManyModulesText(int i)
    {
        var path = ManyModulesPath(i).Split('/');
        return System.Text.Encoding.UTF8.GetBytes($"MODULE windows x86_64 {path[1]} {path[0]}\nFUNC 1000 1000 0 function{i}\n");
    }

    /// <summary>Walks the dump with <paramref name="symbols"/> and returns minidump-stackwalk's JSON.</summary>
    public static async Task<JsonElement> WalkAsync(byte[] dumpBytes, ISymbolSupplier symbols, StackwalkOptions? options = null)
    {
        using var dump = MinidumpFile.Read(dumpBytes);
        var state = await MinidumpProcessor.ProcessAsync(dump, symbols, options, TestContext.Current.CancellationToken);
        using var json = new MemoryStream();
        ProcessStateJson.Write(json, state, pretty: false);
        return JsonDocument.Parse(json.ToArray()).RootElement.Clone();
    }

    /// <summary>The JSON's module entry for <paramref name="filename"/>.</summary>
    public static JsonElement Module(JsonElement json, string filename) =>
        json.GetProperty("modules").EnumerateArray().Single(m => m.GetProperty("filename").GetString() == filename);

    /// <summary>An HTTP supplier for <paramref name="server"/> with quick retries.</summary>
    public static HttpSymbolSupplier Supplier(HttpClient client, TestSymbolServer server, int maxRetries = 0, TimeSpan? timeout = null) =>
        new(client, new SymbolServerOptions
        {
            Urls = [server.BaseUrl],
            MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            DownloadTimeout = timeout ?? TimeSpan.FromSeconds(30),
        });
}

/// <summary>A temporary folder deleted when the test ends.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder() => Path = Directory.CreateTempSubdirectory("obs-symbols-").FullName;

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
