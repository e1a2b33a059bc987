using Obs.Minidump;

namespace Obs.Symbolication;

/// <summary>
/// One frame of a walked stack: where it executes, how it was found, its registers, and what the
/// module's symbols say about the address (function, source line, inlined calls).
/// </summary>
public sealed class StackFrame
{
    internal StackFrame(FrameRegisters registers, FrameTrust trust)
    {
        Registers = registers;
        Trust = trust;
        Instruction = registers.InstructionPointer;
        ResumeAddress = registers.InstructionPointer;
    }

    /// <summary>
    /// The address looked up for this frame: the context's instruction pointer for the first frame;
    /// for callers, an address inside the call instruction (the return address minus 1 on x86 and
    /// amd64, 2 on ARM, 4 on ARM64), so that the call's own line is found.
    /// </summary>
    public ulong Instruction { get; internal set; }

    /// <summary>Where this frame resumes when its callee returns: the return address (equal to <see cref="Instruction"/> for the first frame).</summary>
    public ulong ResumeAddress { get; }

    /// <summary>How the frame was found.</summary>
    public FrameTrust Trust { get; }

    /// <summary>The frame's registers; for callers only those the unwinder recovered are valid.</summary>
    public FrameRegisters Registers { get; }

    /// <summary>The loaded module that contains <see cref="Instruction"/>, if any.</summary>
    public MinidumpModule? Module { get; internal set; }

    /// <summary>When no loaded module contains the address: the unloaded modules that did, by name, with the offsets in each (sorted, distinct).</summary>
    public IReadOnlyList<UnloadedModuleOffsets> UnloadedModules { get; internal set; } = [];

    /// <summary>The function (FUNC or PUBLIC) that contains the address, when the module has symbols.</summary>
    public string? FunctionName { get; internal set; }

    /// <summary>The absolute address where <see cref="FunctionName"/> starts.</summary>
    public ulong? FunctionBase { get; internal set; }

    /// <summary>The function's parameter size in bytes, which STACK WIN unwinding of its caller uses.</summary>
    public uint? ParameterSize { get; internal set; }

    /// <summary>The source file of the address (for inlined code: the file of the outermost call site).</summary>
    public string? SourceFile { get; internal set; }

    /// <summary>The source line of the address (for inlined code: the line of the outermost call site).</summary>
    public uint? SourceLine { get; internal set; }

    /// <summary>The absolute address where the line record of <see cref="SourceLine"/> starts.</summary>
    public ulong? SourceLineBase { get; internal set; }

    /// <summary>The inlined calls at the address, innermost (deepest callee) first.</summary>
    public IReadOnlyList<InlineFrame> Inlines { get; internal set; } = [];
}

/// <summary>A function inlined at a frame's address: its name, and the source position inside it.</summary>
/// <param name="FunctionName">The inlined function's name (from INLINE_ORIGIN).</param>
/// <param name="SourceFile">The source file inside that function, if known.</param>
/// <param name="SourceLine">The source line inside that function, if known.</param>
public sealed record InlineFrame(string FunctionName, string? SourceFile, uint? SourceLine);

/// <summary>An unloaded module that contained a frame's address, and the frame's offsets in it.</summary>
/// <param name="ModuleName">The unloaded module's name, as the dump records it.</param>
/// <param name="Offsets">The address minus each base the module was unloaded from, sorted and distinct.</param>
public sealed record UnloadedModuleOffsets(string ModuleName, IReadOnlyList<ulong> Offsets);
