using Obs.SymbolFiles;

namespace Obs.Symbolication.Unwinding;

/// <summary>
/// The frame <see cref="CfiEvaluator"/> evaluates STACK CFI rules against: the callee's registers
/// and stack memory to read from, and the caller's registers to write the recovered values to.
/// </summary>
internal struct CfiFrameContext : ICfiFrameContext
{
    private readonly FrameRegisters _callee;
    private readonly FrameRegisters _caller;
    private readonly StackMemory _stack;
    private readonly int _hiddenCalleeRegister;

    /// <param name="callee">The frame being unwound.</param>
    /// <param name="caller">Receives every register a rule recovers.</param>
    /// <param name="stack">The memory <c>^</c> reads.</param>
    /// <param name="hiddenCalleeRegister">A callee register the rules may not read (its value is a guess), or -1.</param>
    public CfiFrameContext(FrameRegisters callee, FrameRegisters caller, StackMemory stack, int hiddenCalleeRegister)
    {
        _callee = callee;
        _caller = caller;
        _stack = stack;
        _hiddenCalleeRegister = hiddenCalleeRegister;
    }

    /// <summary>The caller registers a rule other than <c>.cfa</c> and <c>.ra</c> set.</summary>
    public ulong RecoveredMask { get; private set; }

    public readonly int PointerSize => _callee.PointerSize;

    public readonly bool TryGetRegister(scoped ReadOnlySpan<byte> name, out ulong value)
    {
        var index = _callee.Layout.IndexOf(name);
        if (index < 0 || index == _hiddenCalleeRegister)
        {
            value = 0;
            return false;
        }

        return _callee.TryGet(index, out value);
    }

    public void SetCallerRegister(scoped ReadOnlySpan<byte> name, ulong value)
    {
        // A rule for a register this CPU's frames do not carry (a vector register, a typo) has
        // nowhere to go; the frame stays usable, as in rust-minidump.
        var index = _caller.Layout.IndexOf(name);
        if (index >= 0)
        {
            _caller.Set(index, value);
            RecoveredMask |= 1UL << index;
        }
    }

    public readonly bool TryReadUInt32(ulong address, out uint value) => _stack.TryReadUInt32(address, out value);

    public readonly bool TryReadUInt64(ulong address, out ulong value) => _stack.TryReadUInt64(address, out value);

    /// <summary>
    /// The registers that have a rule of their own in <paramref name="rules"/> (every <c>NAME:</c>
    /// but <c>.cfa:</c> and <c>.ra:</c>). A rule that fails to evaluate must not leave the callee's
    /// value forwarded in its place, so these are cleared unless their rule succeeded.
    /// </summary>
    public static ulong RuleTargets(ReadOnlySpan<byte> rules, RegisterLayout layout)
    {
        ulong mask = 0;
        var start = 0;
        for (var i = 0; i <= rules.Length; i++)
        {
            if (i < rules.Length && rules[i] is not ((byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                continue;
            }

            var token = rules[start..i];
            start = i + 1;
            if (token.Length < 2 || token[^1] != (byte)':')
            {
                continue;
            }

            var name = token[..^1];
            if (name[0] == (byte)'$')
            {
                name = name[1..];
            }

            var index = layout.IndexOf(name);
            if (index >= 0)
            {
                mask |= 1UL << index;
            }
        }

        return mask;
    }
}
