namespace Obs.SymbolFiles;

/// <summary>
/// A Breakpad symbol file's index, and the owner's reference to it: compact sorted tables of its
/// FUNC, line, INLINE, PUBLIC, STACK CFI and STACK WIN records with lookups by module-relative
/// address (see <see cref="SymbolIndexReference"/> for the lookups and leases).
/// </summary>
/// <remarks>
/// <para>Build one from text with <see cref="Parse(ReadOnlySpan{byte}, SymbolParseOptions?)"/>,
/// <see cref="Load(string, SymbolParseOptions?)"/> or the <c>LoadAsync</c> overloads (all give
/// the same index for the same bytes), save it with <see cref="SymbolIndexReference.Save(string, string?)"/>
/// (or <see cref="SaveAndDispose"/> when it is not needed afterwards), and open a saved one with
/// <see cref="Open"/>, which maps the file and uses it in place in a time that does not depend on
/// its size. <see cref="Load(string, SymbolParseOptions?)"/> takes either form. Nothing ever
/// writes to an index once it is made.</para>
/// <para>The creator holds the first reference: dispose the index to release it. A cache that
/// evicts an index by disposing it does not disturb the stack walks that hold leases on it
/// (<see cref="SymbolIndexReference.TryLease"/>); lookups on the index itself after that throw
/// <see cref="ObjectDisposedException"/>. An index that is never disposed is freed by the
/// finalizer once unreachable; a built one reports its native memory to the GC
/// (<see cref="GC.AddMemoryPressure"/>) so that this happens as the memory adds up.</para>
/// </remarks>
public sealed partial class SymbolIndex : SymbolIndexReference
{
    internal SymbolIndex(SymbolIndexCore core)
        : base(core, guardsEachCall: true)
    {
    }

    /// <summary>
    /// Saves the index as <see cref="SymbolIndexReference.Save(string, string?)"/> does, and
    /// disposes it, whether or not saving succeeds. When no lease (and no lookup in flight) holds
    /// the index, each table of a built index is freed as soon as it is written, so that building
    /// an index and saving it never holds both all the tables and all of the new file's pages:
    /// memory and page cache together stay close to what the build alone takes.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The index has been disposed.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder cannot be written to.</exception>
    public void SaveAndDispose(string path, string? temporaryDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!MarkDisposed())
        {
            ThrowHelper.ThrowDisposed(this);
        }

        // Past this point no lookup can start through the owner; leases and lookups in flight
        // hold references of their own, and then the tables must stay until they are done.
        var sole = Core.TryClaimSoleReference();
        try
        {
            SaveFile(Core, path, temporaryDirectory, freeTablesAsWritten: sole);
        }
        finally
        {
            if (sole)
            {
                Core.FreeClaimed();
            }
            else
            {
                Core.Release();
            }
        }
    }
}
