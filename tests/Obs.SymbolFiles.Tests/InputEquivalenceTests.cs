using System.IO.Pipelines;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Obs.SymbolFiles.Tests.Reference;
using Obs.Testing;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// Every input path (file, span, stream, pipe; one thread or several) gives the same tables,
/// and the tables equal a naive reference model of each fixture.
/// </summary>
public sealed class InputEquivalenceTests
{
    private static readonly string[] BadFixtures = [SymFixtures.Module3Bad, SymFixtures.Module4Bad];

    [Theory]
    [MemberData(nameof(SymFixtures.All), MemberType = typeof(SymFixtures))]
    public void Tables_equal_the_reference_model(string path)
    {
        if (BadFixtures.Contains(path))
        {
            return;
        }

        var text = File.ReadAllText(TestFixtures.Path(path));
        var index = SymFixtures.Load(path);

        Assert.Equal(0, index.Statistics.SkippedLines);
        IndexAssert.Matches(ReferenceSymbolFile.Parse(text), index);
    }

    [Theory]
    [MemberData(nameof(SymFixtures.All), MemberType = typeof(SymFixtures))]
    public async Task Every_input_path_gives_the_same_tables(string path)
    {
        var bytes = TestFixtures.Bytes(path);
        var fromFile = SymFixtures.Load(path);

        IndexAssert.SameTables(fromFile, SymbolIndex.Parse(bytes));
        IndexAssert.SameTables(fromFile, SymbolIndex.Parse(bytes, new SymbolParseOptions { MaxDegreeOfParallelism = 1 }));
        IndexAssert.SameTables(fromFile, SymbolIndex.Parse(bytes, new SymbolParseOptions { MaxDegreeOfParallelism = 7 }));
        IndexAssert.SameTables(fromFile, await SymbolIndex.LoadAsync(new ChunkedStream(bytes, [4093, 1, 65536, 17]), cancellationToken: TestContext.Current.CancellationToken));
        IndexAssert.SameTables(fromFile, await LoadFromPipe(bytes, [8191, 3, 100_000, 1]));
    }

    [Theory]
    [MemberData(nameof(SymFixtures.All), MemberType = typeof(SymFixtures))]
    public void Many_small_chunks_join_into_the_same_tables(string path)
    {
        // Up to 64 chunks of a few hundred bytes: boundaries fall inside FUNC blocks, STACK CFI
        // blocks and lines, and whole chunks continue one block.
        var bytes = TestFixtures.Bytes(path);
        var single = SymbolIndex.Parse(bytes, new SymbolParseOptions { MaxDegreeOfParallelism = 1 });

        foreach (var threshold in new long[] { 64, 700, 4096 })
        {
            var chunked = SymbolIndex.Parse(bytes, new SymbolParseOptions { MaxDegreeOfParallelism = 16, ParallelThreshold = threshold });
            IndexAssert.SameTables(single, chunked);
        }

        var strictSingle = Record.Exception(() => SymbolIndex.Parse(bytes, new SymbolParseOptions { MaxDegreeOfParallelism = 1, Strict = true }));
        var strictChunked = Record.Exception(() => SymbolIndex.Parse(bytes, new SymbolParseOptions { MaxDegreeOfParallelism = 16, ParallelThreshold = 64, Strict = true }));
        Assert.Equal(strictSingle?.Message, strictChunked?.Message);
    }

