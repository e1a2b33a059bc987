using Obs.Minidump;

namespace Obs.Symbolication.Unwinding;

/// <summary>
/// Finds a frame's caller for one CPU, trying call frame information (STACK WIN, STACK CFI), then
/// the frame pointer, then stack scanning, as rust-minidump's per-CPU walkers do.
/// </summary>
internal abstract class Unwinder
{
    /// <summary>
    /// The caller of <see cref="UnwindRequest.Callee"/>, with its <see cref="StackFrame.Instruction"/>
    /// already moved into the call instruction; null when the walk ends here.
    /// </summary>
    public abstract ValueTask<StackFrame?> GetCallerFrameAsync(UnwindRequest request);

    /// <summary>The unwinder for a CPU, or null when it has none (the walk keeps the context frame only).</summary>
    public static Unwinder? For(MinidumpCpu cpu) => cpu switch
    {
        _ => null,
    };

    /// <summary>
    /// Whether a candidate return address found by scanning may be one: the address before it
    /// must lie in a loaded module and, when that module has symbols, inside a named FUNC or
    /// PUBLIC (rust-minidump's <c>instruction_seems_valid_by_symbols</c>). Looking at the
    /// address before it keeps a call to a function that never returns, placed at the very end
    /// of its caller, valid.
    /// </summary>
    protected static async ValueTask<bool> InstructionSeemsValidBySymbolsAsync(ulong instruction, UnwindRequest request)
    {
        var address = instruction == 0 ? 0 : instruction - 1;
        if (address == 0 || request.Modules.FindModule(address) is not { } module)
        {
            return false;
        }

        var symbols = await request.Symbols.GetAsync(module, request.CancellationToken).ConfigureAwait(false);
        return symbols.Index is null || symbols.HasFunctionAt(address, module);
    }
}
