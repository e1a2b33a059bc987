using System.CommandLine;
using System.CommandLine.Parsing;
using Obs.Cli.Commands;

namespace Obs.Cli.Infrastructure;

/// <summary>
/// Builds the <c>obs</c> command tree and runs it with the conventions every command shares:
/// exit 0 on success, 1 when an input cannot be read or is rejected, 2 for usage errors, and
/// every error as one line on standard error (<c>--verbose</c> adds the exception detail).
/// </summary>
internal static class CliApp
{
    /// <summary>
    /// <c>--verbose</c>: adds detail to error messages. Every command takes it but
    /// <c>stackwalk</c>, whose <c>--verbose LEVEL</c> is minidump-stackwalk's log level.
    /// </summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print more detail about errors",
    };

    /// <summary>Parses <paramref name="args"/>, runs the chosen command and returns its exit code.</summary>
    public static int Run(string[] args, CliConsole console)
    {
        var root = BuildRootCommand(console);
        var parse = root.Parse(args);
        if (DescribeUsageError(parse) is { } usageError)
        {
            WriteError(console, $"{usageError} (see '{CommandPath(parse.CommandResult)} --help')");
            return ExitCodes.UsageError;
        }

        try
        {
            var config = new InvocationConfiguration
            {
                Output = new StreamWriter(console.Out, leaveOpen: true) { AutoFlush = true },
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
            };
            return parse.Invoke(config);
        }
        catch (Exception ex)
        {
            return ReportFailure(console, ex, IsVerbose(parse));
        }
        finally
        {
            console.Out.Flush();
        }
    }

    private static RootCommand BuildRootCommand(CliConsole console)
    {
        var root = new RootCommand("obs: crash-report processing: minidumps, Breakpad symbol files and Socorro signatures.");
        root.Subcommands.Add(SymCommands.Create(console));
        root.Subcommands.Add(DumpCommand.Create(console));
        root.Subcommands.Add(SignatureCommand.Create(console));
        root.Subcommands.Add(StackwalkCommand.Create(console));
        AddVerbose(root);
        return root;
    }

    /// <summary>Gives every command the global <c>--verbose</c> switch, except one that defines its own (stackwalk's log level).</summary>
    private static void AddVerbose(Command command)
    {
        if (!command.Options.Any(option => option.Name == Verbose.Name))
        {
            command.Options.Add(Verbose);
        }

        foreach (var subcommand in command.Subcommands)
        {
            AddVerbose(subcommand);
        }
    }

    /// <summary>
    /// The one problem with the command line worth reporting, or null when there is none. An
    /// unknown option comes first, wherever it stands: System.CommandLine binds "--bogus" to an
    /// argument that can take it (a path, an address), which would turn a typo into "file not
    /// found".
    /// </summary>
    internal static string? DescribeUsageError(ParseResult parse)
    {
        if (FindOptionBoundToArgument(parse) is { } option)
        {
            return $"unknown option {CliText.Quote(option)}";
        }

        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            return token.StartsWith('-') ? $"unknown option {CliText.Quote(token)}"
                : parse.CommandResult.Command.Subcommands.Count > 0 ? $"unknown command {CliText.Quote(token)}"
                : $"unexpected argument {CliText.Quote(token)}";
        }

        if (parse.Errors.Count == 0)
        {
            return null;
        }

        var command = parse.CommandResult.Command;
        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            return $"missing command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
        }

        foreach (var argument in command.Arguments)
        {
            if (argument.Arity.MinimumNumberOfValues > 0 && (parse.GetResult(argument)?.Tokens.Count ?? 0) == 0)
            {
                return $"missing argument {argument.Name}";
            }
        }

        var message = parse.Errors[0].Message.TrimEnd('.');
        return message.Length == 0 ? "invalid command line" : char.ToLowerInvariant(message[0]) + message[1..];
    }

    /// <summary>A token that looks like an option but was taken as an argument's value, before any <c>--</c>.</summary>
    private static string? FindOptionBoundToArgument(ParseResult parse)
    {
        var tokens = parse.Tokens;
        var end = tokens.Count;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type == TokenType.DoubleDash)
            {
                end = i;
                break;
            }
        }

        for (SymbolResult? result = parse.CommandResult; result is not null; result = result.Parent)
        {
            if (result is not CommandResult command)
            {
                continue;
            }

            foreach (var child in command.Children)
            {
                if (child is not ArgumentResult argument)
                {
                    continue;
                }

                foreach (var token in argument.Tokens)
                {
                    if (token.Value.Length > 1 && token.Value[0] == '-' && IndexOf(tokens, token) < end)
                    {
                        return token.Value;
                    }
                }
            }
        }

        return null;
    }

    private static int IndexOf(IReadOnlyList<Token> tokens, Token token)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (ReferenceEquals(tokens[i], token))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>"obs", "obs sym", "obs sym lookup": the command line that <c>--help</c> completes.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult { Parent: not null } command)
            {
                names.Add(command.Command.Name);
            }
        }

        names.Add("obs");
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>Whether the command line asks for error detail: <c>--verbose</c>, or <c>obs stackwalk --verbose=debug</c> and above.</summary>
    private static bool IsVerbose(ParseResult parse)
    {
        foreach (var option in parse.CommandResult.Command.Options)
        {
            if (option.Name != "--verbose" || parse.GetResult(option) is not { } result)
            {
                continue;
            }

            return option == Verbose ? parse.GetValue(Verbose) : parse.GetValue((Option<string>)option) is "debug" or "trace";
        }

        return false;
    }

    /// <summary>Writes one error line: "obs: " and the message, control characters escaped.</summary>
    internal static void WriteError(CliConsole console, string message) =>
        console.Error.WriteLine($"obs: {CliText.Escape(message)}");

    /// <summary>Turns an exception that escaped a command into exit code 1 and one stderr line.</summary>
    internal static int ReportFailure(CliConsole console, Exception ex, bool verbose)
    {
        var message = ex switch
        {
            CliInputException => ex.Message,
            IOException => $"I/O error: {ex.Message}",
            _ => $"{ex.GetType().Name}: {ex.Message}",
        };
        WriteError(console, message);
        if (verbose)
        {
            // Verbose detail still goes to stderr, after the one-line summary.
            console.Error.WriteLine(ex.ToString());
        }

        return ExitCodes.InputError;
    }
}
