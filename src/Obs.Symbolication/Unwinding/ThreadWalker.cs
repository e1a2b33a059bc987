namespace Obs.Symbolication.Unwinding;

/// <summary>
/// Walks one thread's stack: symbolicates the newest frame, asks the CPU's unwinder for its
/// caller, and repeats until the unwinder gives none (rust-minidump's <c>walk_stack</c>).
/// </summary>
internal static class ThreadWalker
{
    /// <summary>Frames a walk may have beyond one per stack slot: leaves that return through a link register push nothing.</summary>
    private const ulong FramesWithoutStackSlot = 16;

    /// <summary>
    /// Extends <paramref name="frames"/>, which holds the context frame, with every caller found.
    /// Without stack memory or an unwinder only the context frame is symbolicated.
    /// </summary>
    public static async ValueTask WalkAsync(List<StackFrame> frames, StackMemory? stack, Unwinder? unwinder, WalkEnvironment environment)
    {
        // Every real frame but a leaf occupies at least one pointer-sized slot of the stack (a
        // return address, a saved link register). The unwinders only demand that the stack
        // pointer grows, which hostile CFI can make it do a byte at a time; this bounds such a
        // walk, and its memory, by the stack's size without cutting a real one short.
        var budget = stack is { } region
            ? (region.EndAddress - region.BaseAddress) / (ulong)frames[0].Registers.PointerSize + FramesWithoutStackSlot
            : 1;
        while (true)
        {
            environment.CancellationToken.ThrowIfCancellationRequested();
            await SymbolicateAsync(frames[^1], environment).ConfigureAwait(false);
            if (stack is not { } memory || unwinder is null || (ulong)frames.Count >= budget)
            {
                return;
            }

            var request = new UnwindRequest(frames, memory, environment.Modules, environment.System,
                environment.Symbols, environment.CancellationToken);
            var caller = await unwinder.GetCallerFrameAsync(request).ConfigureAwait(false);
            if (caller is null)
            {
                return;
            }

            frames.Add(caller);

            // Every unwinder makes the stack pointer grow. A frame whose stack pointer has left the
            // stack memory has nothing above it to read, so it is the last one; this also ends
            // walks driven by rules that never read memory.
            if (caller.Registers.StackPointer > memory.EndAddress)
            {
                await SymbolicateAsync(caller, environment).ConfigureAwait(false);
                return;
            }
        }
    }

    private static async ValueTask SymbolicateAsync(StackFrame frame, WalkEnvironment environment)
    {
        if (environment.Modules.FindModule(frame.Instruction) is not { } module)
        {
            return;
        }

        frame.Module = module;
        var symbols = await environment.Symbols.GetAsync(module, environment.CancellationToken).ConfigureAwait(false);
        symbols.Fill(frame, module);
    }
}

/// <summary>What every thread's walk of one dump shares.</summary>
internal sealed record WalkEnvironment(LoadedModules Modules, SystemSummary System, SymbolResolver Symbols,
    CancellationToken CancellationToken);
