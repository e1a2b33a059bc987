using Obs.Testing;
using static Obs.Symbolication.Tests.Symbols.SymbolStoreScenario;

namespace Obs.Symbolication.Tests.Symbols;

/// <summary>A symbol server that dies in the middle of a walk: the walk completes and says which modules it could not get.</summary>
public sealed class SymbolServerFaultTests
{
    [Fact]
    public async Task A_server_killed_in_the_middle_of_a_walk_leaves_the_rest_missing_and_nothing_throws()
    {
        const int count = 8;
        using var cache = new TemporaryFolder();
        var server = await TestSymbolServer.StartAsync();
        for (var i = 0; i < count; i++)
        {
            server.AddFile(ManyModulesPath(i), ManyModulesText(i));
        }

        var downloads = 0;
        server.Intercept = async (context, path) =>
        {
            if (Interlocked.Increment(ref downloads) != 3)
            {
                return false;
            }

            // Half of the third file, then the server goes away with the connection.
            var text = ManyModulesText(2);
            context.Response.ContentLength = text.Length;
            await context.Response.Body.WriteAsync(text.AsMemory(0, text.Length / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
            _ = server.StopAsync();
            return true;
        };
        using var client = HttpSymbolSupplier.CreateHttpClient();
        var options = new SymbolCacheOptions { Directory = cache.Path };

        // One thread at a time, so that the modules are asked for in order.
        var sequential = new StackwalkOptions { MaxDegreeOfParallelism = 1 };
        var json = await WalkAsync(ManyModulesDump(count), new DiskSymbolCache(options, null, Supplier(client, server, maxRetries: 1)), sequential);
        await server.StopAsync();
        var again = await WalkAsync(ManyModulesDump(count), new DiskSymbolCache(options, null, Supplier(client, server, maxRetries: 1)), sequential);

        foreach (var walk in new[] { json, again })
        {
            for (var i = 0; i < count; i++)
            {
                var module = Module(walk, $"module{i}.dll");
                var frame = walk.GetProperty("threads")[i].GetProperty("frames")[0];
                if (i < 2)
                {
                    Assert.True(module.GetProperty("loaded_symbols").GetBoolean());
                    Assert.Equal($"function{i}", frame.GetProperty("function").GetString());
                }
                else
                {
                    Assert.True(module.GetProperty("missing_symbols").GetBoolean());
                    Assert.Null(frame.GetProperty("function").GetString());
                }
            }
        }

        // What was cut short was not stored, and failures are not remembered as misses.
        Assert.Equal(2, Directory.GetFiles(cache.Path, "*.sym", SearchOption.AllDirectories).Length);
        Assert.Empty(Directory.GetFiles(cache.Path, "*.notfound", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(cache.Combine(".tmp")));
    }
}
