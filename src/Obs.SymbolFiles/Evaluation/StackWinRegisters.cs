namespace Obs.SymbolFiles;

/// <summary>The caller registers a STACK WIN FrameData program can produce.</summary>
[Flags]
public enum StackWinRegisterSet
{
    /// <summary>No register.</summary>
    None = 0,

    /// <summary><c>$eip</c>, the return address.</summary>
    Eip = 1 << 0,

    /// <summary><c>$esp</c>.</summary>
    Esp = 1 << 1,

    /// <summary><c>$ebp</c>.</summary>
    Ebp = 1 << 2,

    /// <summary><c>$ebx</c>.</summary>
    Ebx = 1 << 3,

    /// <summary><c>$esi</c>.</summary>
    Esi = 1 << 4,

    /// <summary><c>$edi</c>.</summary>
    Edi = 1 << 5,
}

/// <summary>
/// The values of <c>$eip $esp $ebp $ebx $esi $edi</c> after a STACK WIN FrameData program ran.
/// </summary>
/// <remarks>
/// <see cref="Assigned"/> lists the registers the program wrote. <see cref="Defined"/> adds the
/// seeded callee values the program left alone (<c>$esp</c>, <c>$ebp</c>, and <c>$ebx</c> when it
/// was seeded): rust-minidump passes those to the caller frame unchanged, Breakpad forwards only
/// the callee-saved ones. The value of a register that is not in <see cref="Defined"/> is 0.
/// </remarks>
public readonly struct StackWinRegisters
{
    internal StackWinRegisters(
        uint eip, uint esp, uint ebp, uint ebx, uint esi, uint edi, StackWinRegisterSet defined, StackWinRegisterSet assigned)
    {
        Eip = eip;
        Esp = esp;
        Ebp = ebp;
        Ebx = ebx;
        Esi = esi;
        Edi = edi;
        Defined = defined;
        Assigned = assigned;
    }

    /// <summary><c>$eip</c>: the return address into the caller.</summary>
    public uint Eip { get; }

    /// <summary><c>$esp</c> of the caller.</summary>
    public uint Esp { get; }

    /// <summary><c>$ebp</c> of the caller.</summary>
    public uint Ebp { get; }

    /// <summary><c>$ebx</c> of the caller.</summary>
    public uint Ebx { get; }

    /// <summary><c>$esi</c> of the caller.</summary>
    public uint Esi { get; }

    /// <summary><c>$edi</c> of the caller.</summary>
    public uint Edi { get; }

    /// <summary>The registers that have a value: assigned by the program or seeded and left alone.</summary>
    public StackWinRegisterSet Defined { get; }

    /// <summary>The registers the program assigned.</summary>
    public StackWinRegisterSet Assigned { get; }
}
