using System.Diagnostics.CodeAnalysis;

namespace Obs.SymbolFiles;

/// <summary>
/// A reference to a symbol index, through which it is read: the owner's reference (the
/// <see cref="SymbolIndex"/> itself) or a lease (<see cref="SymbolIndexLease"/>). An index's memory
/// (its tables, in native memory or a memory-mapped file) is counted like a
/// <see cref="System.Runtime.InteropServices.SafeHandle"/>: the creator holds the first reference,
/// <see cref="TryLease"/> takes another while any is held, and the memory is freed, or the file
/// unmapped, when the last one is disposed.
/// </summary>
/// <remarks>
/// <para>Every lookup is thread-safe and writes nothing. A lookup result (and any object or span
/// it hands out) is valid while the reference it was obtained through is held: its members throw
/// <see cref="ObjectDisposedException"/> once that reference is disposed, and a span read after
/// that may point to freed memory. So where another thread may dispose the owner, read the spans
/// results hand out (<c>NameUtf8</c>, <c>FileUtf8</c>, ...) only through a lease; the string
/// members are safe on the owner, since each read holds a reference.</para>
/// <para>The owner may be disposed while other threads use it (a cache evicting the index): each
/// of its lookups holds a reference for its duration, so a lookup in flight completes, and later
/// ones throw <see cref="ObjectDisposedException"/>, even while leases keep the memory alive. A
/// lease is meant for one user (a stack walk) and costs nothing per lookup; like any
/// <see cref="IDisposable"/>, it must not be disposed while another thread uses it.</para>
/// </remarks>
public abstract partial class SymbolIndexReference : IDisposable
{
    private readonly bool _guardsEachCall;
    private int _disposed;

    private protected SymbolIndexReference(SymbolIndexCore core, bool guardsEachCall)
    {
        Core = core;
        _guardsEachCall = guardsEachCall;
    }

    internal SymbolIndexCore Core { get; }

    /// <summary>The <c>MODULE</c> record, or null when the file has none.</summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public SymbolModule? Module => Checked().Metadata.Module;

    /// <summary>The code id of <c>INFO CODE_ID</c>, or null.</summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public string? CodeId => Checked().Metadata.CodeId;

    /// <summary>The code file of <c>INFO CODE_ID</c> (Windows files name it), or null.</summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public string? CodeFile => Checked().Metadata.CodeFile;

    /// <summary>The <c>INFO GENERATOR</c> text, or null.</summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public string? Generator => Checked().Metadata.Generator;

    /// <summary>The <c>INFO URL</c> text (written by symbol caches), or null.</summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public string? Url => Checked().Metadata.Url;

    /// <summary>Every other <c>INFO &lt;key&gt; &lt;value&gt;</c> record, in file order.</summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraInfo => Checked().Metadata.ExtraInfo;

    /// <summary>Record counts after the overlap policy, and what was repaired or skipped, as the text's parse found them (a saved index stores them).</summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public SymbolIndexStatistics Statistics => Checked().Statistics;

    /// <summary>
    /// The first skipped lines (at most <see cref="SymbolParseOptions.MaxDiagnostics"/>), in file
    /// order; <see cref="SymbolIndexStatistics.SkippedLines"/> counts them all.
    /// </summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public IReadOnlyList<SymbolFileDiagnostic> Diagnostics => Checked().Diagnostics;

    /// <summary>
    /// The hash of the symbol file's text: XxHash3, 64 bits, seed 0, over all its bytes
    /// (<c>System.IO.Hashing.XxHash3.HashToUInt64</c>). With <see cref="SymbolIndexStatistics.Bytes"/>
    /// and <see cref="Module"/> it identifies the text a saved index was built from.
    /// </summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public ulong SourceHash => Checked().SourceHash;

    /// <summary>
    /// Bytes the index's tables occupy: native memory for an index built from text, which is
    /// reported to the GC; pages of the mapped file (which belong to the page cache) for an index
    /// opened with <see cref="SymbolIndex.Open"/>. The file a <see cref="Save(string, string?)"/>
    /// writes is this size plus a few kilobytes.
    /// </summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public long MemoryBytes => Checked().MemoryBytes;

    /// <summary>True for an index opened from a saved file (its tables are the mapped file), false for one built from text.</summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public bool IsMapped => Checked().IsMapped;

    /// <summary>
    /// Takes another reference to the index's memory, as long as any reference to it is still
    /// held (this one or another; the memory may outlive the owner's disposal while leases hold
    /// it); false once the last has been released. Dispose the lease when done with it.
    /// </summary>
    public bool TryLease([MaybeNullWhen(false)] out SymbolIndexLease lease)
    {
        if (Core.TryAddReference())
        {
            lease = new SymbolIndexLease(Core);
            return true;
        }

        lease = null;
        return false;
    }

    /// <summary>
    /// Releases this reference; the last reference released frees the index's memory (or unmaps
    /// its file). Later calls on this reference, and on results obtained through it, throw
    /// <see cref="ObjectDisposedException"/>. Calling it again does nothing.
    /// </summary>
    public void Dispose()
    {
        if (MarkDisposed())
        {
            Core.Release();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Marks this reference disposed; true for the call that did it, which must then release its reference.</summary>
    private protected bool MarkDisposed()
    {
        return Interlocked.Exchange(ref _disposed, 1) == 0;
    }

    /// <summary>
    /// Begins a read of the index's memory through this reference: the owner takes a reference
    /// for the read's duration (released by <see cref="Exit"/>), a lease only checks it is held.
    /// </summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed (or, for the owner, the memory is gone).</exception>
    internal SymbolIndexCore Enter()
    {
        if (Volatile.Read(ref _disposed) != 0 || (_guardsEachCall && !Core.TryAddReference()))
        {
            ThrowHelper.ThrowDisposed(this);
        }

        return Core;
    }

    /// <summary>Ends a read begun by <see cref="Enter"/>.</summary>
    internal void Exit()
    {
        if (_guardsEachCall)
        {
            Core.Release();
        }
    }

    /// <summary>The core, after checking this reference is held (for members that read managed data only).</summary>
    private SymbolIndexCore Checked()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            ThrowHelper.ThrowDisposed(this);
        }

        return Core;
    }
}
