using System.Text;

namespace Obs.SymbolFiles;

/// <summary>The STACK CFI rules in force at an address (see <see cref="SymbolIndex.TryFindCfiRules"/>).</summary>
public readonly struct CfiRules
{
    private readonly SymbolIndex? _index;

    // The text can be longer than a StringRef describes (an INIT with many rows): kept as a
    // segment, offset and length of its own.
    private readonly int _segment;
    private readonly uint _offset;
    private readonly int _length;

    internal CfiRules(SymbolIndex index, ulong address, uint size, int segment, uint offset, int length, int rowCount)
    {
        _index = index;
        Address = address;
        Size = size;
        _segment = segment;
        _offset = offset;
        _length = length;
        RowCount = rowCount;
    }

    /// <summary>Start of the <c>STACK CFI INIT</c> range.</summary>
    public ulong Address { get; }

    /// <summary>Size of the <c>STACK CFI INIT</c> range.</summary>
    public uint Size { get; }

    /// <summary>How many <c>STACK CFI</c> rows apply (0 when only the INIT rules do).</summary>
    public int RowCount { get; }

    /// <summary>
    /// The INIT rules and each applicable row's rules, one line each (<c>'\n'</c>-separated), as
    /// UTF-8: the input of <see cref="CfiEvaluator"/>. Valid while the index is reachable.
    /// </summary>
    public ReadOnlySpan<byte> RulesUtf8 => (_index ?? throw new InvalidOperationException("The rules are empty (default).")).SegmentBytes(_segment, _offset, _length);

    /// <summary>The rules as a string.</summary>
    public override string ToString()
    {
        if (_index is null)
        {
            return string.Empty;
        }

        var text = Encoding.UTF8.GetString(RulesUtf8);
        GC.KeepAlive(_index);
        return text;
    }
}
