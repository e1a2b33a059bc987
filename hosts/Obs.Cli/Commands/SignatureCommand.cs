using System.CommandLine;
using System.Text;
using System.Text.Json;
using Obs.Cli.Infrastructure;
using Obs.Siggen;

namespace Obs.Cli.Commands;

/// <summary>
/// <c>obs signature [FILE|-]</c>: Socorro crash signatures. One crash-data JSON document in,
/// <c>{"signature","notes","extra"}</c> out; with <c>--jsonl</c>, one document per line in and
/// one result per line out, streaming, in input order.
/// </summary>
internal static class SignatureCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Argument<string>("input")
        {
            Description = "Crash-data JSON file, or - for standard input",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "-",
        };
        var jsonl = new Option<bool>("--jsonl")
        {
            Description = "One JSON document per line in, one result per line out (a bad line gives {\"error\": ...} and exit code 1 at the end)",
        };
        var processed = new Option<bool>("--processed")
        {
            Description = "Inputs are Socorro processed crashes (stackwalker output under json_dump), not crash data",
        };
        var debug = new Option<bool>("--debug")
        {
            Description = "Add the rules' debug_log to each result",
        };
        var siglists = new Option<string?>("--siglists")
        {
            Description = "Folder with the four signature list files to use instead of the bundled ones",
            HelpName = "DIR",
        };

        var command = new Command("signature", "Generate Socorro crash signatures from crash data (JSON)")
        {
            input,
            jsonl,
            processed,
            debug,
            siglists,
        };

        command.SetAction(parseResult =>
        {
            var options = new Options(
                parseResult.GetValue(processed),
                parseResult.GetValue(debug));
            var generator = CreateGenerator(parseResult.GetValue(siglists));
            var path = parseResult.GetValue(input) ?? "-";
            using var stream = path == "-" ? null : OpenInput(path);
            var source = stream ?? console.In;
            return parseResult.GetValue(jsonl)
                ? RunLines(generator, options, source, console.Out)
                : RunDocument(generator, options, source, console.Out);
        });

        return command;
    }

    private sealed record Options(bool Processed, bool Debug);

    private static SignatureGenerator CreateGenerator(string? siglistsDirectory)
    {
        if (siglistsDirectory is null)
        {
            return new SignatureGenerator();
        }

        if (!Directory.Exists(siglistsDirectory))
        {
            throw new CliInputException($"siglists folder not found: {siglistsDirectory}");
        }

        try
        {
            return new SignatureGenerator(SignatureLists.FromDirectory(siglistsDirectory));
        }
        catch (SignatureListException ex)
        {
            throw new CliInputException($"bad signature list: {ex.Message}", ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new CliInputException($"signature list missing: {ex.FileName ?? ex.Message}", ex);
        }
    }

    private static FileStream OpenInput(string path) =>
        File.Exists(path) ? File.OpenRead(path) : throw new CliInputException($"file not found: {path}");

    private static CrashData Parse(ReadOnlySpan<byte> utf8, Options options) =>
        options.Processed ? CrashData.ParseProcessedCrash(utf8) : CrashData.Parse(utf8);

    private static int RunDocument(SignatureGenerator generator, Options options, Stream input, Stream output)
    {
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        CrashData data;
        try
        {
            data = Parse(SkipBom(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), options);
        }
        catch (JsonException ex)
        {
            throw new CliInputException($"invalid {(options.Processed ? "processed crash" : "crash data")}: {ex.Message}", ex);
        }

        using (var writer = CliJson.CreateWriter(output))
        {
            generator.Generate(data, options.Debug).WriteTo(writer, options.Debug);
        }

        output.Write("\n"u8);
        return ExitCodes.Success;
    }

    private static int RunLines(SignatureGenerator generator, Options options, Stream input, Stream output)
    {
        var failed = false;
        using var reader = new StreamReader(input, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        using var writer = CliJson.CreateWriter(output, indented: false);
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            SignatureResult result;
            try
            {
                result = generator.Generate(Parse(Encoding.UTF8.GetBytes(line), options), options.Debug);
            }
            catch (JsonException ex)
            {
                failed = true;
                writer.WriteStartObject();
                writer.WriteString("error"u8, "invalid JSON: " + ex.Message.ReplaceLineEndings(" "));
                writer.WriteEndObject();
                EndLine(writer, output);
                continue;
            }

            result.WriteTo(writer, options.Debug);
            EndLine(writer, output);
        }

        return failed ? ExitCodes.InputError : ExitCodes.Success;
    }

    private static void EndLine(Utf8JsonWriter writer, Stream output)
    {
        writer.Flush();
        writer.Reset();
        output.Write("\n"u8);
    }

    private static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith("\xEF\xBB\xBF"u8) ? bytes[3..] : bytes;
}
