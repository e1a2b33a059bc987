using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Obs.Cli.Infrastructure;

namespace Obs.Cli.Tests;

/// <summary>The outcome of one <c>obs</c> invocation.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Stdout">Standard output, decoded as UTF-8.</param>
/// <param name="Stderr">Standard error.</param>
/// <param name="MemoryBytes">
/// What the run cost in memory: the bytes allocated on the running thread in-process, or the
/// child process's peak RSS (null when <c>/usr/bin/time</c> is not there to measure it).
/// </param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr, long? MemoryBytes, TimeSpan Elapsed)
{
    /// <summary>Standard output parsed as one JSON document.</summary>
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

    /// <summary>The one line on standard error (asserts that there is exactly one).</summary>
    public string ErrorLine
    {
        get
        {
            Assert.EndsWith("\n", Stderr, StringComparison.Ordinal);
            return Assert.Single(Stderr[..^1].Split('\n'));
        }
    }
}

/// <summary>
/// Runs <c>obs</c> commands: in-process through the same <see cref="CliApp.Run"/> entry point the
/// executable uses, with memory streams standing in for stdin/stdout/stderr; or, when
/// <c>OBS_CLI_EXECUTABLE</c> names an executable (the native build), as a child process, so that
/// every test of this project checks that build too.
/// </summary>
internal static class CliRunner
{
    private const string TimeCommand = "/usr/bin/time";

    /// <summary>The executable the tests run as a child process, or null to run in-process.</summary>
    public static string? Executable { get; } =
        Environment.GetEnvironmentVariable("OBS_CLI_EXECUTABLE") is { Length: > 0 } path ? Path.GetFullPath(path) : null;

    public static CliResult Run(params string[] args) => RunWithInput(string.Empty, args);

    public static CliResult RunWithInput(string stdin, params string[] args) =>
        RunWithStream(new MemoryStream(Encoding.UTF8.GetBytes(stdin)), args);

    public static CliResult RunWithStream(Stream stdin, params string[] args) =>
        Executable is null ? RunInProcess(stdin, args) : RunChild([Executable], stdin, args);

    /// <summary>
    /// Runs the command as a child process even when the other tests run in-process (then as
    /// <c>dotnet obs.dll</c> from the copy of obs's build output in this test's output folder): for
    /// what only a whole process shows, its peak memory, and for processes that run side by side.
    /// </summary>
    public static CliResult RunAsProcess(Stream stdin, params string[] args) => RunAsProcess(stdin, null, args);

    /// <summary>As <see cref="RunAsProcess(Stream, string[])"/>, with variables added to the child's environment.</summary>
    public static CliResult RunAsProcess(Stream stdin, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunChild(Executable is null ? ["dotnet", Path.Combine(AppContext.BaseDirectory, "obs-app", "obs.dll")] : [Executable], stdin, args, environment);

    private static CliResult RunInProcess(Stream stdin, string[] args)
    {
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var stopwatch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var exitCode = CliApp.Run(args, new CliConsole(stdin, output, error));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return new CliResult(exitCode, Encoding.UTF8.GetString(output.ToArray()), error.ToString(), allocated, stopwatch.Elapsed);
    }

    private static CliResult RunChild(string[] command, Stream stdin, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var measure = File.Exists(TimeCommand);
        var rssFile = measure ? Path.GetTempFileName() : null;
        var start = new ProcessStartInfo(measure ? TimeCommand : command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (measure)
        {
            foreach (var argument in (string[])["-f", "%M", "-o", rssFile!, command[0]])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in (string[])[.. command[1..], .. args])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        try
        {
            var stopwatch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stdout = new MemoryStream();
            var readOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            var readErr = process.StandardError.ReadToEndAsync();
            var writeIn = Task.Run(() => Pump(stdin, process.StandardInput.BaseStream));
            process.WaitForExit();
            Task.WaitAll(readOut, readErr, writeIn);
            var elapsed = stopwatch.Elapsed;
            long? peak = null;
            if (rssFile is not null && File.ReadAllLines(rssFile).LastOrDefault(l => l.Length > 0) is { } kilobytes
                && long.TryParse(kilobytes, NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            {
                peak = kb * 1024;
            }

            return new CliResult(process.ExitCode, Encoding.UTF8.GetString(stdout.ToArray()), readErr.Result, peak, elapsed);
        }
        finally
        {
            if (rssFile is not null)
            {
                File.Delete(rssFile);
            }
        }
    }

    /// <summary>Feeds standard input until it ends or the child stops reading (and closes the pipe).</summary>
    private static void Pump(Stream from, Stream to)
    {
        try
        {
            from.CopyTo(to, 64 * 1024);
            to.Close();
        }
        catch (IOException)
        {
            // The child exited before reading all of its input: that is its right.
        }
    }
}
