namespace Obs.SymbolFiles;

/// <summary>
/// The values a STACK WIN FrameData program may read before assigning anything: the callee's
/// registers and the sizes from the STACK WIN record.
/// </summary>
/// <remarks>
/// The <c>.raSearch</c> and <c>.raSearchStart</c> variables both read
/// <see cref="RaSearchStart"/>; <see cref="StackWinEvaluator.DefaultRaSearchStart"/> computes the
/// value rust-minidump uses. Breakpad additionally scans the stack for a plausible return
/// address from there; that refinement belongs to the unwinder, which can pass the scanned
/// address here instead.
/// </remarks>
public readonly struct StackWinSeed
{
    /// <summary>The callee's <c>$esp</c>.</summary>
    public uint Esp { get; init; }

    /// <summary>The callee's <c>$ebp</c>.</summary>
    public uint Ebp { get; init; }

    /// <summary>The callee's <c>$ebx</c>, or <see langword="null"/> when it is not known (reading it then fails).</summary>
    public uint? Ebx { get; init; }

    /// <summary><c>.cbParams</c>: the parameter size of the STACK WIN record.</summary>
    public uint CbParams { get; init; }

    /// <summary>
    /// <c>.cbCalleeParams</c>: the parameter size of the function the callee frame called (the
    /// frame below it), or 0 for the innermost frame.
    /// </summary>
    public uint CbCalleeParams { get; init; }

    /// <summary><c>.cbSavedRegs</c>: the saved-register size of the STACK WIN record.</summary>
    public uint CbSavedRegs { get; init; }

    /// <summary><c>.cbLocals</c>: the local-variable size of the STACK WIN record.</summary>
    public uint CbLocals { get; init; }

    /// <summary>The value of both <c>.raSearch</c> and <c>.raSearchStart</c>: where the return address is expected.</summary>
    public uint RaSearchStart { get; init; }
}
