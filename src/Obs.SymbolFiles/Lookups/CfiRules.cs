using System.Text;

namespace Obs.SymbolFiles;

/// <summary>
/// The STACK CFI rules in force at an address (see <see cref="SymbolIndexReference.TryFindCfiRules"/>).
/// Valid while the reference it was obtained through is held.
/// </summary>
public readonly struct CfiRules
{
    private readonly SymbolIndexReference? _source;

    // The text can be longer than a StringRef describes (an INIT with many rows): kept as a
    // segment, offset and length of its own.
    private readonly int _segment;
    private readonly uint _offset;
    private readonly int _length;

    internal CfiRules(SymbolIndexReference source, ulong address, uint size, int segment, uint offset, int length, int rowCount)
    {
        _source = source;
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
    /// UTF-8: the input of <see cref="CfiEvaluator"/>. A span into the index, valid while the
    /// reference this was obtained through is held.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public ReadOnlySpan<byte> RulesUtf8
    {
        get
        {
            var source = ThrowHelper.RequireSource(_source, "rules");
            var core = source.Enter();
            try
            {
                return core.View.SegmentBytes(_segment, _offset, _length);
            }
            finally
            {
                source.Exit();
            }
        }
    }

    /// <summary>The rules as a string (empty for <c>default</c>).</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    public override string ToString()
    {
        if (_source is null)
        {
            return string.Empty;
        }

        var core = _source.Enter();
        try
        {
            return Encoding.UTF8.GetString(core.View.SegmentBytes(_segment, _offset, _length));
        }
        finally
        {
            _source.Exit();
        }
    }
}
