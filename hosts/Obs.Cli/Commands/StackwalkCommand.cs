using System.CommandLine;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Obs.Cli.Infrastructure;
using Obs.Minidump;
using Obs.Symbolication;

namespace Obs.Cli.Commands;

/// <summary>
/// <c>obs stackwalk DUMP [SYMBOLS_PATH...]</c>: minidump-stackwalk's command line and reports.
/// Every option of minidump-stackwalk's long help is accepted with its default, so Socorro's
/// invocation parses unchanged. The reports are minidump-stackwalk's own formats (its JSON with
/// padded hex, its human report), not the unpadded JSON of the other <c>obs</c> commands.
/// </summary>
internal static partial class StackwalkCommand
{
    /// <summary>minidump-stackwalk's log levels, lowest first.</summary>
    private static readonly string[] Levels = ["off", "error", "warn", "info", "debug", "trace"];

    public static Command Create(CliConsole console)
    {
        var dump = new Argument<string>("minidump") { Description = "Path to the minidump file to analyze" };
        var legacyPaths = new Argument<string[]>("symbols-path-legacy")
        {
            Description = "Symbol folders, .sym files or saved indexes (the same as --symbols-path), tried in order",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var human = new Option<bool>("--human") { Description = "Emit the human-readable report (the default); --brief shortens it" };
        var json = new Option<bool>("--json") { Description = "Emit minidump-stackwalk's JSON report; --pretty indents it" };
        var cyborg = new Option<string>("--cyborg") { Description = "Emit the human report as the output and the JSON report to this file", HelpName = "FILE" };
        var rawDump = new Option<bool>("--dump") { Description = "Print the raw contents of the minidump, as 'obs dump' does" };
        var features = new Option<string>("--features")
        {
            Description = "How much analysis to perform: stable-basic, stable-all, unstable-all (the unstable extra, --recover-function-args, is ignored)",
            DefaultValueFactory = _ => "stable-basic",
        };
        features.AcceptOnlyFromAmong("stable-basic", "stable-all", "unstable-all");
        var verbose = new Option<string>("--verbose")
        {
            Description = "Log level: off, error (the default), warn, info, debug, trace, as in minidump-stackwalk (--verbose=debug). " +
                "For this command it replaces obs's global --verbose switch; debug and trace also add error detail",
            HelpName = "LEVEL",
        };
        verbose.AcceptOnlyFromAmong(Levels);
        var outputFile = new Option<string>("--output-file") { Description = "Write the output to this file instead of stdout", HelpName = "FILE" };
        var logFile = new Option<string>("--log-file") { Description = "Write logs to this file instead of stderr, one per line with its level", HelpName = "FILE" };
        var noColor = new Option<bool>("--no-color") { Description = "No ANSI colours (obs never colours its output)" };
        var pretty = new Option<bool>("--pretty") { Description = "Pretty-print the JSON report" };
        var brief = new Option<bool>("--brief") { Description = "Human report: only the summary and the crashing thread" };
        var noInteractive = new Option<bool>("--no-interactive")
        {
            Description = "No progress feedback: without it, downloads from symbol servers that take long are shown on stderr when it is a terminal",
        };
        var evilJson = new Option<string>("--evil-json") { Description = "UNSTABLE: Mozilla's side-channel JSON (module certificates, CPU microcode)", HelpName = "FILE" };
        var recoverArguments = new Option<bool>("--recover-function-args") { Description = "UNSTABLE: ignored (obs does not recover function arguments)" };
        var localDebugInfo = new Option<bool>("--use-local-debuginfo") { Description = "Ignored: obs reads only Breakpad symbol files" };
        var symbolsUrl = new Option<string[]>("--symbols-url")
        {
            Description = "Base URL of a symbol server speaking Tecken's protocol (BASE/DEBUGFILE/DEBUGID/NAME.sym, and the code-file/code-id " +
                "lookup for modules without a debug id), e.g. https://symbols.mozilla.org/; repeatable, tried in order after the local paths. " +
                "Downloads go to the symbol cache",
            HelpName = "URL",
        };
        var symbolsCache = new Option<string>("--symbols-cache")
        {
            Description = "Folder of downloaded symbol files and their saved indexes, shared safely by processes " +
                $"(default with --symbols-url: {DefaultCacheDirectory}). Given explicitly, it also keeps the indexes of " +
                "--symbols-path files, so that a large file is parsed once",
            HelpName = "DIR",
        };
        var symbolsTmp = new Option<string>("--symbols-tmp")
        {
            Description = "Temp space for files on their way into the cache; must be on the cache's file system (default: a folder inside the cache)",
            HelpName = "DIR",
        };
        var downloadTimeout = new Option<ulong>("--symbols-download-timeout-secs")
        {
            Description = "The longest one symbol download may take, in seconds; server errors and timeouts are retried twice",
            DefaultValueFactory = _ => 1000,
            HelpName = "SECONDS",
        };
        downloadTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<ulong>() == 0)
            {
                result.AddError("--symbols-download-timeout-secs must be at least 1");
            }
        });
        var symbolsPath = new Option<string[]>("--symbols-path") { Description = "A symbol folder (NAME/DEBUGID/NAME.sym), a .sym file or a saved index (obs sym index); repeatable, tried in order", HelpName = "PATH" };
        var useCorrupt = new Option<bool>("--use-corrupt-symbols")
        {
            Description = "Use the parsed part of a symbol file with unparseable lines, as Breakpad does (the module is still reported corrupt)",
        };

        var command = new Command("stackwalk", "Walk and symbolicate every thread of a minidump and print minidump-stackwalk's report (human by default, --json)")
        {
            dump, legacyPaths, human, json, cyborg, rawDump, features, verbose, outputFile, logFile, noColor, pretty, brief,
            noInteractive, evilJson, recoverArguments, localDebugInfo, symbolsUrl, symbolsCache, symbolsTmp, downloadTimeout, symbolsPath, useCorrupt,
        };

        command.Validators.Add(result =>
        {
            var modes = (result.GetValue(human) ? 1 : 0) + (result.GetValue(json) ? 1 : 0) + (result.GetValue(rawDump) ? 1 : 0)
                + (result.GetValue(cyborg) is not null ? 1 : 0);
            if (modes > 1)
            {
                result.AddError("--human, --json, --cyborg and --dump exclude one another");
            }
            else if (result.GetValue(pretty) && !result.GetValue(json) && result.GetValue(cyborg) is null)
            {
                result.AddError("--pretty applies to JSON output (--json or --cyborg)");
            }
            else if (result.GetValue(brief) && result.GetValue(json))
            {
                result.AddError("--brief applies to --human, --cyborg and --dump output");
            }
            else if ((result.GetValue(symbolsUrl) ?? []).FirstOrDefault(u => ParseServerUrl(u) is null) is { } badUrl)
            {
                result.AddError($"--symbols-url: not an http or https URL: {CliText.Escape(badUrl)}");
            }

        });

        command.SetAction((parse, cancellationToken) =>
        {
            var request = new StackwalkRequest(
                Dump: parse.GetValue(dump)!,
                SymbolPaths: [.. parse.GetValue(symbolsPath) ?? [], .. parse.GetValue(legacyPaths) ?? []],
                Json: parse.GetValue(json),
                Cyborg: parse.GetValue(cyborg),
                RawDump: parse.GetValue(rawDump),
                Pretty: parse.GetValue(pretty),
                Brief: parse.GetValue(brief),
                OutputFile: parse.GetValue(outputFile),
                LogFile: parse.GetValue(logFile),
                LogLevel: LevelOf(parse, verbose),
                EvilJson: parse.GetValue(evilJson),
                UseCorruptSymbols: parse.GetValue(useCorrupt),
                SymbolServers: [.. (parse.GetValue(symbolsUrl) ?? []).Select(u => ParseServerUrl(u)!)],
                SymbolsCache: parse.GetValue(symbolsCache),
                SymbolsTemporary: parse.GetValue(symbolsTmp),
                DownloadTimeout: TimeSpan.FromSeconds(Math.Min(parse.GetValue(downloadTimeout), (ulong)TimeSpan.MaxValue.TotalSeconds / 2)),
                Interactive: !parse.GetValue(noInteractive) && console.ErrorIsTerminal);
            return RunAsync(console, request, cancellationToken);
        });
        return command;
    }

    /// <summary>The level <c>--verbose</c> asks for (error when absent).</summary>
    private static LogLevel LevelOf(ParseResult parse, Option<string> verbose)
    {
        var level = parse.GetValue(verbose) ?? "error";
        return level switch
        {
            "off" => LogLevel.None,
            "error" => LogLevel.Error,
            "warn" => LogLevel.Warning,
            "info" => LogLevel.Information,
            "debug" => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
    }

    private static async Task<int> RunAsync(CliConsole console, StackwalkRequest request, CancellationToken cancellationToken)
    {
        using var log = request.LogFile is { } logPath
            ? new StreamWriter(CliFiles.Create(logPath), new UTF8Encoding(false))
            : null;
        var logger = new LineLogger(log ?? console.Error, request.LogLevel);
        using var dump = CliFiles.OpenDump(request.Dump);
        await using var output = request.OutputFile is { } outputPath
            ? CliFiles.Create(outputPath)
            : null;
        var destination = output ?? console.Out;

        if (request.RawDump)
        {
            DumpCommand.WriteText(destination, dump, request.Dump);
            return ExitCodes.Success;
        }

        var options = new StackwalkOptions
        {
            UseCorruptSymbols = request.UseCorruptSymbols,
            EvilJson = ReadEvilJson(request.EvilJson, logger),
            Logger = logger,
        };
        using var progress = request.Interactive && request.SymbolServers.Length > 0 ? new DownloadProgressDisplay(console.Error) : null;
        using var telemetry = new SymbolicationTelemetry(new SingleLoggerFactory(logger));
        using var http = request.SymbolServers.Length > 0 ? HttpSymbolSupplier.CreateHttpClient() : null;
        var symbols = CreateSymbols(request, http, progress, telemetry);
        ProcessState state;
        try
        {
            state = await MinidumpProcessor.ProcessAsync(dump, symbols, options, cancellationToken).ConfigureAwait(false);
        }
        catch (MinidumpProcessingException ex)
        {
            throw new CliInputException($"{request.Dump}: {ex.Message} ({ex.Error})", ex);
        }
        catch (MinidumpException ex)
        {
            throw CliFiles.DumpError(request.Dump, ex);
        }

        if (request.Json)
        {
            WriteJson(destination, state, request.Pretty);
        }
        else
        {
            if (request.Cyborg is { } cyborgPath)
            {
                using var cyborg = CliFiles.Create(cyborgPath);
                WriteJson(cyborg, state, request.Pretty);
            }

            using var writer = new StreamWriter(destination, new UTF8Encoding(false), leaveOpen: true);
            ProcessStateReport.Write(writer, state, request.Brief);
        }

        return ExitCodes.Success;
    }

    /// <summary>The default of <c>--symbols-cache</c>, as minidump-stackwalk's is a folder of the system's temp space.</summary>
    private static string DefaultCacheDirectory => Path.Combine(Path.GetTempPath(), "obs-symbols-cache");

    /// <summary>
    /// Where symbols come from, as minidump-stackwalk chooses: with symbol servers, the local paths
    /// and then the servers, behind the cache (the default one unless <c>--symbols-cache</c> names
    /// another); with only <c>--symbols-cache</c>, the local paths behind it, their indexes kept
    /// there; else the local paths alone, or nothing.
    /// </summary>
    private static ISymbolSupplier? CreateSymbols(StackwalkRequest request, HttpClient? http, DownloadProgressDisplay? progress, SymbolicationTelemetry telemetry)
    {
        var local = request.SymbolPaths.Length > 0 ? new LocalSymbolSupplier(request.SymbolPaths) : null;
        if (request.SymbolServers.Length == 0 && request.SymbolsCache is null)
        {
            return local;
        }

        var server = http is null
            ? null
            : new HttpSymbolSupplier(http, new SymbolServerOptions
            {
                Urls = request.SymbolServers,
                DownloadTimeout = request.DownloadTimeout,
                Progress = progress,
            }, telemetry);
        var cache = new SymbolCacheOptions
        {
            Directory = request.SymbolsCache ?? DefaultCacheDirectory,
            TemporaryDirectory = request.SymbolsTemporary,
            CacheLocalSymbols = request.SymbolsCache is not null,
        };
        return new DiskSymbolCache(cache, local, server, telemetry);
    }

    /// <summary>An absolute http or https URL, or null.</summary>
    private static Uri? ParseServerUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) ? url : null;

    private static void WriteJson(Stream destination, ProcessState state, bool pretty)
    {
        ProcessStateJson.Write(destination, state, pretty);
        destination.WriteByte((byte)'\n');
        destination.Flush();
    }

    /// <summary>The evil JSON, or null (logged, as minidump-stackwalk does) when it cannot be read or parsed.</summary>
    private static JsonElement? ReadEvilJson(string? path, ILogger logger)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.Clone();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogEvilJsonUnreadable(logger, CliFiles.DescribeUnreadable(path, ex));
        }
        catch (JsonException)
        {
            LogEvilJsonInvalid(logger, path);
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load Extra JSON: {Reason}")]
    private static partial void LogEvilJsonUnreadable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not parse Extra JSON at {Path} (was not valid JSON)")]
    private static partial void LogEvilJsonInvalid(ILogger logger, string path);

    private sealed record StackwalkRequest(string Dump, string[] SymbolPaths, bool Json, string? Cyborg, bool RawDump, bool Pretty,
        bool Brief, string? OutputFile, string? LogFile, LogLevel LogLevel, string? EvilJson, bool UseCorruptSymbols,
        Uri[] SymbolServers, string? SymbolsCache, string? SymbolsTemporary, TimeSpan DownloadTimeout, bool Interactive);

    /// <summary>Hands the command's one logger to the symbol stores' telemetry.</summary>
    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Writes each log entry at or above a level as one line, <c>LEVEL message</c>, control characters escaped.</summary>
    private sealed class LineLogger(TextWriter writer, LogLevel minimum) : ILogger
    {
        private readonly Lock _gate = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var level = logLevel switch
            {
                LogLevel.Critical or LogLevel.Error => "ERROR",
                LogLevel.Warning => "WARN",
                LogLevel.Information => "INFO",
                LogLevel.Debug => "DEBUG",
                _ => "TRACE",
            };
            var line = CliText.Escape(formatter(state, exception));
            lock (_gate)
            {
                writer.WriteLine($"{level} {line}");
                writer.Flush();
            }
        }
    }
}
