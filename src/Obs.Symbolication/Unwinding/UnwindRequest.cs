
namespace Obs.Symbolication.Unwinding;

/// <summary>
/// Everything an unwinder may use to find the caller of <see cref="Callee"/> (rust-minidump's
/// <c>GetCallerFrameArgs</c>).
/// </summary>
internal sealed class UnwindRequest
{
    public UnwindRequest(IReadOnlyList<StackFrame> frames, StackMemory stack, LoadedModules modules,
        SystemSummary system, SymbolResolver symbols, CancellationToken cancellationToken)
    {
        Frames = frames;
        Callee = frames[^1];
        GrandCallee = frames.Count >= 2 ? frames[^2] : null;
        Stack = stack;
        Modules = modules;
        System = system;
        Symbols = symbols;
        CancellationToken = cancellationToken;
    }

    /// <summary>The frames walked so far, the context frame first and <see cref="Callee"/> last.</summary>
    public IReadOnlyList<StackFrame> Frames { get; }

    /// <summary>The frame whose caller is wanted (already symbolicated).</summary>
    public StackFrame Callee { get; }

    /// <summary>The frame <see cref="Callee"/> called, if any (STACK WIN needs its parameter size).</summary>
    public StackFrame? GrandCallee { get; }

    /// <summary>The thread's stack memory.</summary>
    public StackMemory Stack { get; }

    /// <summary>The loaded modules.</summary>
    public LoadedModules Modules { get; }

    /// <summary>The OS and CPU (some rules are per OS: Windows x64's frame-pointer scan, ARM frame pointers only on iOS).</summary>
    public SystemSummary System { get; }

    /// <summary>The walk's symbols.</summary>
    public SymbolResolver Symbols { get; }

    public CancellationToken CancellationToken { get; }
}
