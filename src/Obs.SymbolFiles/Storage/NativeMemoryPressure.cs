namespace Obs.SymbolFiles.Storage;

/// <summary>
/// Tells the GC how much native memory an index holds, for as long as the index is reachable.
/// The index's managed objects are a few kilobytes while its tables may be hundreds of megabytes,
/// so without this the GC sees no reason to collect dropped indexes: a service that loads and
/// drops symbol files would hold many at once (reloading a 20 MB file 25 times held ~300 MB of
/// resident memory against ~125 MB with this).
/// </summary>
/// <remarks>
/// Reported once per finished index rather than per table: the tables are finished during the
/// parse, and reporting each then made the GC collect its whole heap six to ten times per
/// full-size parse, against once.
/// </remarks>
internal sealed class NativeMemoryPressure
{
    public NativeMemoryPressure(long bytes)
    {
        Bytes = bytes;
        if (bytes > 0)
        {
            GC.AddMemoryPressure(bytes);
        }
    }

    ~NativeMemoryPressure()
    {
        if (Bytes > 0)
        {
            GC.RemoveMemoryPressure(Bytes);
        }
    }

    /// <summary>The bytes reported.</summary>
    public long Bytes { get; }
}
