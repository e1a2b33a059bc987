namespace Obs.Cli.Infrastructure;

/// <summary>
/// Thrown by a command when an input cannot be read or is rejected; <see cref="CliApp"/> turns
/// it into exit code 1 and one line on standard error.
/// </summary>
internal sealed class CliInputException : Exception
{
    public CliInputException(string message) : base(message) { }

    public CliInputException(string message, Exception inner) : base(message, inner) { }
}
