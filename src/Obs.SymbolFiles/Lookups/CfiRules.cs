using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

/// <summary>The STACK CFI rules in force at an address (see <see cref="SymbolIndex.TryFindCfiRules"/>).</summary>
public readonly struct CfiRules
{
    private readonly SymbolIndex? _index;
    private readonly StringRef _text;

    internal CfiRules(SymbolIndex index, ulong address, uint size, StringRef text, int rowCount)
    {
        _index = index;
        Address = address;
        Size = size;
        _text = text;
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
    public ReadOnlySpan<byte> RulesUtf8 => (_index ?? throw new InvalidOperationException("The rules are empty (default).")).StringBytes(_text);

    /// <summary>The rules as a string.</summary>
    public override string ToString() => _index is null ? string.Empty : _index.DecodeString(_text);
}
