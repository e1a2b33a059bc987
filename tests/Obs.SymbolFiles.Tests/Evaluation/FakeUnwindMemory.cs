namespace Obs.SymbolFiles.Tests.Evaluation;

/// <summary>
/// Sparse 32-bit-word memory for the evaluators; reads of unknown words fail unless a default
/// word is set. Reading allocates nothing, so it can be used under the allocation meter.
/// </summary>
internal sealed class FakeUnwindMemory : IUnwindMemory
{
    private readonly Dictionary<ulong, uint> _words = [];

    /// <summary>The value of every word not written explicitly; <see langword="null"/> makes such reads fail.</summary>
    public uint? DefaultWord { get; init; }

    /// <summary>How many 32-bit words were read.</summary>
    public int WordReads { get; private set; }

    public FakeUnwindMemory Write32(ulong address, uint value)
    {
        _words[address] = value;
        return this;
    }

    public FakeUnwindMemory Write64(ulong address, ulong value)
    {
        _words[address] = (uint)value;
        _words[address + 4] = (uint)(value >> 32);
        return this;
    }

    public bool TryReadUInt32(ulong address, out uint value)
    {
        WordReads++;
        if (_words.TryGetValue(address, out value))
        {
            return true;
        }

        value = DefaultWord ?? 0;
        return DefaultWord.HasValue;
    }

    public bool TryReadUInt64(ulong address, out ulong value)
    {
        value = 0;
        if (!TryReadUInt32(address, out var low) || !TryReadUInt32(address + 4, out var high))
        {
            return false;
        }

        value = ((ulong)high << 32) | low;
        return true;
    }
}
