using System.Diagnostics;
using System.Globalization;
using Obs.Symbolication;

namespace Obs.Cli.Infrastructure;

/// <summary>
/// Symbol downloads that take long, shown on one line of a terminal's standard error (module,
/// bytes so far, rate), redrawn in place a few times a second and cleared when the last download
/// ends. Downloads that end within <see cref="ShowAfter"/> are never shown.
/// </summary>
internal sealed class DownloadProgressDisplay(TextWriter terminal) : IProgress<SymbolDownloadProgress>, IDisposable
{
    /// <summary>How long a download runs before it is shown.</summary>
    public static readonly TimeSpan ShowAfter = TimeSpan.FromSeconds(1);

    private const string ClearLine = "\r\u001b[K";
    private static readonly long RedrawInterval = Stopwatch.Frequency / 10;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SymbolDownloadProgress> _active = new(StringComparer.Ordinal);
    private long? _drawn; // when the line was last drawn; null while nothing is shown

    public void Report(SymbolDownloadProgress value)
    {
        lock (_gate)
        {
            if (value.Completed)
            {
                _active.Remove(value.Url);
            }
            else
            {
                _active[value.Url] = value;
            }

            if (_active.Count == 0)
            {
                Clear();
                return;
            }

            var now = Stopwatch.GetTimestamp();
            if (now - _drawn < RedrawInterval)
            {
                return;
            }

            // The download that has run longest is the one worth watching.
            var shown = _active.Values.MaxBy(p => p.Elapsed);
            if (shown.Elapsed < ShowAfter)
            {
                return;
            }

            _drawn = now;
            var others = _active.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (+{_active.Count - 1} more)") : string.Empty;
            terminal.Write(string.Create(CultureInfo.InvariantCulture,
                $"{ClearLine}downloading {shown.Module}: {Mebibytes(shown.BytesReceived):0.0} MiB at {Mebibytes((long)shown.BytesPerSecond):0.0} MiB/s{others}"));
            terminal.Flush();
        }
    }

    /// <summary>Clears the line if anything is shown.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            Clear();
        }
    }

    private void Clear()
    {
        if (_drawn is not null)
        {
            terminal.Write(ClearLine);
            terminal.Flush();
            _drawn = null;
        }
    }

    private static double Mebibytes(long bytes) => bytes / (1024.0 * 1024.0);
}
