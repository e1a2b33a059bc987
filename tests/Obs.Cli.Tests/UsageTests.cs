namespace Obs.Cli.Tests;

public sealed class UsageTests
{
    [Fact]
    public void Unknown_command_is_a_usage_error_with_one_line_per_problem()
    {
        var result = CliRunner.Run("no-such-command");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.All(result.Stderr.TrimEnd().Split('\n'), line => Assert.StartsWith("obs: ", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_option_is_a_usage_error()
    {
        var result = CliRunner.Run("--no-such-option");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Stderr, StringComparison.Ordinal);
    }
}
