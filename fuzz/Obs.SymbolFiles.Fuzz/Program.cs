using Obs.SymbolFiles.Fuzz;
using SharpFuzz;

// AFL++ mode (out of process, persistent). "text": every input is parsed as a .sym file and
// looked up; "index": every input is opened as a saved index and looked up. Only
// SymbolFileException may escape. Usage: see fuzz/README.md. With "TARGET --run FILE...", runs
// inputs once (triage).
if (args.Length == 3 && args[0] == "save-seeds")
{
    // Seeds for "index": every small .sym fixture, built and saved (AFL takes inputs under 1 MB).
    foreach (var path in Directory.GetFiles(args[2], "*.sym", SearchOption.AllDirectories).Where(p => new FileInfo(p).Length < 100_000))
    {
        using var index = Obs.SymbolFiles.SymbolIndex.Load(path);
        var seed = Path.Combine(args[1], Path.GetFileNameWithoutExtension(path) + $"-{Math.Abs(path.GetHashCode(StringComparison.Ordinal)) % 10000}.symindex");
        index.Save(seed);
        if (new FileInfo(seed).Length >= 1_000_000)
        {
            File.Delete(seed);
        }
    }

    return 0;
}

if (args.Length == 0 || args[0] is not ("text" or "index"))
{
    Console.Error.WriteLine("usage: Obs.SymbolFiles.Fuzz text|index [--run FILE...] | save-seeds FOLDER FIXTURES");
    return 2;
}

var scratch = Path.Combine(Path.GetTempPath(), $"obs-symindex-fuzz-{Environment.ProcessId}.symindex");
Action<byte[]> run = args[0] == "text" ? SymbolFilesFuzzTarget.RunText : input => SymbolFilesFuzzTarget.RunIndex(input, scratch);
if (args.Length > 2 && args[1] == "--run")
{
    foreach (var path in args.Skip(2))
    {
        run(File.ReadAllBytes(path));
        Console.WriteLine($"ok: {path}");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    run(buffer.ToArray());
});
return 0;
