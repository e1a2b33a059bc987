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

/// <summary>
/// A STACK WIN record (see <see cref="SymbolIndexReference.TryFindStackWin"/>). Its program is valid
/// while the reference it was obtained through is held.
/// </summary>
public readonly struct StackWinFrameInfo
{
    private readonly SymbolIndexReference? _source;
    private readonly StackWinRecord _record;

    internal StackWinFrameInfo(SymbolIndexReference source, in StackWinRecord record)
    {
        _source = source;
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

    /// <summary>FrameData only: the program string as UTF-8 (empty for FPO): a span into the index, valid while the reference this was obtained through is held.</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    public ReadOnlySpan<byte> ProgramStringUtf8
    {
        get
        {
            if (_source is null || _record.HasProgramString == 0)
            {
                return default;
            }

            var core = _source.Enter();
            try
            {
                return core.StringBytes(_record.ProgramString);
            }
            finally
            {
                _source.Exit();
            }
        }
    }

    /// <summary>FrameData only: the program string (decoded on each call: a new string), or null for FPO.</summary>
    /// <exception cref="ObjectDisposedException">The reference this was obtained through has been disposed.</exception>
    public string? ProgramString
    {
        get
        {
            if (_source is null || _record.HasProgramString == 0)
            {
                return null;
            }

            var core = _source.Enter();
            try
            {
                return core.DecodeString(_record.ProgramString);
            }
            finally
            {
                _source.Exit();
            }
        }
    }
}
