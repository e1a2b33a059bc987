namespace Obs.Cli.Infrastructure;

/// <summary>Exit codes shared by every <c>obs</c> command.</summary>
internal static class ExitCodes
{
    /// <summary>The command did its job.</summary>
    public const int Success = 0;

    /// <summary>An input could not be read or was rejected.</summary>
    public const int InputError = 1;

    /// <summary>The command line itself was wrong.</summary>
    public const int UsageError = 2;
}
