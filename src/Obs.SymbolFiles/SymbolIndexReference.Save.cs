using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

public abstract partial class SymbolIndexReference
{
    /// <summary>
    /// Saves the index to a file that <see cref="SymbolIndex.Open"/> maps back in place. The file
    /// is written under a temporary name in <paramref name="temporaryDirectory"/> (by default the
    /// destination's folder; it must be on the same file system) and renamed into place, so that a
    /// reader never sees a part-written file and two processes saving the same index leave one
    /// whole file. It is not flushed to disk: a file torn by a power loss fails the open's checks
    /// and is rebuilt from the text.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder cannot be written to.</exception>
    public void Save(string path, string? temporaryDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var destination = Path.GetFullPath(path);
        var folder = temporaryDirectory ?? Path.GetDirectoryName(destination) ?? ".";
        var temporary = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        var core = Enter();
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                IndexFileWriter.WriteTo(stream, core);
            }

            File.Move(temporary, destination, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Writes the index, in the format <see cref="Save(string, string?)"/> writes, to a stream from its position; the stream is not disposed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    /// <exception cref="IOException">The stream cannot be written.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var core = Enter();
        try
        {
            IndexFileWriter.WriteTo(stream, core);
        }
        finally
        {
            Exit();
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The failure being reported matters more than a leftover temporary file.
        }
    }
}
