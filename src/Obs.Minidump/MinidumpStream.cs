namespace Obs.Minidump;

/// <summary>
/// A decoded stream of a minidump: the common base of every typed stream view. Views are
/// immutable; the ones this library does not decode are <see cref="MinidumpRawStream"/>.
/// </summary>
public abstract class MinidumpStream
{
    private protected MinidumpStream(MinidumpDirectoryEntry entry)
    {
        Entry = entry;
    }

    /// <summary>The directory entry the stream was read from.</summary>
    public MinidumpDirectoryEntry Entry { get; }

    /// <summary>The stream type.</summary>
    public MinidumpStreamType StreamType => Entry.StreamType;

    /// <summary>Problems that did not fail the stream (for example, dropped entries).</summary>
    public IReadOnlyList<string> Warnings { get; private protected set; } = [];
}

/// <summary>A stream this library does not decode: its bytes as they are in the file.</summary>
public sealed class MinidumpRawStream : MinidumpStream
{
    internal MinidumpRawStream(MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> data) : base(entry)
    {
        Data = data;
    }

    /// <summary>The stream's bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }
}
