namespace Obs.Symbolication;

/// <summary>Why a thread's stack has the frames it has (rust-minidump's <c>CallStackInfo</c>).</summary>
public enum ThreadWalkStatus
{
    /// <summary>The stack was walked.</summary>
    Ok,

    /// <summary>The thread has no readable CPU context: no frames.</summary>
    MissingContext,

    /// <summary>The thread has no stack memory: only the context frame.</summary>
    MissingMemory,

    /// <summary>The CPU has no unwinder: only the context frame.</summary>
    UnsupportedCpu,

    /// <summary>The thread wrote the dump, so its stack is the dump writer's own: no frames.</summary>
    DumpThreadSkipped,
}

/// <summary>One thread's walked stack.</summary>
public sealed class WalkedThread
{
    internal WalkedThread(uint threadId, string? threadName, string? lastErrorValue, ThreadWalkStatus status, IReadOnlyList<StackFrame> frames)
    {
        ThreadId = threadId;
        ThreadName = threadName;
        LastErrorValue = lastErrorValue;
        Status = status;
        Frames = frames;
    }

    /// <summary>The operating system's thread id.</summary>
    public uint ThreadId { get; }

    /// <summary>The thread's name, from the ThreadNames stream.</summary>
    public string? ThreadName { get; }

    /// <summary>The thread's last Win32 error, by name (<c>ERROR_…</c>), when the dump records it.</summary>
    public string? LastErrorValue { get; }

    /// <summary>Why the stack has the frames it has.</summary>
    public ThreadWalkStatus Status { get; }

    /// <summary>The frames, innermost (the context frame) first.</summary>
    public IReadOnlyList<StackFrame> Frames { get; internal set; }
}
