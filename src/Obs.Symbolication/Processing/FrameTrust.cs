namespace Obs.Symbolication;

/// <summary>How a frame's instruction pointer was found, from most to least trusted in reverse order (rust-minidump's <c>FrameTrust</c>).</summary>
public enum FrameTrust
{
    /// <summary>Unknown (<c>non</c> in the JSON, rust-minidump's spelling).</summary>
    None,

    /// <summary>Found by scanning the stack for a value that looks like a return address (<c>scan</c>).</summary>
    Scan,

    /// <summary>Found by scanning the stack with call frame information (<c>cfi_scan</c>); never produced.</summary>
    CfiScan,

    /// <summary>Recovered from the callee's frame pointer (<c>frame_pointer</c>).</summary>
    FramePointer,

    /// <summary>Recovered by STACK CFI or STACK WIN records (<c>cfi</c>).</summary>
    CallFrameInfo,

    /// <summary>Given by an external stack walker (<c>prewalked</c>); never produced.</summary>
    PreWalked,

    /// <summary>The instruction pointer of the thread's context (<c>context</c>).</summary>
    Context,
}

/// <summary>The names minidump-stackwalk gives each <see cref="FrameTrust"/>.</summary>
public static class FrameTrustNames
{
    /// <summary>The JSON name: <c>context</c>, <c>cfi</c>, <c>frame_pointer</c>, <c>scan</c>, …</summary>
    public static string ToJsonName(this FrameTrust trust) => trust switch
    {
        FrameTrust.Context => "context",
        FrameTrust.PreWalked => "prewalked",
        FrameTrust.CallFrameInfo => "cfi",
        FrameTrust.CfiScan => "cfi_scan",
        FrameTrust.FramePointer => "frame_pointer",
        FrameTrust.Scan => "scan",
        _ => "non",
    };

    /// <summary>The human report's description (<c>Found by: …</c>).</summary>
    public static string ToDescription(this FrameTrust trust) => trust switch
    {
        FrameTrust.Context => "given as instruction pointer in context",
        FrameTrust.PreWalked => "recovered by external stack walker",
        FrameTrust.CallFrameInfo => "call frame info",
        FrameTrust.CfiScan => "call frame info with scanning",
        FrameTrust.FramePointer => "previous frame's frame pointer",
        FrameTrust.Scan => "stack scanning",
        _ => "unknown",
    };
}
