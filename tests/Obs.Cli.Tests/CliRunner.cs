using System.Text;
using System.Text.Json;
using Obs.Cli.Infrastructure;

namespace Obs.Cli.Tests;

/// <summary>The outcome of one in-process <c>obs</c> invocation.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Standard output parsed as one JSON document.</summary>
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
}

/// <summary>
/// Runs <c>obs</c> commands in-process through the same <see cref="CliApp.Run"/> entry point the
/// executable uses, with memory streams standing in for stdin/stdout/stderr.
/// </summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args) => RunWithInput(string.Empty, args);

    public static CliResult RunWithInput(string stdin, params string[] args)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var exitCode = CliApp.Run(args, new CliConsole(input, output, error));
        return new CliResult(exitCode, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }
}
