using Obs.Minidump;

namespace Obs.Cli.Infrastructure;

/// <summary>
/// Opens the files named on the command line, so that every command words a file it cannot read
/// the same way: the path as the user gave it, then what is wrong with it.
/// </summary>
internal static class CliFiles
{
    /// <summary>
    /// Runs <paramref name="open"/> on <paramref name="path"/> and turns the "could not read" exceptions
    /// of the error rule (IOException, UnauthorizedAccessException) into a <see cref="CliInputException"/>.
    /// </summary>
    public static T Open<T>(string path, Func<string, T> open)
    {
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            // The file APIs would throw ArgumentException: the same user mistake, worded like the others.
            throw new CliInputException($"{CliText.Quote(path)}: not a valid path");
        }

        try
        {
            return open(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException(DescribeUnreadable(path, ex), ex);
        }
    }

    /// <summary>Opens a file for reading.</summary>
    public static FileStream OpenRead(string path) =>
        Open(path, static p => new FileStream(p, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan));

    /// <summary>Creates (or truncates) a file for writing, readable by others meanwhile.</summary>
    public static FileStream Create(string path) =>
        Open(path, static p => new FileStream(p, FileMode.Create, FileAccess.Write, FileShare.Read));

    /// <summary>Opens a minidump; one that is not valid is a <see cref="CliInputException"/> that names the path and what is wrong.</summary>
    public static MinidumpFile OpenDump(string path)
    {
        try
        {
            return Open(path, MinidumpFile.Open);
        }
        catch (MinidumpException ex)
        {
            throw DumpError(path, ex);
        }
    }

    /// <summary>A dump found invalid, worded as every command words it.</summary>
    public static CliInputException DumpError(string path, MinidumpException ex) => new($"{path}: {ex.Message} ({ex.Kind})", ex);

    /// <summary>Why <paramref name="path"/> could not be read, as one message that starts with the path.</summary>
    internal static string DescribeUnreadable(string path, Exception ex)
    {
        // Opening a directory fails with "access denied" on Unix and Windows alike; say what it is.
        if (Directory.Exists(path))
        {
            return $"{path}: is a directory, not a file";
        }

        return ex switch
        {
            FileNotFoundException or DirectoryNotFoundException => $"{path}: file not found",
            UnauthorizedAccessException => $"{path}: permission denied",
            _ => $"{path}: cannot be read: {ex.Message}",
        };
    }
}
