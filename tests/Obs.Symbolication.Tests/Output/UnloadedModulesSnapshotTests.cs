using System.Text.Json;
using Obs.Minidump;
using Obs.Minidump.Synth;
using Obs.Testing;

namespace Obs.Symbolication.Tests.Output;

/// <summary>
/// rust-minidump's <c>json-pretty-unloaded</c> snapshot, whose dump upstream builds with
/// minidump-synth: no module list, one x86 thread at 0xf00800 and eight unloaded modules, some
/// overlapping it (many.dll three times at two bases, solo.dll once) and some not.
/// </summary>
public sealed class UnloadedModulesSnapshotTests
{
    [Fact]
    public async Task Frames_outside_every_module_list_the_unloaded_modules_that_held_them()
    {
        using var dump = MinidumpFile.Read(BuildDump());
        var state = await MinidumpProcessor.ProcessAsync(dump, symbols: null, cancellationToken: TestContext.Current.CancellationToken);

        var actual = StackwalkSnapshotTests.Json(state, pretty: true);
        var expected = SnapshotComparer.ReadSnapshot(TestFixtures.Path("rust-minidump/expected/test_minidump_stackwalk__json-pretty-unloaded.snap"));
        using var expectedDocument = JsonDocument.Parse(expected);
        using var actualDocument = JsonDocument.Parse(actual);
        Assert.Empty(SnapshotComparer.Differences(expectedDocument.RootElement, actualDocument.RootElement));
        Assert.Equal(expected.TrimEnd('\n'), actual);
    }

    private static byte[] BuildDump()
    {
        var dump = new SyntheticDump();

        // x86 on platform 0 (no OS upstream knows), version 0.0.0, a CPU without vendor words.
        dump.AddStream(MinidumpStreamType.SystemInfo, dump.NewBlock().U16(0).U16(6).U16(0).U8(1).U8(0)
            .U32(0).U32(0).U32(0).U32(0).U32(0).U16(0).U16(0).Zeros(12).U32(0).U32(0).U32(0));

        var context = new byte[716];
        BitConverter.GetBytes(0x0001003fu).CopyTo(context, 0);
        BitConverter.GetBytes(0x00f00800u).CopyTo(context, 184);
        var contextRva = dump.Append(context);
        dump.AddStream(MinidumpStreamType.ThreadList, dump.List([dump.Thread(0x1234, (contextRva, (uint)context.Length))]));

        (string Name, ulong Base, uint Size, uint Timestamp)[] unloaded =
        [
            ("unused.dll", 0xa003a0, 0x1000, 0xb1054d2a),
            ("many.dll", 0xf00000, 0x1000, 0xb1054d2a),
            ("solo.dll", 0xaf00220, 0x2000, 0xb1054d2a),
            ("many.dll", 0xf00100, 0x1000, 0xb1054d2a),
            ("many.dll", 0xf003a0, 0x1000, 0xb1054d2a),
            ("solo.dll", 0xf00220, 0x2000, 0xb1054d2a),
            ("solo.dll", 0xaf00220, 0x2000, 0xb1054d2a),
            ("many.dll", 0xf00000, 0x1000, 0xb1054d2a),
        ];
        var list = dump.NewBlock().U32(12).U32(24).U32((uint)unloaded.Length);
        foreach (var (name, baseAddress, size, timestamp) in unloaded)
        {
            list.U64(baseAddress).U32(size).U32(0).U32(timestamp).U32(dump.AppendString(name));
        }

        dump.AddStream(MinidumpStreamType.UnloadedModuleList, list);
        return dump.Build();
    }
}
