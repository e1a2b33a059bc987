using System.IO.Pipelines;
using Obs.Testing;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// The error rule of docs/CONVENTIONS.md for the entry points that load a symbol file: could not
/// read is the BCL's IOException or UnauthorizedAccessException, unwrapped; read but not valid
/// is SymbolFileException (lenient mode included, for input without a single record); bad
/// arguments are ArgumentExceptions; cancellation is OperationCanceledException.
/// </summary>
public sealed class ErrorContractTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-sym-errors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Load_lets_a_missing_file_through_as_the_BCLs_FileNotFoundException()
    {
        var path = Path.Combine(_folder, "missing.sym");
        var ex = Assert.Throws<FileNotFoundException>(() => SymbolIndex.Load(path));
        Assert.Equal(path, ex.FileName);
        Assert.Throws<DirectoryNotFoundException>(() => SymbolIndex.Load(Path.Combine(_folder, "no-such-folder", "a.sym")));
    }

    [Fact]
    public void Load_lets_a_directory_through_as_the_BCLs_own_exception()
    {
        var ex = Record.Exception(() => SymbolIndex.Load(_folder));
        Assert.True(ex is UnauthorizedAccessException or IOException, $"unexpected {ex?.GetType()}");
    }

    [Fact]
    public void Load_rejects_bad_paths_as_argument_errors()
    {
        Assert.Throws<ArgumentNullException>(() => SymbolIndex.Load(null!));
        Assert.Throws<ArgumentException>(() => SymbolIndex.Load(string.Empty));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a symbol file\nat all\n")]
    public async Task Every_loader_rejects_input_without_records_as_SymbolFileException(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var path = Path.Combine(_folder, "norecords.sym");
        File.WriteAllBytes(path, bytes);
        var token = TestContext.Current.CancellationToken;

        Assert.StartsWith("no Breakpad records", Assert.Throws<SymbolFileException>(() => SymbolIndex.Load(path)).Message, StringComparison.Ordinal);
        Assert.StartsWith("no Breakpad records", Assert.Throws<SymbolFileException>(() => SymbolIndex.Parse(bytes)).Message, StringComparison.Ordinal);
        var fromStream = await Assert.ThrowsAsync<SymbolFileException>(() => SymbolIndex.LoadAsync(new MemoryStream(bytes), cancellationToken: token).AsTask());
        Assert.StartsWith("no Breakpad records", fromStream.Message, StringComparison.Ordinal);
        var fromPipe = await Assert.ThrowsAsync<SymbolFileException>(() => SymbolIndex.LoadFromPipeAsync(PipeReader.Create(new MemoryStream(bytes)), cancellationToken: token).AsTask());
        Assert.StartsWith("no Breakpad records", fromPipe.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_minidump_is_not_a_symbol_file()
    {
        var ex = Assert.Throws<SymbolFileException>(() => SymbolIndex.Load(TestFixtures.Path("rust-minidump/dumps/test.dmp")));
        Assert.StartsWith("no Breakpad records", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_reads_a_named_pipe_as_it_arrives()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "named pipes are made with mkfifo");
        var path = Path.Combine(_folder, "pipe.sym");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var bytes = TestFixtures.Bytes("breakpad/sym-edge-cases/module2.sym");
        // Opening a pipe blocks until both ends are open: the writer opens its end on another thread.
        var writer = Task.Run(() => File.WriteAllBytes(path, bytes), TestContext.Current.CancellationToken);
        var index = SymbolIndex.Load(path);
        await writer.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(SymbolIndex.Parse(bytes).Statistics, index.Statistics);
    }

    [Fact]
    public async Task LoadAsync_lets_the_streams_IOException_through_unwrapped()
    {
        var stream = EndlessStream.Of("PUBLIC 1000 0 f\n", failAfter: 100_000);
        var ex = await Assert.ThrowsAsync<IOException>(() => SymbolIndex.LoadAsync(stream, cancellationToken: TestContext.Current.CancellationToken).AsTask());
        Assert.Equal("the connection was reset", ex.Message);
    }

    [Fact]
    public async Task LoadFromPipeAsync_lets_the_writers_IOException_through_unwrapped()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("PUBLIC 1000 0 f\n"u8.ToArray(), TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync(new IOException("the download failed"));

        var ex = await Assert.ThrowsAsync<IOException>(() => SymbolIndex.LoadFromPipeAsync(pipe.Reader, cancellationToken: TestContext.Current.CancellationToken).AsTask());
        Assert.Equal("the download failed", ex.Message);
    }

    [Fact]
    public async Task Async_loaders_reject_bad_arguments_and_honour_cancellation()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => SymbolIndex.LoadAsync(null!, cancellationToken: TestContext.Current.CancellationToken).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => SymbolIndex.LoadFromPipeAsync(null!, cancellationToken: TestContext.Current.CancellationToken).AsTask());
        var disposed = new MemoryStream("PUBLIC 1000 0 f\n"u8.ToArray());
        await disposed.DisposeAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => SymbolIndex.LoadAsync(disposed, cancellationToken: TestContext.Current.CancellationToken).AsTask());

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SymbolIndex.LoadAsync(EndlessStream.Of("PUBLIC 1000 0 f\n"), cancellationToken: cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SymbolIndex.LoadFromPipeAsync(PipeReader.Create(EndlessStream.Of("PUBLIC 1000 0 f\n")), cancellationToken: cancelled.Token).AsTask());
    }
}
