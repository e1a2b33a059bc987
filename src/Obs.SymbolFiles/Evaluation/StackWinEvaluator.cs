using System.Runtime.CompilerServices;

namespace Obs.SymbolFiles;

/// <summary>
/// Runs the program strings of Breakpad <c>STACK WIN 4</c> (FrameData) records, which recover an
/// x86 caller's registers from the callee's, for example
/// <c>$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =</c>.
/// </summary>
/// <remarks>
/// <para>
/// Tokens are separated by spaces. A token is a decimal literal (64-bit signed, wrapped to 32
/// bits), one of the operators <c>+ - * / % @ ^ =</c>, or a variable name. Arithmetic is
/// unsigned 32-bit and wraps; <c>^</c> reads a 32-bit value; <c>@</c> aligns down to a power of
/// two; <c>name value =</c> assigns, and only names starting with <c>$</c> can be assigned.
/// Names are resolved when an operator consumes them: first the variables the program assigned,
/// then the seeded <c>$esp $ebp $ebx .cbParams .cbCalleeParams .cbSavedRegs .cbLocals
/// .raSearch .raSearchStart</c> from <see cref="StackWinSeed"/>. A token <c>=X</c> counts as
/// <c>=</c> followed by <c>X</c>, because some MSVC-written programs lack that space. The
/// program must leave its stack empty.
/// </para>
/// <para>
/// Nothing is allocated on the heap and no exception is thrown for any program text: failures
/// are reported as <see cref="StackWinEvaluationStatus"/> values.
/// </para>
/// </remarks>
public static class StackWinEvaluator
{
    /// <summary>The number of distinct variables a program may assign.</summary>
    /// <remarks>Real programs assign at most eight or so (<c>$T0..$T2 $eip $esp $ebp $ebx $L $P</c>).</remarks>
    public const int MaxVariables = 32;

    /// <summary>The number of entries the program may have on its stack at once.</summary>
    public const int MaxStackDepth = 32;

    /// <summary>
    /// Evaluates a FrameData program.
    /// </summary>
    /// <typeparam name="TMemory">The memory reader; a struct (even a <see langword="ref"/> struct) avoids interface dispatch and boxing.</typeparam>
    /// <param name="program">The program string of the STACK WIN record, UTF-8 (ASCII in practice).</param>
    /// <param name="seed">The callee registers and record sizes the program may read.</param>
    /// <param name="memory">The process memory <c>^</c> reads from.</param>
    /// <param name="result">The six output registers; <see langword="default"/> unless the status is <see cref="StackWinEvaluationStatus.Success"/>.</param>
    /// <returns>
    /// <see cref="StackWinEvaluationStatus.Success"/> when the program ran to its end. Whether
    /// the frame is usable (typically: <c>$eip</c> and <c>$esp</c> assigned) is the caller's
    /// decision, made from <see cref="StackWinRegisters.Assigned"/>.
    /// </returns>
    [SkipLocalsInit]
    public static StackWinEvaluationStatus EvaluateFrameData<TMemory>(
        ReadOnlySpan<byte> program,
        in StackWinSeed seed,
        ref TMemory memory,
        out StackWinRegisters result)
        where TMemory : IUnwindMemory, allows ref struct
    {
        result = default;
        Span<Entry> stack = stackalloc Entry[MaxStackDepth];
        Span<Variable> variables = stackalloc Variable[MaxVariables];
        var depth = 0;
        var variableCount = 0;

        var position = 0;
        while (position < program.Length)
        {
            if (program[position] == (byte)'\n')
            {
                // Programs are one line; a newline is just another separator.
                position++;
                continue;
            }

            var token = PostfixSyntax.NextTokenInLine(program, ref position, out var tokenStart);
            if (token.IsEmpty)
            {
                continue;
            }

            if (token[0] == (byte)'=')
            {
                var assigned = Assign(program, seed, stack, ref depth, variables, ref variableCount);
                if (assigned != StackWinEvaluationStatus.Success)
                {
                    return assigned;
                }

                if (token.Length == 1)
                {
                    continue;
                }

                // "=X": the rest of the token is a token of its own.
                token = token[1..];
                tokenStart++;
                if (token[0] == (byte)'=')
                {
                    // "==" and the like: the second '=' has nothing to assign yet; reprocess it
                    // on the next turn of the loop by backing the position up to it.
                    position = tokenStart;
                    continue;
                }
            }

            uint value;
            if (PostfixSyntax.IsBinaryOperator(token))
            {
                if (depth < 2)
                {
                    return StackWinEvaluationStatus.StackUnderflow;
                }

                var status = Resolve(program, seed, stack[depth - 1], variables[..variableCount], out var right);
                if (status != StackWinEvaluationStatus.Success)
                {
                    return status;
                }

                status = Resolve(program, seed, stack[depth - 2], variables[..variableCount], out var left);
                if (status != StackWinEvaluationStatus.Success)
                {
                    return status;
                }

                var outcome = PostfixSyntax.Apply(token[0], left, right, uint.MaxValue, out var wide);
                if (outcome != PostfixSyntax.ArithmeticResult.Ok)
                {
                    return outcome == PostfixSyntax.ArithmeticResult.DivisionByZero
                        ? StackWinEvaluationStatus.DivisionByZero
                        : StackWinEvaluationStatus.InvalidAlignment;
                }

                depth--;
                stack[depth - 1] = Entry.ForValue((uint)wide);
                continue;
            }

            if (PostfixSyntax.IsDereference(token))
            {
                if (depth < 1)
                {
                    return StackWinEvaluationStatus.StackUnderflow;
                }

                var status = Resolve(program, seed, stack[depth - 1], variables[..variableCount], out var address);
                if (status != StackWinEvaluationStatus.Success)
                {
                    return status;
                }

                if (!memory.TryReadUInt32(address, out value))
                {
                    return StackWinEvaluationStatus.MemoryReadFailed;
                }

                stack[depth - 1] = Entry.ForValue(value);
                continue;
            }

            Entry entry;
            switch (PostfixSyntax.ParseNumber(token, out var number))
            {
                case PostfixSyntax.NumberKind.Number:
                    entry = Entry.ForValue((uint)number);
                    break;
                case PostfixSyntax.NumberKind.Invalid:
                    return StackWinEvaluationStatus.InvalidNumber;
                default:
                    // Names stay unresolved until an operator needs them: the target of '=' is a
                    // name, not a value.
                    entry = Entry.ForName(tokenStart, token.Length);
                    break;
            }

            if (depth == stack.Length)
            {
                return StackWinEvaluationStatus.ExpressionTooDeep;
            }

            stack[depth++] = entry;
        }

        if (depth != 0)
        {
            return StackWinEvaluationStatus.LeftoverValues;
        }

        result = CollectOutputs(program, seed, variables[..variableCount]);
        return StackWinEvaluationStatus.Success;
    }

