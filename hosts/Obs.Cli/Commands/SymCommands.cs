using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Obs.Cli.Infrastructure;
using Obs.SymbolFiles;

namespace Obs.Cli.Commands;

/// <summary><c>obs sym stats</c>, <c>obs sym lookup</c> and <c>obs sym index</c>: Breakpad symbol files, as text or as saved indexes.</summary>
internal static class SymCommands
{
    public static Command Create(CliConsole console)
    {
        var sym = new Command("sym", "Breakpad symbol files (.sym): statistics, address lookups and saved indexes");
        sym.Subcommands.Add(CreateStats(console));
        sym.Subcommands.Add(CreateLookup(console));
        sym.Subcommands.Add(CreateIndex(console));
        return sym;
    }

    private static Option<bool> StrictOption() => new("--strict")
    {
        Description = "Reject the file at its first line that cannot be parsed (default: skip and count such lines)",
    };

    private static Argument<FileInfo> SymbolFileArgument() => new("FILE")
    {
        Description = "The .sym file, or an index saved by 'obs sym index'",
    };

    private static Command CreateStats(CliConsole console)
    {
        var file = SymbolFileArgument();
        var strict = StrictOption();
        var command = new Command("stats", "Parse a symbol file (or open a saved index) and print its record counts as JSON") { file, strict };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            var stopwatch = Stopwatch.StartNew();
            using var index = LoadIndex(path, parse.GetValue(strict));
            var seconds = stopwatch.Elapsed.TotalSeconds;
            using var json = CliJson.CreateWriter(console.Out);
            WriteStats(json, index, seconds);
            json.Flush();
            console.Out.WriteByte((byte)'\n');
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateLookup(CliConsole console)
    {
        var file = SymbolFileArgument();
        var strict = StrictOption();
        var addresses = new Argument<string[]>("ADDR")
        {
            Description = "Module-relative addresses in hex (0x optional); '-' reads them from standard input, one per line",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("lookup", "Look up module-relative addresses: function, source line and inlined calls, as a JSON array") { file, addresses, strict };
        command.SetAction(parse =>
        {
            var values = parse.GetValue(addresses)!;
            var parsed = new List<ulong>(values.Length);
            foreach (var value in values)
            {
                if (value == "-")
                {
                    ReadAddresses(console.In, parsed);
                }
                else if (TryParseAddress(value, out var address))
                {
                    parsed.Add(address);
                }
                else
                {
                    console.Error.WriteLine($"obs: invalid address '{value}': expected hex, e.g. 0x1a2b");
                    return ExitCodes.UsageError;
                }
            }

            using var index = LoadIndex(parse.GetValue(file)!.FullName, parse.GetValue(strict));
            using var json = CliJson.CreateWriter(console.Out);
            json.WriteStartArray();

            // EnumerateLookups overlaps the cache misses of neighbouring addresses, and of the
            // next addresses with the writing of each result.
            var position = 0;
            foreach (ref readonly var result in index.EnumerateLookups(CollectionsMarshal.AsSpan(parsed)))
            {
                WriteLookup(json, parsed[position++], result);
            }

            json.WriteEndArray();
            json.Flush();
            console.Out.WriteByte((byte)'\n');
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateIndex(CliConsole console)
    {
        var file = SymbolFileArgument();
        var strict = StrictOption();
        var output = new Option<FileInfo>("--output", "-o")
        {
            Description = "Where to save the index (written under a temporary name beside it, then renamed)",
            Required = true,
        };
        var command = new Command("index", "Parse a symbol file and save its index, which 'obs sym stats' and 'obs sym lookup' (and SymbolIndex.Open) map back in place") { file, output, strict };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            var destination = parse.GetValue(output)!.FullName;
            var stopwatch = Stopwatch.StartNew();
            using var index = LoadIndex(path, parse.GetValue(strict));
            var parseSeconds = stopwatch.Elapsed.TotalSeconds;
            index.Save(destination);
            var seconds = stopwatch.Elapsed.TotalSeconds;
            using var json = CliJson.CreateWriter(console.Out);
            json.WriteStartObject();
            json.WriteString("output", destination);
            json.WriteNumber("bytes", new FileInfo(destination).Length);
            json.WriteNumber("source_bytes", index.Statistics.Bytes);
            json.WriteNumber("parse_seconds", Math.Round(parseSeconds, 3));
            json.WriteNumber("seconds", Math.Round(seconds, 3));
            json.WriteEndObject();
            json.Flush();
            console.Out.WriteByte((byte)'\n');
            return ExitCodes.Success;
        });
        return command;
    }

    private static SymbolIndex LoadIndex(string path, bool strict)
    {
        try
        {
            return SymbolIndex.Load(path, strict ? new SymbolParseOptions { Strict = true } : SymbolParseOptions.Default);
        }
        catch (SymbolFileException ex)
        {
            throw new CliInputException($"{path}: {ex.Message}", ex);
        }
    }

    private static void WriteStats(Utf8JsonWriter json, SymbolIndex index, double seconds)
    {
        var stats = index.Statistics;
        json.WriteStartObject();
        if (index.Module is { } module)
        {
            json.WriteStartObject("module");
            json.WriteString("os", module.OperatingSystem);
            json.WriteString("arch", module.Architecture);
            json.WriteString("id", module.Id);
            json.WriteString("name", module.Name);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("module");
        }

        json.WriteStringOrNull("code_id", index.CodeId);
        json.WriteStringOrNull("code_file", index.CodeFile);
        json.WriteStringOrNull("generator", index.Generator);
        json.WriteNumber("files", stats.Files);
        json.WriteNumber("inline_origins", stats.InlineOrigins);
        json.WriteNumber("functions", stats.Functions);
        json.WriteNumber("lines", stats.LineRecords);
        json.WriteNumber("inlines", stats.InlineRecords);
        json.WriteNumber("publics", stats.Publics);
        json.WriteNumber("cfi_init", stats.CfiInit);
        json.WriteNumber("cfi_rows", stats.CfiRows);
        json.WriteNumber("stack_win_framedata", stats.StackWinFrameData);
        json.WriteNumber("stack_win_fpo", stats.StackWinFpo);
        json.WriteNumber("repaired", stats.Repaired);
        json.WriteNumber("skipped_lines", stats.SkippedLines);
        json.WriteNumber("bytes", stats.Bytes);

        // For a saved index the counts are those stored from the text's parse, and the time is the open's.
        json.WriteString("form", index.IsMapped ? "index" : "text");
        json.WriteNumber("parse_seconds", Math.Round(seconds, 3));
        json.WriteEndObject();
    }

    private static void WriteLookup(Utf8JsonWriter json, ulong address, in SymbolLookupResult result)
    {
        json.WriteStartObject();
        json.WriteHex("address", address);
        if (result.IsFound)
        {
            json.WriteString("function", result.Function.NameUtf8);
            json.WriteHex("function_address", result.Function.Address);
            json.WriteHex("function_offset", result.FunctionOffset);
            json.WriteStringOrNull("file", result.File);
            json.WriteNumberOrNull("line", result.Line);
            json.WriteStartArray("inlines");
            for (var i = 0; i < result.InlineFrameCount; i++)
            {
                var frame = result.GetInlineFrame(i);
                json.WriteStartObject();
                json.WriteString("function", frame.Name);
                json.WriteStringOrNull("file", frame.File);
                json.WriteNumberOrNull("line", frame.Line);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteBoolean("from_public", result.IsFromPublic);
        }
        else
        {
            json.WriteNull("function");
            json.WriteNull("function_address");
            json.WriteNull("function_offset");
            json.WriteNull("file");
            json.WriteNull("line");
            json.WriteStartArray("inlines");
            json.WriteEndArray();
            json.WriteBoolean("from_public", false);
        }

        json.WriteEndObject();
    }

    private static void ReadAddresses(Stream input, List<ulong> addresses)
    {
        using var reader = new StreamReader(input, Encoding.UTF8, leaveOpen: true);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (!TryParseAddress(text, out var address))
            {
                throw new CliInputException($"standard input line {lineNumber}: invalid address '{text}'");
            }

            addresses.Add(address);
        }
    }

    internal static bool TryParseAddress(string text, out ulong address)
    {
        var digits = text.AsSpan();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
        }

        return ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out address) && digits.Length > 0;
    }
}
