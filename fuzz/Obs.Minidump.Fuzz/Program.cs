using Obs.Minidump.Fuzz;
using SharpFuzz;

// AFL++ mode (out of process, persistent): every input is opened and read completely; only a
// MinidumpException may escape the reader. Anything else, or allocating more than the bound,
// is a crash. Usage: see fuzz/README.md. With "--run FILE...", runs inputs once (triage).
if (args.Length > 1 && args[0] == "--run")
{
    foreach (var path in args.Skip(1))
    {
        MinidumpFuzzTarget.Run(File.ReadAllBytes(path));
        Console.WriteLine($"ok: {path}");
    }

    return;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    MinidumpFuzzTarget.Run(buffer.ToArray());
});
