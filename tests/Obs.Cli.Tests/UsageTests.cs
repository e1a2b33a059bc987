namespace Obs.Cli.Tests;

public sealed class UsageTests
{
    [Fact]
    public void Unknown_command_is_a_usage_error_on_one_line()
    {
        var result = CliRunner.Run("no-such-command");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal("obs: unknown command 'no-such-command' (see 'obs --help')", result.ErrorLine);
    }

    [Fact]
    public void Unknown_option_is_a_usage_error()
    {
        var result = CliRunner.Run("--no-such-option");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Stderr, StringComparison.Ordinal);
    }
}