    [Theory]
    [InlineData(SymFixtures.CrashClient)]
    [InlineData(SymFixtures.TestAppCrlf)]
    [InlineData(SymFixtures.LinuxInlineNew)]
    public unsafe void Memory_mapped_file_gives_the_same_tables(string path)
    {
        var fullPath = TestFixtures.Path(path);
        var length = new FileInfo(fullPath).Length;
        using var map = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateFromFile(fullPath, FileMode.Open, null, 0, System.IO.MemoryMappedFiles.MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, 0, System.IO.MemoryMappedFiles.MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            var mapped = SymbolIndex.Parse(new ReadOnlySpan<byte>(pointer + view.PointerOffset, (int)length));
            IndexAssert.SameTables(SymFixtures.Load(path), mapped);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    [Fact]
    public void Crlf_and_lf_copies_give_the_same_tables()
    {
        var lf = SymFixtures.Load(SymFixtures.TestApp);
        var crlf = SymFixtures.Load(SymFixtures.TestAppCrlf);

        IndexAssert.SameTables(lf, crlf);
        Assert.NotEqual(lf.Statistics.Bytes, crlf.Statistics.Bytes);
    }

    [Fact]
    public void Cr_cr_lf_line_ends_are_accepted()
    {
        var lf = File.ReadAllText(TestFixtures.Path(SymFixtures.LinuxInlineNew));
        var crcrlf = lf.Replace("\n", "\r\r\n", StringComparison.Ordinal);

        IndexAssert.SameTables(SymbolIndex.Parse(System.Text.Encoding.UTF8.GetBytes(lf)), SymbolIndex.Parse(System.Text.Encoding.UTF8.GetBytes(crcrlf)));
    }

    [Property(MaxTest = 60)]
    public Property Random_pipe_segmentation_gives_the_same_tables(PositiveInt seed)
    {
        var paths = new[] { SymFixtures.Module1, SymFixtures.LinuxInlineOld, "symfiles/tecken/ssltunnel/8A07C88A3DA44E20A3490D88791183060/ssltunnel.sym", "symfiles/dump_syms/linux/basic.full.inlines.sym" };
        var random = new Random(seed.Get);
        var path = paths[random.Next(paths.Length)];
        var bytes = TestFixtures.Bytes(path);
        var sizes = Enumerable.Range(0, 8).Select(_ => random.Next(1, 2048)).ToArray();

        var expected = SymbolIndex.Parse(bytes);
        var viaPipe = LoadFromPipe(bytes, sizes).AsTask().GetAwaiter().GetResult();
        var viaStream = SymbolIndex.LoadAsync(new ChunkedStream(bytes, sizes)).AsTask().GetAwaiter().GetResult();
        IndexAssert.SameTables(expected, viaPipe);
        IndexAssert.SameTables(expected, viaStream);
        return true.ToProperty();
    }

    [Fact]
    public void Large_file_split_into_chunks_equals_a_single_thread_parse_and_gives_the_same_lookups()
    {
        var bytes = TestFixtures.Bytes(SymFixtures.CrashClient);
        var single = SymbolIndex.Parse(bytes, new SymbolParseOptions { MaxDegreeOfParallelism = 1 });
        var parallel = SymbolIndex.Parse(bytes, new SymbolParseOptions { MaxDegreeOfParallelism = 8 });

        IndexAssert.SameTables(single, parallel);
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var address = (ulong)random.Next(0, 0xb0000);
            var found = single.TryLookup(address, out var a);
            Assert.Equal(found, parallel.TryLookup(address, out var b));
            if (found)
            {
                Assert.Equal(Describe(a), Describe(b));
            }
        }
    }

    internal static string Describe(SymbolLookupResult result)
    {
        var parts = new List<string> { result.Function.Name, result.FunctionOffset.ToString(System.Globalization.CultureInfo.InvariantCulture), result.File ?? "-", result.Line?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-" };
        for (var i = 0; i < result.InlineFrameCount; i++)
        {
            var frame = result.GetInlineFrame(i);
            parts.Add($"{frame.Name}@{frame.File}:{frame.Line}");
        }

        return string.Join('|', parts);
    }

    internal static async ValueTask<SymbolIndex> LoadFromPipe(byte[] bytes, int[] segmentSizes)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 16));
        var writer = Task.Run(async () =>
        {
            var position = 0;
            for (var i = 0; position < bytes.Length; i++)
            {
                var size = Math.Min(segmentSizes[i % segmentSizes.Length], bytes.Length - position);
                await pipe.Writer.WriteAsync(bytes.AsMemory(position, size));
                position += size;
            }

            await pipe.Writer.CompleteAsync();
        });
        var index = await SymbolIndex.LoadFromPipeAsync(pipe.Reader);
        await writer;
        return index;
    }

    /// <summary>A stream that returns reads of the given sizes in turn.</summary>
    private sealed class ChunkedStream(byte[] data, int[] sizes) : MemoryStream(data, writable: false)
    {
        private int _read;

        public override int Read(byte[] buffer, int offset, int count) =>
            base.Read(buffer, offset, Math.Min(count, sizes[_read++ % sizes.Length]));

        public override int Read(Span<byte> buffer) =>
            base.Read(buffer[..Math.Min(buffer.Length, sizes[_read++ % sizes.Length])]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }
}
