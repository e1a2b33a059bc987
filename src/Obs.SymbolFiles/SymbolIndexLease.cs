namespace Obs.SymbolFiles;

/// <summary>
/// A lease on a symbol index (see <see cref="SymbolIndexReference.TryLease"/>): a reference that
/// keeps the index's memory alive until it is disposed, even after the index's owner disposes
/// its own (a cache evicting the index while a stack walk uses it). It has every lookup of the
/// index, and a lookup through it costs nothing for the reference.
/// </summary>
/// <remarks>Results obtained through the lease are valid until it is disposed.</remarks>
public sealed class SymbolIndexLease : SymbolIndexReference
{
    internal SymbolIndexLease(SymbolIndexCore core)
        : base(core, guardsEachCall: false)
    {
    }
}
