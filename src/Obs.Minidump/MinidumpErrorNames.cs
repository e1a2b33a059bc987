using System.Globalization;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>Names of the error codes dumps record, as rust-minidump prints them.</summary>
public static class MinidumpErrorNames
{
    /// <summary>
    /// A Win32 error code's name (<c>ERROR_FILE_NOT_FOUND</c>), such as a thread's last error;
    /// <c>unknown 0x…</c> when the code has none.
    /// </summary>
    public static string GetWin32ErrorName(uint code) =>
        CrashReason.TryGetWin32ErrorName(code, out var name) ? name : "unknown 0x" + code.ToString("x8", CultureInfo.InvariantCulture);
}
