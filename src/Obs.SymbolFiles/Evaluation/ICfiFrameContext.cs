namespace Obs.SymbolFiles;

/// <summary>
/// What <see cref="CfiEvaluator"/> needs from an unwinder for one frame: the callee's registers,
/// its memory, and a place to put the caller registers the rules recover.
/// </summary>
/// <remarks>
/// Register names are passed as ASCII bytes without the <c>$</c> prefix that some rules carry
/// (<c>$esp</c> and <c>esp</c> name the same register), as rust-minidump does on every
/// architecture.
/// </remarks>
public interface ICfiFrameContext : IUnwindMemory
{
    /// <summary>
    /// The pointer size of the architecture in bytes: 4 (arithmetic wraps at 32 bits and
    /// <c>^</c> reads 32-bit values) or 8 (64 bits).
    /// </summary>
    int PointerSize { get; }

    /// <summary>Gets the value of a register in the callee frame (the frame being unwound).</summary>
    /// <param name="name">The register name without <c>$</c>, for example <c>rsp</c>.</param>
    /// <param name="value">The register value.</param>
    /// <returns><see langword="false"/> when the register is unknown or its value is not available.</returns>
    bool TryGetRegister(scoped ReadOnlySpan<byte> name, out ulong value);

    /// <summary>
    /// Receives a register of the caller frame recovered by a rule other than <c>.cfa</c> and
    /// <c>.ra</c>. Called only when the whole evaluation succeeds, once per recovered register.
    /// </summary>
    /// <param name="name">The register name without <c>$</c>, for example <c>rbx</c>.</param>
    /// <param name="value">The recovered value, already wrapped to <see cref="PointerSize"/>.</param>
    void SetCallerRegister(scoped ReadOnlySpan<byte> name, ulong value);
}
