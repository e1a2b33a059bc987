using System.CommandLine;
using System.Text.Json;
using Obs.Cli.Commands;

namespace Obs.Cli.Infrastructure;

/// <summary>
/// Builds the <c>obs</c> command tree and runs it with the conventions every command shares:
/// exit 0 on success, 1 when an input cannot be read or is rejected, 2 for usage errors, and
/// every error as one line on standard error (<c>--verbose</c> adds the exception detail).
/// </summary>
internal static class CliApp
{
    /// <summary>Recursive <c>--verbose</c>: adds detail to error messages.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print more detail about errors",
        Recursive = true,
    };

    /// <summary>Parses <paramref name="args"/>, runs the chosen command and returns its exit code.</summary>
    public static int Run(string[] args, CliConsole console)
    {
        var root = BuildRootCommand(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line per problem; System.CommandLine's own help dump is not an error message.
            foreach (var error in parse.Errors)
            {
                console.Error.WriteLine($"obs: {error.Message}");
            }

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
            return ReportFailure(console, ex, parse.GetValue(Verbose));
        }
        finally
        {
            console.Out.Flush();
        }
    }

    private static RootCommand BuildRootCommand(CliConsole console)
    {
        var root = new RootCommand("obs: crash-report processing: minidumps, Breakpad symbol files and Socorro signatures.");
        root.Options.Add(Verbose);
        root.Subcommands.Add(SymCommands.Create(console));
        root.Subcommands.Add(DumpCommand.Create(console));
        root.Subcommands.Add(SignatureCommand.Create(console));
        return root;
    }

    /// <summary>Turns an exception that escaped a command into exit code 1 and one stderr line.</summary>
    internal static int ReportFailure(CliConsole console, Exception ex, bool verbose)
    {
        var message = ex switch
        {
            CliInputException => ex.Message,
            FileNotFoundException fnf => $"file not found: {fnf.FileName ?? fnf.Message}",
            DirectoryNotFoundException => $"directory not found: {ex.Message}",
            UnauthorizedAccessException => $"access denied: {ex.Message}",
            IOException => $"I/O error: {ex.Message}",
            JsonException => $"invalid JSON: {ex.Message}",
            _ => $"{ex.GetType().Name}: {ex.Message}",
        };
        console.Error.WriteLine($"obs: {OneLine(message)}");
        if (verbose)
        {
            // Verbose detail still goes to stderr, after the one-line summary.
            console.Error.WriteLine(ex.ToString());
        }

        return ExitCodes.InputError;
    }

    private static string OneLine(string message) =>
        message.ReplaceLineEndings(" ");
}
