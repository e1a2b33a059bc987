using System.Runtime.CompilerServices;

namespace Obs.SymbolFiles;

/// <summary>
/// Evaluates Breakpad <c>STACK CFI</c> rules: recovers the caller's canonical frame address
/// (CFA), return address and callee-saved registers from the callee's registers and memory.
/// </summary>
/// <remarks>
/// <para>
/// The rule text is one or more lines separated by <c>\n</c>: the rules of the
/// <c>STACK CFI INIT</c> record followed by those of each applicable <c>STACK CFI</c> delta
/// row, in address order. Each line is a sequence of <c>REG: EXPR</c> pairs such as
/// <c>.cfa: $esp 4 + .ra: .cfa 4 - ^</c>; a later rule for a register replaces an earlier one.
/// <c>REG</c> is <c>.cfa</c>, <c>.ra</c>, or a register name with or without <c>$</c>.
/// </para>
/// <para>
/// Expressions are postfix: decimal literals (64-bit signed, wrapped to the pointer width),
/// register names, <c>.cfa</c>, <c>.undef</c>, the binary operators <c>+ - * / % @</c>
/// (<c>a b @</c> aligns <c>a</c> down to the power of two <c>b</c>) and <c>^</c>, which reads a
/// pointer-sized value. Arithmetic is unsigned and wraps at the pointer width. The <c>.cfa</c>
/// rule is evaluated first, without the CFA; the other rules see it. Each expression must leave
/// exactly one value.
/// </para>
/// <para>
/// Nothing is allocated on the heap and no exception is thrown for any rule text: failures are
/// reported as <see cref="CfiEvaluationStatus"/> values.
/// </para>
/// </remarks>
public static class CfiEvaluator
{
    /// <summary>The number of distinct registers the rules of one frame may name.</summary>
    /// <remarks>The largest real register files (arm64: 33 plus .cfa and .ra) fit with room to spare.</remarks>
    public const int MaxRules = 64;

    /// <summary>The number of values one expression may have on its stack at once.</summary>
    /// <remarks>Real rules need at most three or four.</remarks>
    public const int MaxStackDepth = 32;

    /// <summary>
    /// Evaluates <paramref name="rules"/> for one frame.
    /// </summary>
    /// <typeparam name="TContext">
    /// The frame context; a struct (even a <see langword="ref"/> struct) avoids interface dispatch
    /// and boxing.
    /// </typeparam>
    /// <param name="rules">The rule lines, UTF-8 (ASCII in practice), separated by <c>\n</c>.</param>
    /// <param name="context">
    /// The callee's registers and memory. On success it receives every other recovered
    /// register through <see cref="ICfiFrameContext.SetCallerRegister"/>; on failure it
    /// receives nothing.
    /// </param>
    /// <param name="cfa">The canonical frame address (the caller's stack pointer), or 0 on failure.</param>
    /// <param name="returnAddress">The return address, or 0 on failure.</param>
    /// <returns>
    /// <see cref="CfiEvaluationStatus.Success"/>, or why the <c>.cfa</c> or <c>.ra</c> rule
    /// could not be evaluated. A failing rule for any other register leaves that register out
    /// (it is not passed to <see cref="ICfiFrameContext.SetCallerRegister"/>) without failing
    /// the frame.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="ICfiFrameContext.PointerSize"/> is neither 4 nor 8 (a bug in the caller, not
    /// bad data).
    /// </exception>
    [SkipLocalsInit]
    public static CfiEvaluationStatus Evaluate<TContext>(
        ReadOnlySpan<byte> rules,
        ref TContext context,
        out ulong cfa,
        out ulong returnAddress)
        where TContext : ICfiFrameContext, allows ref struct
    {
        cfa = 0;
        returnAddress = 0;

        var pointerSize = context.PointerSize;
        if (pointerSize is not (4 or 8))
        {
            ThrowInvalidPointerSize(pointerSize);
        }

        var mask = pointerSize == 4 ? uint.MaxValue : ulong.MaxValue;

        Span<Rule> table = stackalloc Rule[MaxRules];
        var status = CollectRules(rules, table, out var ruleCount);
        if (status != CfiEvaluationStatus.Success)
        {
            return status;
        }

        table = table[..ruleCount];
        var cfaIndex = -1;
        var raIndex = -1;
        for (var i = 0; i < table.Length; i++)
        {
            var name = table[i].Name(rules);
            if (name.SequenceEqual(".cfa"u8))
            {
                cfaIndex = i;
            }
            else if (name.SequenceEqual(".ra"u8))
            {
                raIndex = i;
            }
        }

        if (cfaIndex < 0)
        {
            return CfiEvaluationStatus.MissingCfaRule;
        }

        if (raIndex < 0)
        {
            return CfiEvaluationStatus.MissingReturnAddressRule;
        }

        Span<ulong> stack = stackalloc ulong[MaxStackDepth];
        status = EvaluateExpression(table[cfaIndex].Expression(rules), ref context, mask, pointerSize, cfaKnown: false, 0, stack, out var cfaValue);
        if (status != CfiEvaluationStatus.Success)
        {
            return status;
        }

        status = EvaluateExpression(table[raIndex].Expression(rules), ref context, mask, pointerSize, cfaKnown: true, cfaValue, stack, out var raValue);
        if (status != CfiEvaluationStatus.Success)
        {
            return status;
        }

        // Only report other registers once the frame as a whole is known to unwind, so a caller
        // never sees a half-recovered register set for a failed frame.
        for (var i = 0; i < table.Length; i++)
        {
            if (i == cfaIndex || i == raIndex)
            {
                continue;
            }

            if (EvaluateExpression(table[i].Expression(rules), ref context, mask, pointerSize, cfaKnown: true, cfaValue, stack, out var value)
                == CfiEvaluationStatus.Success)
            {
                context.SetCallerRegister(table[i].Name(rules), value);
            }
        }

        cfa = cfaValue;
        returnAddress = raValue;
        return CfiEvaluationStatus.Success;
    }

