using System.Globalization;

namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// <c>generate-sym --size full|200mb|20mb|&lt;bytes&gt; --seed N --out PATH</c>: writes a synthetic
/// <c>.sym</c> file and prints what it wrote next to the scaled targets, which is the
/// generator's self-check.
/// </summary>
internal static class GenerateSymCommand
{
    public const string Name = "generate-sym";

    private const string Usage = "usage: generate-sym --out PATH [--size full|200mb|20mb|<bytes>] [--seed N]";

    public static int Run(ReadOnlySpan<string> args, TextWriter output, TextWriter error)
    {
        string? path = null;
        var size = SymbolFileMix.FullSizeBytes;
        ulong seed = 1;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--out" when value is not null:
                    path = value;
                    break;
                case "--size" when value is not null:
                    if (!SymbolFileGenerator.TryParseSize(value, out size) || size < 1024)
                    {
                        return Fail(error, $"invalid --size '{value}': expected full, a byte count of at least 1024, or a number with kb/mb/gb");
                    }

                    break;
                case "--seed" when value is not null:
                    if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                    {
                        return Fail(error, $"invalid --seed '{value}': expected a non-negative integer");
                    }

                    break;
                default:
                    return Fail(error, $"unexpected argument '{args[i]}'");
            }

            i++;
        }

        if (path is null)
        {
            return Fail(error, "--out is required");
        }

        var generator = new SymbolFileGenerator(size, seed);
        var result = generator.Generate(path);
        Print(output, path, generator, result);
        return 0;
    }

    private static void Print(TextWriter output, string path, SymbolFileGenerator generator, SymbolFileGenerationResult result)
    {
        var c = result.Counts;
        var t = generator.Targets;
        var seconds = result.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path}: {c.Bytes:N0} bytes (target {t.Bytes:N0}, {Deviation(c.Bytes, t.Bytes)}) in {seconds:F2} s ({c.Bytes / 1e6 / seconds:F0} MB/s), seed {generator.Seed}"));
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"record",-16} {"count",12} {"target",12} {"deviation",9} {"avg line bytes",15}"));
        Row("FILE", c.Files, t.Files, "FILE");
        Row("INLINE_ORIGIN", c.InlineOrigins, t.InlineOrigins, "INLINE_ORIGIN");
        Row("FUNC", c.Functions, t.Functions, "FUNC");
        Row("  FUNC m", c.MultipleFunctions, t.MultipleFunctions, null);
        Row("LINE", c.Lines, t.Lines, "LINE");
        Row("INLINE", c.Inlines, t.Inlines, "INLINE");
        Row("PUBLIC", c.Publics, t.Publics, "PUBLIC");
        Row("STACK CFI INIT", c.CfiInits, t.CfiInits, "STACK CFI INIT");
        Row("STACK CFI", c.CfiDeltas, t.CfiDeltas, "STACK CFI");
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"INLINE ranges: {result.InlineRanges:N0} ({(double)result.InlineRanges / Math.Max(1, c.Inlines):F2} per INLINE)"));
        output.WriteLine("INLINE records by depth: " + string.Join(' ', result.InlinesByDepth.Select((n, d) => string.Create(CultureInfo.InvariantCulture, $"{d}:{n}"))));
        output.WriteLine("reference averages (line bytes incl. newline): " + string.Join(", ", SymbolFileMix.FullSizeAverageLineBytes.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Record} {a.Bytes}"))));

        void Row(string label, long count, long target, string? kind)
        {
            var average = "";
            foreach (var (record, lines, bytes) in result.LineBytes)
            {
                if (record == kind && lines > 0)
                {
                    average = ((double)bytes / lines).ToString("F1", CultureInfo.InvariantCulture);
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-16} {count,12:N0} {target,12:N0} {Deviation(count, target),9} {average,15}"));
        }
    }

    private static string Deviation(long actual, long target) =>
        target == 0 ? "n/a" : ((actual - target) * 100.0 / target).ToString("+0.00;-0.00", CultureInfo.InvariantCulture) + "%";

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"generate-sym: {message}");
        error.WriteLine(Usage);
        return 2;
    }
}
