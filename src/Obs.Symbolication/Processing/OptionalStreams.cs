using Microsoft.Extensions.Logging;
using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// Reads the streams processing can do without: a damaged one counts as absent and is logged, as
/// rust-minidump's processor treats every stream but the thread list and system info.
/// </summary>
internal sealed partial class OptionalStreams
{
    private readonly ILogger _logger;

    public OptionalStreams(MinidumpFile dump, ILogger logger)
    {
        Dump = dump;
        _logger = logger;
    }

    public MinidumpFile Dump { get; }

    public T? Get<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (MinidumpException e)
        {
            LogUnreadable(_logger, e.Message);
            return null;
        }
    }

    public T? GetValue<T>(Func<T?> read)
        where T : struct
    {
        try
        {
            return read();
        }
        catch (MinidumpException e)
        {
            LogUnreadable(_logger, e.Message);
            return null;
        }
    }

    public MinidumpTextStream? Text(MinidumpStreamType type) => Get(() => Dump.GetTextStream(type));

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "ignoring a damaged part of the dump: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);
}
