using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

/// <summary>
/// A FUNC or PUBLIC record found by a lookup. Its name is decoded only on request. Valid while
/// the reference it was obtained through is held (see <see cref="SymbolIndexReference"/>).
/// </summary>
public readonly struct SymbolFunction
{
    private readonly SymbolIndexReference? _source;
    private readonly StringRef _name;
    private readonly uint _size;
    private readonly RecordFlags _flags;

    internal SymbolFunction(SymbolIndexReference source, int record, bool isPublic)
    {
        _source = source;
        Record = record;
        IsPublic = isPublic;
        var core = source.Core;
        if (isPublic)
        {
            ref readonly var symbol = ref core.Tables.Publics.Span[record];
            Address = symbol.Address;
            ParameterSize = symbol.ParameterSize;
            _name = symbol.Name;
            _flags = symbol.Flags;
        }
        else
        {
            ref readonly var function = ref core.View.Function(record);
            Address = function.Address;
            ParameterSize = function.ParameterSize;
            _size = function.Size;
            _name = function.Name;
            _flags = function.Flags;
        }
    }

    /// <summary>True for a PUBLIC record (no size, lines or inline data), false for a FUNC record.</summary>
    public bool IsPublic { get; }

    /// <summary>The module-relative start address.</summary>
    public ulong Address { get; }

    /// <summary>The FUNC size in bytes; null for a PUBLIC record.</summary>
    public uint? Size => IsPublic ? null : _size;

    /// <summary>Bytes of parameters the function pops, as the record states it.</summary>
    public uint ParameterSize { get; }

    /// <summary>The <c>m</c> marker: several functions share this code (identical code folding).</summary>
    public bool IsMultiple => (_flags & RecordFlags.Multiple) != 0;

    /// <summary>The name (decoded on each call: a new string).</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public string Name
    {
        get
        {
            var core = Source.Enter();
            try
            {
                return core.DecodeString(_name);
            }
            finally
            {
                Source.Exit();
            }
        }
    }

    /// <summary>The name as UTF-8: a span into the index, valid while the reference this was obtained through is held.</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default</c>.</exception>
    public ReadOnlySpan<byte> NameUtf8
    {
        get
        {
            var core = Source.Enter();
            try
            {
                return core.StringBytes(_name);
            }
            finally
            {
                Source.Exit();
            }
        }
    }

    /// <summary>The FUNC record's index (for a result's line and inline data).</summary>
    internal int Record { get; }

    private SymbolIndexReference Source => ThrowHelper.RequireSource(_source, "function");
}
