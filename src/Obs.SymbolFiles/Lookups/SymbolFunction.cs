using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

/// <summary>A FUNC or PUBLIC record found by a lookup. Its name is decoded only on request.</summary>
public readonly struct SymbolFunction
{
    private readonly SymbolIndex? _index;
    private readonly int _record;

    internal SymbolFunction(SymbolIndex index, int record, bool isPublic)
    {
        _index = index;
        _record = record;
        IsPublic = isPublic;
    }

    /// <summary>True for a PUBLIC record (no size, lines or inline data), false for a FUNC record.</summary>
    public bool IsPublic { get; }

    /// <summary>The module-relative start address.</summary>
    public ulong Address => IsPublic ? PublicRecord.Address : FunctionRecord.Address;

    /// <summary>The FUNC size in bytes; null for a PUBLIC record.</summary>
    public uint? Size => IsPublic ? null : FunctionRecord.Size;

    /// <summary>Bytes of parameters the function pops, as the record states it.</summary>
    public uint ParameterSize => IsPublic ? PublicRecord.ParameterSize : FunctionRecord.ParameterSize;

    /// <summary>The <c>m</c> marker: several functions share this code (identical code folding).</summary>
    public bool IsMultiple => ((IsPublic ? PublicRecord.Flags : FunctionRecord.Flags) & RecordFlags.Multiple) != 0;

    /// <summary>The name as UTF-8, valid while the index is reachable.</summary>
    public ReadOnlySpan<byte> NameUtf8 => Index.StringBytes(NameRef);

    private SymbolIndex Index => _index ?? throw new InvalidOperationException("The function is empty (default).");

    private StringRef NameRef => IsPublic ? PublicRecord.Name : FunctionRecord.Name;

    private ref readonly FunctionRecord FunctionRecord => ref Index.View.Function(_record);

    private ref readonly PublicRecord PublicRecord => ref Index.Tables.Publics.Span[_record];

    /// <summary>Decodes the name (allocates a string).</summary>
    public string GetName() => Index.DecodeString(NameRef);

    internal ref readonly FunctionRecord Record => ref FunctionRecord;
}
