using Obs.Minidump;

namespace Obs.Symbolication.Unwinding;

/// <summary>
/// Finds a frame's caller for one CPU, trying call frame information (STACK WIN, STACK CFI), then
/// the frame pointer, then stack scanning, as rust-minidump's per-CPU walkers do.
/// </summary>
internal abstract class Unwinder
{
    /// <summary>An instruction pointer below this is a null pointer in disguise: the walk is over.</summary>
    private const ulong LowestInstruction = 4096;

    /// <summary>The words scanned for a return address after a frame that was itself a guess.</summary>
    private const int ShortScanWords = 40;

    /// <summary>
    /// The words scanned after the context frame (which Breakpad found can be badly off) or a frame
    /// recovered from call frame information (where JIT frames without unwind data may follow).
    /// </summary>
    private const int LongScanWords = ShortScanWords * 4;

    /// <summary>
    /// The largest gap a frame pointer recovered after a scan may have to its return address
    /// (x86 and amd64 alike): 99.5% of frames in common libraries are smaller.
    /// </summary>
    private protected const ulong MaxReasonableGapBetweenFrames = 128 * 1024;

    private static readonly Unwinder X86 = new X86Unwinder();
    private static readonly Unwinder Amd64 = new Amd64Unwinder();
    private static readonly Unwinder Arm = new ArmUnwinder();
    private static readonly Unwinder Arm64 = new Arm64Unwinder();

    private protected Unwinder(RegisterLayout layout, int returnAddressAdjustment, ulong calleeSaved)
    {
        Layout = layout;
        ReturnAddressAdjustment = returnAddressAdjustment;
        CalleeSaved = calleeSaved;
    }

    /// <summary>The registers this unwinder reads and writes.</summary>
    private protected RegisterLayout Layout { get; }

    /// <summary>The registers a called function preserves on this CPU, which a caller inherits from its callee.</summary>
    private protected ulong CalleeSaved { get; }

    private protected int PointerSize => Layout.PointerSize;

    /// <summary>
    /// What is subtracted from a return address to land inside the call instruction: the length of
    /// the shortest call (one byte on x86 and amd64, a Thumb instruction on ARM, one instruction on
    /// ARM64).
    /// </summary>
    private int ReturnAddressAdjustment { get; }

    /// <summary>The unwinder for a CPU, or null when it has none (the walk keeps the context frame only).</summary>
    /// <remarks>Both ARM64 context layouts (the current one and Breakpad's old one) share one unwinder: their registers are the same.</remarks>
    public static Unwinder? For(MinidumpCpu cpu) => cpu switch
    {
        MinidumpCpu.X86 => X86,
        MinidumpCpu.Amd64 => Amd64,
        MinidumpCpu.Arm => Arm,
        MinidumpCpu.Arm64 => Arm64,
        _ => null,
    };

    /// <summary>
    /// The caller of <see cref="UnwindRequest.Callee"/>, with its <see cref="StackFrame.Instruction"/>
    /// already moved into the call instruction; null when the walk ends here.
    /// </summary>
    public async ValueTask<StackFrame?> GetCallerFrameAsync(UnwindRequest request)
    {
        if (request.Callee.Registers.Layout != Layout)
        {
            return null;
        }

        var caller = await GetCallerByCallFrameInfoAsync(request).ConfigureAwait(false)
            ?? GetCallerByFramePointer(request)
            ?? await GetCallerByScanAsync(request).ConfigureAwait(false);
        if (caller is null)
        {
            return null;
        }

        var returnAddress = caller.Registers.InstructionPointer;
        if (returnAddress < LowestInstruction || !StackPointerAdvanced(request, caller))
        {
            return null;
        }

        // The return address is the instruction after the call; the call itself is what the
        // caller was executing, and its line and CFI are the ones that apply.
        caller.Instruction = returnAddress - (ulong)ReturnAddressAdjustment;
        return caller;
    }

    /// <summary>The caller recovered from the module's STACK WIN or STACK CFI records, or null.</summary>
    private protected virtual async ValueTask<StackFrame?> GetCallerByCallFrameInfoAsync(UnwindRequest request)
    {
        if (!request.Callee.Registers.IsValid(Layout.StackPointer))
        {
            return null;
        }

        var caller = await CallFrameInfo.UnwindAsync(request, CalleeSaved).ConfigureAwait(false);
        return caller is null ? null : new StackFrame(caller, FrameTrust.CallFrameInfo);
    }

    /// <summary>The caller recovered from the callee's frame pointer, or null.</summary>
    private protected abstract StackFrame? GetCallerByFramePointer(UnwindRequest request);

