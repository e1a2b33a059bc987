using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Obs.Cli.Infrastructure;
using Obs.SymbolFiles;

namespace Obs.Cli.Commands;

/// <summary><c>obs sym stats</c>, <c>obs sym lookup</c> and <c>obs sym index</c>: Breakpad symbol files, as text or as saved indexes.</summary>
internal static class SymCommands
{
    /// <summary>The default limit on one line of addresses read from standard input.</summary>
    public const int DefaultMaxAddressLineBytes = 64 * 1024;

    /// <summary>Results written between flushes: output streams while standard input is read, and the writer's buffer stays small.</summary>
    private const int FlushEvery = 4096;

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

    private static Argument<string> SymbolFileArgument() => new("FILE")
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
            var stopwatch = Stopwatch.StartNew();
            using var index = LoadIndex(parse.GetValue(file)!, parse.GetValue(strict));
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
        var maxInputBytes = CliOptions.MaxInputBytes(DefaultMaxAddressLineBytes, "address line on standard input");
        var addresses = new Argument<string[]>("ADDR")
        {
            Description = "Module-relative addresses in hex (0x optional); '-' reads them from standard input, one per line",
            Arity = ArgumentArity.OneOrMore,
        };
        addresses.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value != "-" && !TryParseAddress(token.Value, out _))
                {
                    result.AddError($"invalid address {CliText.Quote(token.Value)}: expected hex, e.g. 0x1a2b");
                    return;
                }
            }
        });
        var command = new Command("lookup", "Look up module-relative addresses: function, source line and inlined calls, as a JSON array")
        {
            file,
            addresses,
            strict,
            maxInputBytes,
        };
        command.SetAction(parse =>
        {
            using var index = LoadIndex(parse.GetValue(file)!, parse.GetValue(strict));
            using var json = CliJson.CreateWriter(console.Out);
            var lookups = new LookupWriter(index, json);
            json.WriteStartArray();
            try
            {
                foreach (var value in parse.GetValue(addresses)!)
                {
                    if (value == "-")
                    {
                        ReadAddresses(console.In, (int)parse.GetMaxInputBytes(maxInputBytes, DefaultMaxAddressLineBytes), lookups);
                    }
                    else if (TryParseAddress(value, out var address))
                    {
                        // The argument's validator has rejected every other value.
                        lookups.Add(address);
                    }
                }
            }
            finally
            {
                // What was read before a bad line is written, as a complete array.
                lookups.Flush();
                json.WriteEndArray();
                json.Flush();
                console.Out.WriteByte((byte)'\n');
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Looks up each address as it is read and writes its result, flushing the writer every <see cref="FlushEvery"/> results.</summary>
    private sealed class LookupWriter(SymbolIndex index, Utf8JsonWriter json)
    {
        private int _pending;

        public void Add(ulong address)
        {
            index.TryLookup(address, out var result);
            WriteLookup(json, address, result);
            if (++_pending == FlushEvery)
            {
                Flush();
            }
        }

        public void Flush()
        {
            _pending = 0;
            json.Flush();
        }
    }

    private static Command CreateIndex(CliConsole console)
    {
        var file = SymbolFileArgument();
        var strict = StrictOption();
        var output = new Option<string>("--output", "-o")
        {
            Description = "Where to save the index (written under a temporary name beside it, then renamed)",
            Required = true,
        };
        var command = new Command("index", "Parse a symbol file and save its index, which 'obs sym stats' and 'obs sym lookup' (and SymbolIndex.Open) map back in place") { file, output, strict };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var destination = parse.GetValue(output)!;
            var stopwatch = Stopwatch.StartNew();
            using var index = LoadIndex(path, parse.GetValue(strict));
            var parseSeconds = stopwatch.Elapsed.TotalSeconds;
            var sourceBytes = index.Statistics.Bytes;
            CliFiles.Open(destination, p =>
            {
                index.SaveAndDispose(p);
                return p;
            });
            var seconds = stopwatch.Elapsed.TotalSeconds;
            using var json = CliJson.CreateWriter(console.Out);
            json.WriteStartObject();
            json.WriteString("output", destination);
            json.WriteNumber("bytes", new FileInfo(destination).Length);
            json.WriteNumber("source_bytes", sourceBytes);
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
            return CliFiles.Open(path, p => SymbolIndex.Load(p, strict ? new SymbolParseOptions { Strict = true } : SymbolParseOptions.Default));
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
            foreach (var frame in result.InlineFrames)
            {
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

    private static void ReadAddresses(Stream input, int maxLineBytes, LookupWriter lookups)
    {
        var reader = new Utf8LineReader(input, maxLineBytes, "standard input");
        while (reader.TryReadLine(out var line))
        {
            var text = line.Trim(" \t\r"u8);
            if (text.IsEmpty)
            {
                continue;
            }

            if (!TryParseAddress(text, out var address))
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                    $"standard input line {reader.LineNumber}: invalid address {CliText.Quote(Encoding.UTF8.GetString(text))}: expected hex, e.g. 0x1a2b"));
            }

            lookups.Add(address);
        }
    }

    internal static bool TryParseAddress(string text, out ulong address) =>
        TryParseAddress(Encoding.UTF8.GetBytes(text), out address);

    internal static bool TryParseAddress(ReadOnlySpan<byte> text, out ulong address)
    {
        var digits = text;
        if (digits.Length >= 2 && digits[0] == (byte)'0' && (digits[1] | 0x20) == (byte)'x')
        {
            digits = digits[2..];
        }

        address = 0;
        return digits.Length > 0 && ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out address);
    }
}
