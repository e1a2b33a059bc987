namespace Obs.Symbolication.Unwinding;

/// <summary>
/// Walks one thread's stack: symbolicates the newest frame, asks the CPU's unwinder for its
/// caller, and repeats until the unwinder gives none (rust-minidump's <c>walk_stack</c>).
/// </summary>
internal static class ThreadWalker
{
    /// <summary>
    /// Extends <paramref name="frames"/>, which holds the context frame, with every caller found.
    /// Without stack memory or an unwinder only the context frame is symbolicated.
    /// </summary>
    public static async ValueTask WalkAsync(List<StackFrame> frames, StackMemory? stack, Unwinder? unwinder, WalkEnvironment environment)
    {
        while (true)
        {
            environment.CancellationToken.ThrowIfCancellationRequested();
            var callee = frames[^1];
            await SymbolicateAsync(callee, environment).ConfigureAwait(false);
            if (stack is not { } memory || unwinder is null)
            {
                return;
            }

            var grandCallee = frames.Count >= 2 ? frames[^2] : null;
            var request = new UnwindRequest(callee, grandCallee, memory, environment.Modules, environment.System,
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