    /// <summary>
    /// The caller found by scanning the stack for a plausible return address, or null: its
    /// instruction pointer is the value found, its stack pointer is just above it, and its frame
    /// pointer is what <see cref="RecoverFramePointerAfterScan"/> finds, if anything.
    /// </summary>
    private async ValueTask<StackFrame?> GetCallerByScanAsync(UnwindRequest request)
    {
        if (!request.Callee.Registers.TryGet(Layout.StackPointer, out var stackPointer)
            || await ScanForReturnAddressAsync(request, stackPointer).ConfigureAwait(false) is not { } hit)
        {
            return null;
        }

        // The scan only accepts a slot with room for a whole word above it.
        var callerStackPointer = hit.Address + (ulong)PointerSize;
        var caller = NewCallerRegisters();
        caller.Set(Layout.InstructionPointer, hit.ReturnAddress);
        caller.Set(Layout.StackPointer, callerStackPointer);
        if (RecoverFramePointerAfterScan(request, hit, callerStackPointer) is { } framePointer)
        {
            caller.Set(Layout.FramePointer, framePointer);
        }

        return new StackFrame(caller, FrameTrust.Scan);
    }

    /// <summary>
    /// The caller's frame pointer after a scan found its return address, or null to leave it
    /// unknown, which is what ARM and ARM64 do (as Breakpad).
    /// </summary>
    private protected virtual ulong? RecoverFramePointerAfterScan(UnwindRequest request, ScanHit hit, ulong callerStackPointer) => null;

    /// <summary>
    /// Whether the caller's stack pointer moved the way the stack unwinds (towards higher
    /// addresses). Demanding progress is what guarantees every walk ends.
    /// </summary>
    private protected virtual bool StackPointerAdvanced(UnwindRequest request, StackFrame caller) =>
        caller.Registers.StackPointer > request.Callee.Registers.StackPointer;

    /// <summary>
    /// A cheap test a scanned value must pass before its symbols are consulted (non-null, or a
    /// canonical user-space address on 64-bit CPUs).
    /// </summary>
    private protected abstract bool IsPlausibleReturnAddress(ulong value);

    /// <summary>
    /// Scans upwards from <paramref name="stackPointer"/> for the first pointer-sized value that
    /// looks like a return address: 160 words after the context frame or a CFI frame, else 40.
    /// Unreadable memory, or an address that would overflow the pointer width, ends the scan.
    /// </summary>
    private async ValueTask<ScanHit?> ScanForReturnAddressAsync(UnwindRequest request, ulong stackPointer)
    {
        var words = request.Callee.Trust is FrameTrust.Context or FrameTrust.CallFrameInfo ? LongScanWords : ShortScanWords;
        var size = (ulong)PointerSize;
        var highest = PointerSize == 4 ? uint.MaxValue : ulong.MaxValue;
        for (var i = 0; i < words; i++)
        {
            var offset = (ulong)i * size;
            if (stackPointer > highest || offset > highest - stackPointer)
            {
                return null;
            }

            var slot = stackPointer + offset;
            if (!request.Stack.TryReadPointer(slot, PointerSize, out var candidate))
            {
                return null;
            }

            if (IsPlausibleReturnAddress(candidate) && await InstructionSeemsValidBySymbolsAsync(candidate, request).ConfigureAwait(false))
            {
                // The return address was pushed by the call, so the caller's stack pointer is just above it.
                return size > highest - slot ? null : new ScanHit(i, slot, candidate);
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a candidate return address found by scanning may be one: the address before it
    /// must lie in a loaded module and, when that module has symbols, inside a named FUNC or
    /// PUBLIC (rust-minidump's <c>instruction_seems_valid_by_symbols</c>). Looking at the
    /// address before it keeps a call to a function that never returns, placed at the very end
    /// of its caller, valid.
    /// </summary>
    private static async ValueTask<bool> InstructionSeemsValidBySymbolsAsync(ulong instruction, UnwindRequest request)
    {
        var address = instruction == 0 ? 0 : instruction - 1;
        if (address == 0 || request.Modules.FindModule(address) is not { } module)
        {
            return false;
        }

        var symbols = await request.Symbols.GetAsync(module, request.CancellationToken).ConfigureAwait(false);
        return symbols.Index is null || symbols.HasFunctionAt(address, module);
    }

    /// <summary>Registers for a caller frame, none of them valid yet.</summary>
    private protected FrameRegisters NewCallerRegisters() => new(Layout);

    /// <summary>A value a scan accepted as a return address.</summary>
    /// <param name="Index">How many words above the stack pointer it was found.</param>
    /// <param name="Address">Where it is stored.</param>
    /// <param name="ReturnAddress">The value.</param>
    private protected readonly record struct ScanHit(int Index, ulong Address, ulong ReturnAddress);
}
