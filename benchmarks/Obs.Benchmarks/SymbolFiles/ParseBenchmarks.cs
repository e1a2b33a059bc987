using System.IO.MemoryMappedFiles;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Obs.SymbolFiles;

namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// Parsing a generated symbol file with the record mix of Mozilla's largest files: from a
/// memory-mapped file (parallel), from disk as <c>obs sym stats</c> does (parallel block reads),
/// and streamed through a <see cref="PipeReader"/> in 64 KiB segments (one thread, as a
/// download is parsed). The baseline is the floor: counting the lines of the mapped file.
/// Allocated is managed memory only; the index's tables are native (printed at setup).
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private string _path = string.Empty;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private long _length;

    [Params("20mb", "200mb", "full")]
    public string Size { get; set; } = "20mb";

    [GlobalSetup]
    public void Setup()
    {
        _path = BenchmarkInputs.SymbolFile(Size);
        _length = new FileInfo(_path).Length;
        _map = MemoryMappedFile.CreateFromFile(_path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        var index = SymbolIndex.Load(_path);
        Console.WriteLine($"// {Size}: {_length:N0} bytes, {index.Statistics.Functions:N0} functions, {index.Statistics.LineRecords:N0} lines, {index.Statistics.InlineRecords:N0} inlines; native tables {index.MemoryBytes / (1024.0 * 1024):F0} MiB");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _view?.Dispose();
        _map?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "count lines (mmap floor)")]
    public unsafe long CountLines()
    {
        var span = MappedSpan(out var release);
        try
        {
            return span.Count((byte)'\n');
        }
        finally
        {
            release();
        }
    }

    [Benchmark(Description = "parse mmap")]
    public unsafe int ParseMemoryMapped()
    {
        var span = MappedSpan(out var release);
        try
        {
            return SymbolIndex.Parse(span).Statistics.Functions;
        }
        finally
        {
            release();
        }
    }

    [Benchmark(Description = "load file")]
    public int LoadFile() => SymbolIndex.Load(_path).Statistics.Functions;

    [Benchmark(Description = "parse pipe 64 KiB")]
    public async Task<int> ParsePipe()
    {
        await using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 64 * 1024));
        var index = await SymbolIndex.LoadFromPipeAsync(reader);
        await reader.CompleteAsync();
        return index.Statistics.Functions;
    }

    private unsafe ReadOnlySpan<byte> MappedSpan(out Action release)
    {
        byte* pointer = null;
        var handle = _view!.SafeMemoryMappedViewHandle;
        handle.AcquirePointer(ref pointer);
        release = handle.ReleasePointer;
        return new ReadOnlySpan<byte>(pointer + _view.PointerOffset, checked((int)_length));
    }
}
