using Obs.Minidump;
using Obs.SymbolFiles;

namespace Obs.Symbolication;

/// <summary>
/// The symbols of one loaded module during one walk: the index to look addresses up in, or none
/// (no symbols found, or symbols that are corrupt and not to be used).
/// </summary>
internal sealed class ModuleSymbols
{
    public static readonly ModuleSymbols None = new(null);

    public ModuleSymbols(SymbolIndexReference? index) => Index = index;

    /// <summary>The index to use, or null when the module has no usable symbols.</summary>
    public SymbolIndexReference? Index { get; }

    /// <summary>
    /// Fills the frame's function, source position and inlined calls from the symbols at its
    /// instruction, as rust-minidump's <c>fill_symbol</c> does.
    /// </summary>
    public void Fill(StackFrame frame, MinidumpModule module)
    {
        if (Index is null || !Index.TryLookup(frame.Instruction - module.BaseAddress, out var hit))
        {
            return;
        }

        var function = hit.Function;
        frame.FunctionName = function.Name;
        frame.FunctionBase = function.Address + module.BaseAddress;
        if (hit.IsFromPublic)
        {
            frame.ParameterSize = function.ParameterSize;
            return;
        }

        // A FUNC's own parameter size is less reliable than its STACK WIN record's, and the STACK
        // WIN unwinding of the next frame depends on it (rust-minidump's fill_symbol prefers it too).
        frame.ParameterSize = Index.TryGetParameterSize(frame.Instruction - module.BaseAddress, out var parameterSize)
            ? parameterSize
            : function.ParameterSize;

        // The outer position is the call site of the outermost inlined call when inlined code
        // covers the address; its base is then the function's start, as rust-minidump's
        // get_outermost_sourceloc gives it. A position whose file is unknown is left out whole.
        if (hit.File is { } file)
        {
            frame.SourceFile = file;
            frame.SourceLine = hit.Line;
            frame.SourceLineBase = hit.InlineFrameCount > 0
                ? function.Address + module.BaseAddress
                : hit.LineAddress is { } lineAddress ? lineAddress + module.BaseAddress : null;
        }

        if (hit.InlineFrameCount > 0)
        {
            var inlines = new InlineFrame[hit.InlineFrameCount];
            var i = 0;
            foreach (var inline in hit.InlineFrames)
            {
                inlines[i++] = new InlineFrame(inline.Name, inline.File, inline.Line);
            }

            frame.Inlines = inlines;
        }
    }

    /// <summary>
    /// Whether a FUNC or PUBLIC with a non-empty name covers <paramref name="address"/>: the stack
    /// scanner's test of a candidate return address in a module that has symbols.
    /// </summary>
    public bool HasFunctionAt(ulong address, MinidumpModule module) =>
        Index is not null && Index.TryFindFunction(address - module.BaseAddress, out var function) && !function.NameUtf8.IsEmpty;
}
