using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// Asks the kernel to start reading a whole file into the page cache. The parse reads a file in
/// several places at once, a block at a time on each thread; when the file is not cached (a
/// symbol file written a while ago, whose pages the kernel has since dropped), each thread
/// waits on its reads in turn. Read ahead, the disk works while the threads parse. The hint is asynchronous and costs next to nothing for a cached file.
/// </summary>
internal static partial class FileReadAhead
{
    private const int PosixFadviseWillNeed = 3;

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Hints that the whole file will be read soon; returns at once (the reads are asynchronous). Best effort.</summary>
    public static void Hint(SafeFileHandle handle, long length)
    {
        if (_unavailable || length <= 0)
        {
            return;
        }

        try
        {
            _ = PosixFadvise((int)handle.DangerousGetHandle(), 0, length, PosixFadviseWillNeed);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);
}