    /// <summary>
    /// Splits the rule lines into <c>REG: EXPR</c> pairs, keeping for each register only its
    /// last rule (delta rows override the INIT row and earlier deltas).
    /// </summary>
    private static CfiEvaluationStatus CollectRules(ReadOnlySpan<byte> rules, Span<Rule> table, out int count)
    {
        count = 0;
        var current = -1;
        var position = 0;
        while (position < rules.Length)
        {
            if (rules[position] == (byte)'\n')
            {
                // A rule never continues on the next line: each line starts with a register.
                current = -1;
                position++;
                continue;
            }

            var token = PostfixSyntax.NextTokenInLine(rules, ref position, out var tokenStart);
            if (token.IsEmpty)
            {
                continue;
            }

            if (token[^1] == (byte)':')
            {
                var nameStart = tokenStart;
                var nameLength = token.Length - 1;
                if (nameLength > 0 && token[0] == (byte)'$')
                {
                    nameStart++;
                    nameLength--;
                }

                if (nameLength == 0)
                {
                    return CfiEvaluationStatus.SyntaxError;
                }

                var name = rules.Slice(nameStart, nameLength);
                current = -1;
                for (var i = 0; i < count; i++)
                {
                    if (table[i].Name(rules).SequenceEqual(name))
                    {
                        current = i;
                        break;
                    }
                }

                if (current < 0)
                {
                    if (count == table.Length)
                    {
                        return CfiEvaluationStatus.TooManyRules;
                    }

                    current = count++;
                }

                table[current] = new Rule(nameStart, nameLength, position);
                continue;
            }

            if (current < 0)
            {
                return CfiEvaluationStatus.SyntaxError;
            }

            table[current] = table[current].ExtendedTo(position);
        }

        return CfiEvaluationStatus.Success;
    }

