using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Obs.Cli.Infrastructure;
using Obs.Siggen;

namespace Obs.Cli.Commands;

/// <summary>
/// <c>obs signature [FILE|-]</c>: Socorro crash signatures. One crash-data JSON document in,
/// <c>{"signature","notes","extra"}</c> out; with <c>--jsonl</c>, one document per line in and
/// one result per line out, streaming, in input order. A document (a line with <c>--jsonl</c>)
/// larger than <c>--max-input-bytes</c> ends the command with exit code 1, after reading no
/// more than the limit.
/// </summary>
internal static class SignatureCommand
{
    /// <summary>The default limit on one document (one line with <c>--jsonl</c>).</summary>
    public const long DefaultMaxDocumentBytes = 256L << 20;

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

        var maxInputBytes = CliOptions.MaxInputBytes(DefaultMaxDocumentBytes, "document (with --jsonl, line)");

        var command = new Command("signature", "Generate Socorro crash signatures from crash data (JSON)")
        {
            input,
            jsonl,
            processed,
            debug,
            siglists,
            maxInputBytes,
        };

        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(input) ?? "-";
            var options = new Options(
                parseResult.GetValue(processed),
                parseResult.GetValue(debug),
                parseResult.GetMaxInputBytes(maxInputBytes, DefaultMaxDocumentBytes),
                path == "-" ? "standard input" : path);
            var generator = CreateGenerator(parseResult.GetValue(siglists));
            using var stream = path == "-" ? null : CliFiles.OpenRead(path);
            var source = stream ?? console.In;
            return parseResult.GetValue(jsonl)
                ? RunLines(generator, options, source, console.Out)
                : RunDocument(generator, options, source, console.Out);
        });

        return command;
    }

    private sealed record Options(bool Processed, bool Debug, long MaxInputBytes, string Source)
    {
        public string What => Processed ? "processed crash" : "crash data";
    }

    private static SignatureGenerator CreateGenerator(string? siglistsDirectory)
    {
        if (siglistsDirectory is null)
        {
            return new SignatureGenerator();
        }

        if (!Directory.Exists(siglistsDirectory))
        {
            throw new CliInputException(File.Exists(siglistsDirectory)
                ? $"{siglistsDirectory}: is a file, not a folder (--siglists)"
                : $"{siglistsDirectory}: folder not found (--siglists)");
        }

        try
        {
            return new SignatureGenerator(SignatureLists.FromDirectory(siglistsDirectory));
        }
        catch (SignatureListException ex)
        {
            throw new CliInputException($"{siglistsDirectory}: bad signature list: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A list file of the folder is missing or unreadable: name that file.
            throw new CliInputException(ex is FileNotFoundException { FileName: { } file }
                ? $"{file}: file not found (--siglists)"
                : $"{siglistsDirectory}: the signature lists cannot be read: {ex.Message}", ex);
        }
    }

    private static CrashData Parse(ReadOnlySpan<byte> utf8, Options options) =>
        options.Processed ? CrashData.ParseProcessedCrash(utf8) : CrashData.Parse(utf8);

    private static int RunDocument(SignatureGenerator generator, Options options, Stream input, Stream output)
    {
        var document = BoundedInput.ReadDocument(input, options.MaxInputBytes, options.Source);
        CrashData data;
        try
        {
            data = Parse(document.Span, options);
        }
        catch (JsonException ex)
        {
            throw new CliInputException($"{options.Source}: {CliJson.DescribeError(ex, options.What)}", ex);
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
        long documents = 0;
        long rejected = 0;
        var reader = new Utf8LineReader(input, (int)options.MaxInputBytes, options.Source);
        using var writer = CliJson.CreateWriter(output, indented: false);
        while (reader.TryReadLine(out var line))
        {
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            documents++;
            SignatureResult result;
            try
            {
                var data = Parse(line, options);
                // The crash data holds its own strings: a buffer grown for a huge line can go now.
                reader.TrimBuffer();
                result = generator.Generate(data, options.Debug);
            }
            catch (JsonException ex)
            {
                rejected++;
                writer.WriteStartObject();
                writer.WriteString("error"u8, CliJson.DescribeError(ex, options.What, reader.LineNumber));
                writer.WriteEndObject();
                EndLine(writer, output);
                continue;
            }

            result.WriteTo(writer, options.Debug);
            EndLine(writer, output);
        }

        // The errors are on their output lines; standard error gets the one line every failure has.
        return rejected == 0
            ? ExitCodes.Success
            : throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                $"{options.Source}: {rejected} of {documents} lines rejected (see the \"error\" objects in the output)"));
    }

    private static void EndLine(Utf8JsonWriter writer, Stream output)
    {
        writer.Flush();
        writer.Reset();
        output.Write("\n"u8);
    }
}
