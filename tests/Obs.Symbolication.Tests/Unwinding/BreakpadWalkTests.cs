using System.Globalization;
using Obs.Minidump;
using Obs.Testing;

namespace Obs.Symbolication.Tests.Unwinding;

/// <summary>
/// Breakpad's <c>minidump_stackwalk</c> output for the Breakpad fixture dumps that have symbols,
/// as a second oracle: every frame it lists agrees with Obs's on module, function, file and line
/// (and on the address where Breakpad prints one that is not relative to a source line).
/// </summary>
/// <remarks>
/// Breakpad prints a caller's return address where rust-minidump (and Obs) look up the address
/// before it, and lists inlined calls as frames of their own ("Found by: inline record") before
/// the frame that contains them; here they are compared with that frame's <see cref="StackFrame.Inlines"/>.
/// </remarks>
public sealed class BreakpadWalkTests
{
    /// <summary>Each dump, its symbol store, the expected-output name, and how many frames Obs finds beyond Breakpad's.</summary>
    public static TheoryData<string, string, string, int> Dumps => new()
    {
        // No CFI in linux_inline: after the context frame every caller is found by scanning.
        { "linux_inline", "breakpad/symbols-inline-old", "linux_inline.inline-old", 0 },
        { "linux_inline", "breakpad/symbols-inline-new", "linux_inline.inline-new", 0 },
        { "linux_null_read_av", "breakpad/symbols", "linux_null_read_av", 0 },
        { "linux_overflow", "breakpad/symbols", "linux_overflow", 0 },

        // Breakpad stops at the smashed return address (frame 7, in no module): its 40-word scan
        // from there finds nothing, while the 160-word scan after a CFI frame finds
        // __libc_start_main's return address 41 words up, and CFI leads on to _start.
        { "linux_stacksmash", "breakpad/symbols", "linux_stacksmash", 2 },
    };

    [Theory, MemberData(nameof(Dumps))]
    public async Task Every_frame_Breakpad_lists_agrees(string dump, string symbols, string expected, int framesBeyondBreakpad)
    {
        using var file = MinidumpFile.Open(TestFixtures.Path($"breakpad/dumps/{dump}.dmp"));
        var state = await MinidumpProcessor.ProcessAsync(file, new LocalSymbolSupplier([TestFixtures.Path(symbols)]),
            cancellationToken: TestContext.Current.CancellationToken);
        var frames = state.Threads[state.RequestingThread!.Value].Frames;
        var breakpad = ReadBreakpadFrames(expected);

        Assert.Equal(breakpad.Count + framesBeyondBreakpad, frames.Count);
        for (var i = 0; i < breakpad.Count; i++)
        {
            var (frame, want) = (frames[i], breakpad[i]);
            var where = $"frame {i}";
            Assert.True(want.Module == LeafName(frame.Module?.CodeFile), $"{where}: module {want.Module} != {frame.Module?.CodeFile}");
            Assert.True(want.Function == frame.FunctionName, $"{where}: function {want.Function} != {frame.FunctionName}");
            Assert.True(want.File == frame.SourceFile, $"{where}: file {want.File} != {frame.SourceFile}");
            Assert.True(want.Line == frame.SourceLine, $"{where}: line {want.Line} != {frame.SourceLine}");
            Assert.Equal(want.Inlines, frame.Inlines);

            // Breakpad's offset is from the return address (the instruction pointer of the context
            // frame): to the module base, the function, or the line record's start.
            ulong? from = want.Function is null ? frame.Module?.BaseAddress ?? 0
                : want.File is null ? frame.FunctionBase
                : frame.Inlines.Count == 0 ? frame.SourceLineBase
                : null;
            if (from is { } origin)
            {
                Assert.True(want.Offset == frame.ResumeAddress - origin, $"{where}: offset 0x{want.Offset:x} != 0x{frame.ResumeAddress - origin:x}");
            }
        }

        if (framesBeyondBreakpad > 0)
        {
            // Where Breakpad's walk ended, a scan after a CFI frame found the next caller beyond
            // Breakpad's 40 words and within rust-minidump's 160.
            var last = frames[breakpad.Count - 1];
            var next = frames[breakpad.Count];
            Assert.Equal(FrameTrust.CallFrameInfo, last.Trust);
            Assert.Equal(FrameTrust.Scan, next.Trust);
            var words = (next.Registers.StackPointer - last.Registers.StackPointer) / (ulong)next.Registers.PointerSize - 1;
            Assert.InRange(words, 40UL, 159UL);
        }
    }

    /// <summary>
    /// The crashed thread's frames of Breakpad's machine-readable output (<c>.m.txt</c>), with the
    /// inline-record frames (told apart by the human output's "Found by") folded into the frame
    /// that follows them, innermost first.
    /// </summary>
    private static List<BreakpadFrame> ReadBreakpadFrames(string name)
    {
        var inline = new HashSet<int>();
        var number = -1;
        var inThread = false;
        foreach (var line in File.ReadLines(TestFixtures.Path($"breakpad/expected/{name}.txt")))
        {
            if (line.StartsWith("Thread ", StringComparison.Ordinal))
            {
                inThread = line.Contains("(crashed)", StringComparison.Ordinal);
                continue;
            }

            if (!inThread)
            {
                continue;
            }

            var trimmed = line.TrimStart();
            var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && int.TryParse(trimmed.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && line.Length > 3 && line[3] == ' ')
            {
                number = n;
            }
            else if (trimmed == "Found by: inline record")
            {
                inline.Add(number);
            }
        }

        var frames = new List<BreakpadFrame>();
        var pending = new List<InlineFrame>();
        string? crashedThread = null;
        foreach (var line in File.ReadLines(TestFixtures.Path($"breakpad/expected/{name}.m.txt")))
        {
            if (line.StartsWith("Crash|", StringComparison.Ordinal))
            {
                crashedThread = line.Split('|')[3];
                continue;
            }

            var fields = line.Split('|');
            if (fields.Length != 7 || fields[0] != crashedThread)
            {
                continue;
            }

            var function = Empty(fields[3]);
            var file = Empty(fields[4]);
            uint? sourceLine = fields[5].Length == 0 ? null : uint.Parse(fields[5], CultureInfo.InvariantCulture);
            if (inline.Contains(int.Parse(fields[1], CultureInfo.InvariantCulture)))
            {
                pending.Add(new InlineFrame(function!, file, sourceLine));
                continue;
            }

            var offset = ulong.Parse(fields[6].AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            frames.Add(new BreakpadFrame(Empty(fields[2]), function, file, sourceLine, offset, [.. pending]));
            pending.Clear();
        }

        Assert.NotEmpty(frames);
        return frames;
    }

    private static string? Empty(string field) => field.Length == 0 ? null : field;

    private static string? LeafName(string? path) => path?[(path.LastIndexOfAny(['/', '\\']) + 1)..];

    private sealed record BreakpadFrame(string? Module, string? Function, string? File, uint? Line, ulong Offset, InlineFrame[] Inlines);
}