    private static CfiEvaluationStatus EvaluateExpression<TContext>(
        ReadOnlySpan<byte> expression,
        ref TContext context,
        ulong mask,
        int pointerSize,
        bool cfaKnown,
        ulong cfa,
        scoped Span<ulong> stack,
        out ulong result)
        where TContext : ICfiFrameContext, allows ref struct
    {
        result = 0;
        var depth = 0;
        var position = 0;
        while (position < expression.Length)
        {
            var token = PostfixSyntax.NextTokenInLine(expression, ref position, out _);
            if (token.IsEmpty)
            {
                // Only trailing spaces remain (an expression never spans a '\n').
                break;
            }

            ulong value;
            if (PostfixSyntax.IsBinaryOperator(token))
            {
                if (depth < 2)
                {
                    return CfiEvaluationStatus.StackUnderflow;
                }

                depth--;
                var outcome = PostfixSyntax.Apply(token[0], stack[depth - 1], stack[depth], mask, out value);
                if (outcome != PostfixSyntax.ArithmeticResult.Ok)
                {
                    return outcome == PostfixSyntax.ArithmeticResult.DivisionByZero
                        ? CfiEvaluationStatus.DivisionByZero
                        : CfiEvaluationStatus.InvalidAlignment;
                }

                stack[depth - 1] = value;
                continue;
            }

            if (PostfixSyntax.IsDereference(token))
            {
                if (depth < 1)
                {
                    return CfiEvaluationStatus.StackUnderflow;
                }

                if (!TryReadPointer(ref context, pointerSize, stack[depth - 1], out value))
                {
                    return CfiEvaluationStatus.MemoryReadFailed;
                }

                stack[depth - 1] = value;
                continue;
            }

            switch (PostfixSyntax.ParseNumber(token, out value))
            {
                case PostfixSyntax.NumberKind.Number:
                    value &= mask;
                    break;
                case PostfixSyntax.NumberKind.Invalid:
                    return CfiEvaluationStatus.InvalidNumber;
                default:
                    if (token.SequenceEqual(".cfa"u8))
                    {
                        if (!cfaKnown)
                        {
                            return CfiEvaluationStatus.CfaUnavailable;
                        }

                        value = cfa;
                    }
                    else if (token.SequenceEqual(".undef"u8))
                    {
                        return CfiEvaluationStatus.UndefinedValue;
                    }
                    else
                    {
                        var name = token[0] == (byte)'$' ? token[1..] : token;
                        if (name.IsEmpty || !context.TryGetRegister(name, out value))
                        {
                            return CfiEvaluationStatus.UnknownRegister;
                        }

                        value &= mask;
                    }

                    break;
            }

            if (depth == stack.Length)
            {
                return CfiEvaluationStatus.ExpressionTooDeep;
            }

            stack[depth++] = value;
        }

        if (depth != 1)
        {
            return depth == 0 ? CfiEvaluationStatus.EmptyExpression : CfiEvaluationStatus.LeftoverValues;
        }

        result = stack[0];
        return CfiEvaluationStatus.Success;
    }

    private static bool TryReadPointer<TContext>(ref TContext context, int pointerSize, ulong address, out ulong value)
        where TContext : ICfiFrameContext, allows ref struct
    {
        if (pointerSize == 4)
        {
            var ok = context.TryReadUInt32(address, out var narrow);
            value = narrow;
            return ok;
        }

        return context.TryReadUInt64(address, out value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidPointerSize(int pointerSize) =>
        throw new ArgumentOutOfRangeException(nameof(pointerSize), pointerSize, "ICfiFrameContext.PointerSize must be 4 or 8.");

    /// <summary>
    /// One register rule as offsets into the rule text, so that collecting rules copies nothing.
    /// </summary>
    private readonly struct Rule
    {
        private readonly int _nameStart;
        private readonly int _nameLength;
        private readonly int _expressionStart;
        private readonly int _expressionEnd;

        public Rule(int nameStart, int nameLength, int expressionStart)
            : this(nameStart, nameLength, expressionStart, expressionStart)
        {
        }

        private Rule(int nameStart, int nameLength, int expressionStart, int expressionEnd)
        {
            _nameStart = nameStart;
            _nameLength = nameLength;
            _expressionStart = expressionStart;
            _expressionEnd = expressionEnd;
        }

        public ReadOnlySpan<byte> Name(ReadOnlySpan<byte> rules) => rules.Slice(_nameStart, _nameLength);

        public ReadOnlySpan<byte> Expression(ReadOnlySpan<byte> rules) =>
            rules[_expressionStart.._expressionEnd];

        public Rule ExtendedTo(int expressionEnd) => new(_nameStart, _nameLength, _expressionStart, expressionEnd);
    }
}
