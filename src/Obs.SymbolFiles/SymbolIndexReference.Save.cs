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
        var core = Enter();
        try
        {
            SaveFile(core, path, temporaryDirectory, freeTablesAsWritten: false);
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
            new IndexFileWriter(core).WriteTo(stream, freeTablesAsWritten: false);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Writes a saved index to a temporary file allocated at its final length (so that the file
    /// system reserves its blocks once, rather than as each write extends it, and replacing an
    /// existing file does not force the new one's blocks out first), then renames it into place.
    /// </summary>
    private protected static void SaveFile(SymbolIndexCore core, string path, string? temporaryDirectory, bool freeTablesAsWritten)
    {
        var destination = Path.GetFullPath(path);
        var folder = temporaryDirectory ?? Path.GetDirectoryName(destination) ?? ".";
        var temporary = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        var writer = new IndexFileWriter(core);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                PreallocationSize = writer.FileLength,
            };
            using (var stream = new FileStream(temporary, options))
            {
                writer.WriteTo(stream, freeTablesAsWritten);
            }

            File.Move(temporary, destination, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
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
