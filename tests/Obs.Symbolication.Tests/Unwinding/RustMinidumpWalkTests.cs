using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Obs.Minidump;
using Obs.SymbolFiles;
using Obs.Testing;

namespace Obs.Symbolication.Tests.Unwinding;

/// <summary>
/// The walks of rust-minidump's own fixture dumps: <c>test.dmp</c> against its snapshots, and the
/// inline-heavy macOS dump against direct lookups in its symbol file.
/// </summary>
public sealed partial class RustMinidumpWalkTests
{
    private static async Task<(ProcessState State, WalkedThread Thread)> WalkCrashingThreadAsync(string dump, string symbols)
    {
        using var file = MinidumpFile.Open(TestFixtures.Path(dump));
        var state = await MinidumpProcessor.ProcessAsync(file, new LocalSymbolSupplier([TestFixtures.Path(symbols)]),
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(state.RequestingThread);
        return (state, state.Threads[state.RequestingThread.Value]);
    }

    /// <summary>
    /// test.dmp's crashing thread: four frames (context, then STACK WIN frames through main and
    /// __tmainCRTStartup into kernel32), with the module, offset, function, file, line and trust
    /// of <c>json-pretty-symbols.snap</c> and the valid registers <c>human-symbols.snap</c> prints.
    /// </summary>
    [Fact]
    public async Task Test_dmp_crashing_thread_matches_the_snapshots()
    {
        var (_, thread) = await WalkCrashingThreadAsync("rust-minidump/dumps/test.dmp", "rust-minidump/symbols");

        using var json = JsonDocument.Parse(SnapshotBody("rust-minidump/expected/test_minidump_stackwalk__json-pretty-symbols.snap"));
        var expectedFrames = json.RootElement.GetProperty("crashing_thread").GetProperty("frames");
        var expectedRegisters = HumanReportRegisters("rust-minidump/expected/test_minidump_stackwalk__human-symbols.snap");
        Assert.Equal(4, expectedFrames.GetArrayLength());
        Assert.Equal(expectedFrames.GetArrayLength(), thread.Frames.Count);
        Assert.Equal(expectedRegisters.Count, thread.Frames.Count);

        for (var i = 0; i < thread.Frames.Count; i++)
        {
            var frame = thread.Frames[i];
            var expected = expectedFrames[i];
            Assert.Equal(expected.GetProperty("trust").GetString(), frame.Trust.ToJsonName());
            Assert.Equal(expected.GetProperty("module").GetString(), LeafName(frame.Module?.CodeFile));
            Assert.Equal(expected.GetProperty("module_offset").GetString(), Hex32(frame.Instruction - frame.Module!.BaseAddress));
            Assert.Equal(expected.GetProperty("function").GetString(), frame.FunctionName);
            Assert.Equal(expected.GetProperty("file").GetString(), frame.SourceFile);
            Assert.Equal(expected.GetProperty("line").ValueKind == JsonValueKind.Null ? null : expected.GetProperty("line").GetUInt32(),
                frame.SourceLine);

            var registers = new List<string>();
            foreach (var (name, value) in frame.Registers.ValidRegisters)
            {
                registers.Add($"{name} = {Hex32(value)}");
            }

            Assert.Equal(expectedRegisters[i], registers);
        }
    }

    /// <summary>
    /// The inline-heavy macOS dump: every crashing-thread frame in crash-client carries exactly
    /// what a direct lookup of its module offset in crash-client.sym gives (function, file, line,
    /// inline chain), and the walk goes on to the process's entry point.
    /// </summary>
    [Fact]
    public async Task Macos_inline_frames_carry_what_the_symbol_file_says()
    {
        var (_, thread) = await WalkCrashingThreadAsync("rust-minidump/dumps/pipeline-inlines-macos-segv.dmp", "rust-minidump/symbols");
        var index = SymbolIndex.Load(TestFixtures.Path(
            "rust-minidump/symbols/crash-client/509C0610949836F7B70BD88BCF03E5400/crash-client.sym"));

        var checkedFrames = 0;
        var framesWithInlines = 0;
        foreach (var frame in thread.Frames)
        {
            if (LeafName(frame.Module?.CodeFile) != "crash-client")
            {
                continue;
            }

            Assert.True(index.TryLookup(frame.Instruction - frame.Module!.BaseAddress, out var hit));
            Assert.Equal(hit.Function.Name, frame.FunctionName);
            Assert.Equal(hit.IsFromPublic ? null : hit.File, frame.SourceFile);
            Assert.Equal(hit.IsFromPublic ? null : hit.Line, frame.SourceLine);
            var inlines = new List<InlineFrame>();
            for (var i = 0; i < hit.InlineFrameCount; i++)
            {
                var inline = hit.GetInlineFrame(i);
                inlines.Add(new InlineFrame(inline.Name, inline.File, inline.Line));
            }

            Assert.Equal(inlines, frame.Inlines);
            checkedFrames++;
            framesWithInlines += inlines.Count > 0 ? 1 : 0;
        }

        // Context, main, the closures and std's start-up code: six frames, four with inlined calls.
        Assert.Equal(6, checkedFrames);
        Assert.Equal(4, framesWithInlines);

        // The walk goes on to the bottom of the stack, the process's entry point: after
        // crash-client's main only libdyld's start follows (reached by CFI, then found again by
        // the long scan after that CFI frame, as rust-minidump's scan does), and nothing after it.
        Assert.Equal("main", thread.Frames[5].FunctionName);
        var entry = thread.Frames[6];
        Assert.Equal("libdyld.dylib", LeafName(entry.Module?.CodeFile));
        Assert.Equal(FrameTrust.CallFrameInfo, entry.Trust);
        Assert.Equal(8, thread.Frames.Count);
        Assert.Equal(FrameTrust.Scan, thread.Frames[7].Trust);
        Assert.Equal(entry.Instruction, thread.Frames[7].Instruction);
    }

    /// <summary>The JSON of an insta snapshot (after its <c>---</c> header).</summary>
    private static string SnapshotBody(string path)
    {
        var text = File.ReadAllText(TestFixtures.Path(path));
        var second = text.IndexOf("\n---\n", 4, StringComparison.Ordinal);
        return text[(second + 5)..];
    }

    /// <summary>The register lines of each frame of the first thread in a human report, as <c>name = 0x…</c>.</summary>
    private static List<List<string>> HumanReportRegisters(string path)
    {
        var frames = new List<List<string>>();
        var inThread = false;
        foreach (var line in File.ReadLines(TestFixtures.Path(path)))
        {
            if (line.StartsWith("Thread ", StringComparison.Ordinal))
            {
                inThread = frames.Count == 0;
                continue;
            }

            if (!inThread)
            {
                continue;
            }

            if (line.Length == 0)
            {
                break;
            }

            if (FrameHeader().IsMatch(line))
            {
                frames.Add([]);
                continue;
            }

            foreach (Match register in RegisterValue().Matches(line))
            {
                frames[^1].Add($"{register.Groups[1].Value} = {register.Groups[2].Value}");
            }
        }

        return frames;
    }

    private static string? LeafName(string? path) => path?[(path.LastIndexOfAny(['/', '\\']) + 1)..];

    private static string Hex32(ulong value) => "0x" + value.ToString("x8", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*\d+\s{2}\S")]
    private static partial Regex FrameHeader();

    [GeneratedRegex(@"(\w+) = (0x[0-9a-f]+)")]
    private static partial Regex RegisterValue();
}