    /// <summary>
    /// The <c>.raSearch</c>/<c>.raSearchStart</c> value rust-minidump seeds: just above the
    /// callee's locals, saved registers and the parameters it pushed for its own callee; or, for
    /// a program that realigns the stack (it contains <c>@</c>), <c>$ebp + 4</c>, because the
    /// sizes no longer lead from <c>$esp</c> to the return address.
    /// </summary>
    /// <param name="program">The program string.</param>
    /// <param name="esp">The callee's <c>$esp</c>.</param>
    /// <param name="ebp">The callee's <c>$ebp</c>.</param>
    /// <param name="cbCalleeParams">The parameter size of the frame the callee called (0 for the innermost frame).</param>
    /// <param name="cbLocals">The local-variable size of the STACK WIN record.</param>
    /// <param name="cbSavedRegs">The saved-register size of the STACK WIN record.</param>
    /// <returns>The search start, wrapped to 32 bits.</returns>
    public static uint DefaultRaSearchStart(
        ReadOnlySpan<byte> program, uint esp, uint ebp, uint cbCalleeParams, uint cbLocals, uint cbSavedRegs) =>
        program.Contains((byte)'@')
            ? unchecked(ebp + 4)
            : unchecked(esp + cbCalleeParams + cbLocals + cbSavedRegs);

    private static StackWinEvaluationStatus Assign(
        ReadOnlySpan<byte> program,
        in StackWinSeed seed,
        Span<Entry> stack,
        ref int depth,
        Span<Variable> variables,
        ref int variableCount)
    {
        if (depth < 2)
        {
            return StackWinEvaluationStatus.StackUnderflow;
        }

        var status = Resolve(program, seed, stack[depth - 1], variables[..variableCount], out var value);
        if (status != StackWinEvaluationStatus.Success)
        {
            return status;
        }

        var target = stack[depth - 2];
        if (!target.IsName || program[target.NameStart] != (byte)'$' || target.NameLength < 2)
        {
            return StackWinEvaluationStatus.InvalidAssignmentTarget;
        }

        depth -= 2;
        var name = target.Name(program);
        for (var i = 0; i < variableCount; i++)
        {
            if (variables[i].Name(program).SequenceEqual(name))
            {
                variables[i] = new Variable(target.NameStart, target.NameLength, value);
                return StackWinEvaluationStatus.Success;
            }
        }

        if (variableCount == variables.Length)
        {
            return StackWinEvaluationStatus.TooManyVariables;
        }

        variables[variableCount++] = new Variable(target.NameStart, target.NameLength, value);
        return StackWinEvaluationStatus.Success;
    }

