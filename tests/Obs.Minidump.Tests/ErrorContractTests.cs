using System.Diagnostics;
using Obs.Testing;

namespace Obs.Minidump.Tests;

/// <summary>
/// The error rule of docs/CONVENTIONS.md for the entry points that open a minidump: could not
/// read is the BCL's IOException or UnauthorizedAccessException, unwrapped; read but not valid
/// (size limits included) is MinidumpException; bad arguments are ArgumentExceptions;
/// cancellation is OperationCanceledException.
/// </summary>
public sealed class ErrorContractTests : IDisposable
{
    private const string TestDmp = "rust-minidump/dumps/test.dmp";

    private readonly string _folder = Directory.CreateTempSubdirectory("obs-minidump-errors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Open_lets_a_missing_file_through_as_the_BCLs_FileNotFoundException()
    {
        var path = Path.Combine(_folder, "missing.dmp");
        var ex = Assert.Throws<FileNotFoundException>(() => MinidumpFile.Open(path));
        Assert.Equal(path, ex.FileName);
    }

    [Fact]
    public void Open_lets_a_missing_folder_through_as_DirectoryNotFoundException()
    {
        Assert.Throws<DirectoryNotFoundException>(() => MinidumpFile.Open(Path.Combine(_folder, "no-such-folder", "a.dmp")));
    }

    [Fact]
    public void Open_lets_a_directory_through_as_the_BCLs_own_exception()
    {
        var ex = Record.Exception(() => MinidumpFile.Open(_folder));
        Assert.True(ex is UnauthorizedAccessException or IOException, $"unexpected {ex?.GetType()}");
    }

    [Fact]
    public void Open_rejects_bad_paths_as_argument_errors()
    {
        Assert.Throws<ArgumentNullException>(() => MinidumpFile.Open(null!));
        Assert.Throws<ArgumentException>(() => MinidumpFile.Open(string.Empty));
    }

    [Fact]
    public void Open_reports_a_readable_file_that_is_not_a_minidump_as_MinidumpException()
    {
        var path = Path.Combine(_folder, "text.dmp");
        File.WriteAllText(path, "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 libc.so\n");
        Assert.Equal(MinidumpErrorKind.HeaderMismatch, Assert.Throws<MinidumpException>(() => MinidumpFile.Open(path)).Kind);
        File.WriteAllBytes(path, []);
        Assert.Equal(MinidumpErrorKind.MissingHeader, Assert.Throws<MinidumpException>(() => MinidumpFile.Open(path)).Kind);
    }

    [Fact]
    public async Task Open_reads_a_named_pipe_that_cannot_be_mapped()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "named pipes are made with mkfifo");
        var path = Path.Combine(_folder, "pipe.dmp");
        using (var mkfifo = Process.Start("mkfifo", [path]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var bytes = TestFixtures.Bytes(TestDmp);
        // Opening a pipe blocks until both ends are open: the writer opens its end on another thread.
        var writer = Task.Run(() => File.WriteAllBytes(path, bytes), TestContext.Current.CancellationToken);
        using var dump = MinidumpFile.Open(path);
        await writer.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(bytes.Length, dump.Length);
        Assert.Equal(13, dump.GetModuleList()!.Modules.Length);
    }

    [Fact]
    public async Task ReadAsync_of_a_non_seekable_stream_gives_the_same_dump_as_Read()
    {
        var bytes = TestFixtures.Bytes(TestDmp);
        using var expected = MinidumpFile.Read(bytes);
        using var dump = await MinidumpFile.ReadAsync(new NonSeekableStream(bytes, readSize: 1000), maxBytes: bytes.Length, TestContext.Current.CancellationToken);

        Assert.Equal(bytes, dump.Data.ToArray());
        Assert.Equal(expected.GetCrashReason(), dump.GetCrashReason());
        Assert.Equal(expected.GetModuleList()!.Modules.Length, dump.GetModuleList()!.Modules.Length);
    }

    [Fact]
    public async Task ReadAsync_reads_a_seekable_stream_from_its_position()
    {
        var bytes = TestFixtures.Bytes(TestDmp);
        using var stream = new MemoryStream([.. new byte[100], .. bytes]) { Position = 100 };
        using var dump = await MinidumpFile.ReadAsync(stream, maxBytes: bytes.Length, TestContext.Current.CancellationToken);

        Assert.Equal(bytes.Length, dump.Length);
        Assert.Equal(stream.Length, stream.Position);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_rejects_a_stream_one_byte_over_the_limit_as_TooLarge(bool seekable)
    {
        var bytes = TestFixtures.Bytes(TestDmp);
        Stream stream = seekable ? new MemoryStream(bytes) : new NonSeekableStream(bytes);

        var ex = await Assert.ThrowsAsync<MinidumpException>(() => MinidumpFile.ReadAsync(stream, bytes.Length - 1, TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(MinidumpErrorKind.TooLarge, ex.Kind);
        Assert.Equal(bytes.Length - 1, ex.Offset);
        Assert.Contains($"limit of {bytes.Length - 1} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_of_an_endless_stream_stops_one_byte_past_the_limit()
    {
        const int limit = 3 << 20;
        var stream = EndlessStream.Of("MDMP");
        var stopwatch = Stopwatch.StartNew();
        // The endless stream completes every read at once, so the whole read runs on this thread.
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = await Assert.ThrowsAsync<MinidumpException>(() => MinidumpFile.ReadAsync(stream, limit, TestContext.Current.CancellationToken).AsTask());

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(MinidumpErrorKind.TooLarge, ex.Kind);
        Assert.Equal(limit + 1, stream.BytesRead);
        // The buffer doubles up to the limit: its sizes add up to less than three times the limit.
        Assert.True(allocated < 3L * limit, $"{allocated} bytes allocated");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task ReadAsync_lets_the_streams_IOException_through_unwrapped()
    {
        var stream = EndlessStream.Of("MDMP", failAfter: 10_000);
        var ex = await Assert.ThrowsAsync<IOException>(() => MinidumpFile.ReadAsync(stream, 1 << 20, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal("the connection was reset", ex.Message);
    }

    [Fact]
    public async Task ReadAsync_reports_an_invalid_minidump_as_MinidumpException()
    {
        var ex = await Assert.ThrowsAsync<MinidumpException>(() => MinidumpFile.ReadAsync(new NonSeekableStream("this is not a minidump, though it is longer than a header"u8.ToArray()), 1 << 20, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(MinidumpErrorKind.HeaderMismatch, ex.Kind);
    }

    [Fact]
    public async Task ReadAsync_rejects_bad_arguments_and_honours_cancellation()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => MinidumpFile.ReadAsync(null!, 1, TestContext.Current.CancellationToken).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => MinidumpFile.ReadAsync(new MemoryStream(), -1, TestContext.Current.CancellationToken).AsTask());
        var disposed = new MemoryStream();
        await disposed.DisposeAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => MinidumpFile.ReadAsync(disposed, 1, TestContext.Current.CancellationToken).AsTask());

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MinidumpFile.ReadAsync(EndlessStream.Of("MDMP"), 1 << 20, cancelled.Token).AsTask());
    }
}
