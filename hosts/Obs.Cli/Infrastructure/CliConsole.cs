namespace Obs.Cli.Infrastructure;

/// <summary>
/// The standard streams a command talks to. Commands write JSON to <see cref="Out"/> as UTF-8
/// bytes (through <see cref="System.Text.Json.Utf8JsonWriter"/>) and one-line errors to
/// <see cref="Error"/>. Tests substitute memory streams to run commands in-process.
/// </summary>
internal sealed class CliConsole(Stream input, Stream output, TextWriter error, bool errorIsTerminal = false)
{
    /// <summary>Standard input, for commands that read <c>-</c>.</summary>
    public Stream In { get; } = input;

    /// <summary>Standard output (UTF-8 bytes).</summary>
    public Stream Out { get; } = output;

    /// <summary>Standard error: one line per error.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>Whether standard error is a terminal, where progress may be shown (never in-process).</summary>
    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    /// <summary>The process's own streams.</summary>
    public static CliConsole FromProcess() =>
        new(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error, !Console.IsErrorRedirected);
}