    private static StackWinEvaluationStatus Resolve(
        ReadOnlySpan<byte> program, in StackWinSeed seed, Entry entry, ReadOnlySpan<Variable> variables, out uint value)
    {
        if (!entry.IsName)
        {
            value = entry.Value;
            return StackWinEvaluationStatus.Success;
        }

        var name = entry.Name(program);
        return TryGetVariable(program, variables, name, out value) || TryGetSeed(seed, name, out value)
            ? StackWinEvaluationStatus.Success
            : StackWinEvaluationStatus.UndefinedVariable;
    }

    private static bool TryGetVariable(ReadOnlySpan<byte> program, ReadOnlySpan<Variable> variables, ReadOnlySpan<byte> name, out uint value)
    {
        foreach (var variable in variables)
        {
            if (variable.Name(program).SequenceEqual(name))
            {
                value = variable.Value;
                return true;
            }
        }

        value = 0;
        return false;
    }

    private static bool TryGetSeed(in StackWinSeed seed, ReadOnlySpan<byte> name, out uint value)
    {
        value = 0;
        if (name.Length < 2)
        {
            return false;
        }

        if (name[0] == (byte)'$')
        {
            if (name.SequenceEqual("$esp"u8))
            {
                value = seed.Esp;
                return true;
            }

            if (name.SequenceEqual("$ebp"u8))
            {
                value = seed.Ebp;
                return true;
            }

            if (name.SequenceEqual("$ebx"u8) && seed.Ebx is { } ebx)
            {
                value = ebx;
                return true;
            }

            return false;
        }

        if (name.SequenceEqual(".cbParams"u8))
        {
            value = seed.CbParams;
        }
        else if (name.SequenceEqual(".cbCalleeParams"u8))
        {
            value = seed.CbCalleeParams;
        }
        else if (name.SequenceEqual(".cbSavedRegs"u8))
        {
            value = seed.CbSavedRegs;
        }
        else if (name.SequenceEqual(".cbLocals"u8))
        {
            value = seed.CbLocals;
        }
        else if (name.SequenceEqual(".raSearch"u8) || name.SequenceEqual(".raSearchStart"u8))
        {
            value = seed.RaSearchStart;
        }
        else
        {
            return false;
        }

        return true;
    }

    private static StackWinRegisters CollectOutputs(ReadOnlySpan<byte> program, in StackWinSeed seed, ReadOnlySpan<Variable> variables)
    {
        var assigned = StackWinRegisterSet.None;
        var defined = StackWinRegisterSet.None;

        var eip = Output(program, seed, variables, "$eip"u8, StackWinRegisterSet.Eip, ref assigned, ref defined);
        var esp = Output(program, seed, variables, "$esp"u8, StackWinRegisterSet.Esp, ref assigned, ref defined);
        var ebp = Output(program, seed, variables, "$ebp"u8, StackWinRegisterSet.Ebp, ref assigned, ref defined);
        var ebx = Output(program, seed, variables, "$ebx"u8, StackWinRegisterSet.Ebx, ref assigned, ref defined);
        var esi = Output(program, seed, variables, "$esi"u8, StackWinRegisterSet.Esi, ref assigned, ref defined);
        var edi = Output(program, seed, variables, "$edi"u8, StackWinRegisterSet.Edi, ref assigned, ref defined);
        return new StackWinRegisters(eip, esp, ebp, ebx, esi, edi, defined, assigned);
    }

    private static uint Output(
        ReadOnlySpan<byte> program,
        in StackWinSeed seed,
        ReadOnlySpan<Variable> variables,
        ReadOnlySpan<byte> name,
        StackWinRegisterSet register,
        ref StackWinRegisterSet assigned,
        ref StackWinRegisterSet defined)
    {
        if (TryGetVariable(program, variables, name, out var value))
        {
            assigned |= register;
            defined |= register;
            return value;
        }

        if (TryGetSeed(seed, name, out value))
        {
            defined |= register;
            return value;
        }

        return 0;
    }

    /// <summary>A stack entry: a value, or a name (offsets into the program) not resolved yet.</summary>
    private readonly struct Entry
    {
        private Entry(uint value, int nameStart, int nameLength)
        {
            Value = value;
            NameStart = nameStart;
            NameLength = nameLength;
        }

        public uint Value { get; }

        public int NameStart { get; }

        public int NameLength { get; }

        public bool IsName => NameLength > 0;

        public static Entry ForValue(uint value) => new(value, 0, 0);

        public static Entry ForName(int start, int length) => new(0, start, length);

        public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> program) => program.Slice(NameStart, NameLength);
    }

    /// <summary>A variable the program assigned; its name is offsets into the program.</summary>
    private readonly struct Variable
    {
        private readonly int _nameStart;
        private readonly int _nameLength;

        public Variable(int nameStart, int nameLength, uint value)
        {
            _nameStart = nameStart;
            _nameLength = nameLength;
            Value = value;
        }

        public uint Value { get; }

        public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> program) => program.Slice(_nameStart, _nameLength);
    }
}
