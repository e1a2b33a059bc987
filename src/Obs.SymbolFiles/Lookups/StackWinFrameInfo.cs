using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

/// <summary>The kind of a STACK WIN record.</summary>
public enum StackWinFrameType
{
    /// <summary>Type 0: frame-pointer-omission data (no program string).</summary>
    Fpo = 0,

    /// <summary>Type 4: FrameData with a postfix program string.</summary>
    FrameData = 4,
}

/// <summary>A STACK WIN record (see <see cref="SymbolIndex.TryFindStackWin"/>).</summary>
public readonly struct StackWinFrameInfo
{
    private readonly SymbolIndex? _index;
    private readonly StackWinRecord _record;

    internal StackWinFrameInfo(SymbolIndex index, in StackWinRecord record)
    {
        _index = index;
        _record = record;
    }

    /// <summary>FrameData (with a program) or FPO.</summary>
    public StackWinFrameType Type => (StackWinFrameType)_record.Type;

    /// <summary>Start of the range.</summary>
    public ulong Address => _record.Address;

    /// <summary>Size of the range (possibly cut short where the next record starts).</summary>
    public uint Size => _record.Size;

    /// <summary>Bytes of prologue.</summary>
    public uint PrologueSize => _record.PrologueSize;

    /// <summary>Bytes of epilogue.</summary>
    public uint EpilogueSize => _record.EpilogueSize;

    /// <summary>Bytes of parameters.</summary>
    public uint ParameterSize => _record.ParameterSize;

    /// <summary>Bytes of saved registers.</summary>
    public uint SavedRegisterSize => _record.SavedRegisterSize;

    /// <summary>Bytes of locals.</summary>
    public uint LocalSize => _record.LocalSize;

    /// <summary>Maximum bytes pushed on the stack.</summary>
    public uint MaxStackSize => _record.MaxStackSize;

    /// <summary>FPO only: the function uses EBP as a general register (it saved the caller's EBP).</summary>
    public bool AllocatesBasePointer => _record.AllocatesBasePointer != 0;

    /// <summary>FrameData only: the program string as UTF-8 (empty for FPO). Valid while the index is reachable.</summary>
    public ReadOnlySpan<byte> ProgramStringUtf8 =>
        _index is null || _record.HasProgramString == 0 ? default : _index.StringBytes(_record.ProgramString);

    /// <summary>FrameData only: the program string, or null for FPO.</summary>
    public string? GetProgramString() =>
        _index is null || _record.HasProgramString == 0 ? null : _index.DecodeString(_record.ProgramString);
}
