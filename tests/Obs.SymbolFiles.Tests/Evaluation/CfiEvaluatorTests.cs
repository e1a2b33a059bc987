using System.Text;

namespace Obs.SymbolFiles.Tests.Evaluation;

public sealed class CfiEvaluatorTests
{
    private static FakeFrameContext X86(uint esp = 0x10018, uint? defaultWord = null) =>
        new FakeFrameContext(4, new FakeUnwindMemory { DefaultWord = defaultWord })
            .Set("esp", esp).Set("ebp", 0x10038).Set("eip", 0x3d40);

    private static FakeFrameContext Amd64(ulong rsp = 0x7ffd_0000_1000) =>
        new FakeFrameContext(8, new FakeUnwindMemory())
            .Set("rsp", rsp).Set("rbp", 0x7ffd_0000_2000).Set("rip", 0x1eba0);

    private static CfiEvaluationStatus Evaluate(string rules, FakeFrameContext context, out ulong cfa, out ulong ra) =>
        CfiEvaluator.Evaluate(Encoding.ASCII.GetBytes(rules), ref context, out cfa, out ra);

    [Fact]
    public void Init_rules_give_cfa_and_return_address()
    {
        var context = X86(esp: 0x10018);
        context.Memory.Write32(0x10018, 0xf6438648);

        var status = Evaluate(".cfa: $esp 4 + .ra: .cfa 4 - ^", context, out var cfa, out var ra);

        Assert.Equal(CfiEvaluationStatus.Success, status);
        Assert.Equal(0x1001cUL, cfa);
        Assert.Equal(0xf6438648UL, ra);
        Assert.Empty(context.CallerRegisters());
    }

    [Fact]
    public void A_later_line_overrides_an_earlier_rule_for_the_same_register()
    {
        var context = X86(esp: 0x1000);
        context.Memory.Write32(0x1004, 0xaaaa).Write32(0x100c, 0xbbbb);

        var status = Evaluate(".cfa: $esp 8 + .ra: .cfa 4 - ^\n.cfa: $esp 16 +", context, out var cfa, out var ra);

        Assert.Equal(CfiEvaluationStatus.Success, status);
        Assert.Equal(0x1010UL, cfa);
        Assert.Equal(0xbbbbUL, ra);
    }

    [Fact]
    public void Register_names_with_and_without_dollar_name_the_same_register()
    {
        var context = X86(esp: 0x1000, defaultWord: 0);
        context.Memory.Write32(0x1000, 0x1111).Write32(0x0ff8, 0x2222);

        // "ebx:" (no dollar) overrides "$ebx:", and "esp" reads the register "$esp" names.
        var status = Evaluate(".cfa: esp 4 + .ra: .cfa 4 - ^ $ebx: .cfa 4 - ^\nebx: .cfa 12 - ^", context, out var cfa, out _);

        Assert.Equal(CfiEvaluationStatus.Success, status);
        Assert.Equal(0x1004UL, cfa);
        Assert.Equal(new Dictionary<string, ulong> { ["ebx"] = 0x2222 }, context.CallerRegisters());
    }

    [Fact]
    public void Repeated_trailing_and_tab_or_cr_whitespace_is_only_a_separator()
    {
        var context = X86(esp: 0x1000, defaultWord: 7);

        var status = Evaluate("  .cfa:   $esp \t 4  +   .ra: .cfa 4 - ^ \r\n $ebx:  .cfa  ^   \n", context, out var cfa, out var ra);

        Assert.Equal(CfiEvaluationStatus.Success, status);
        Assert.Equal(0x1004UL, cfa);
        Assert.Equal(7UL, ra);
        Assert.Equal(new Dictionary<string, ulong> { ["ebx"] = 7 }, context.CallerRegisters());
    }

    [Fact]
    public void A_failing_rule_for_another_register_clears_only_that_register()
    {
        var context = X86(esp: 0x1000);
        context.Memory.Write32(0x1000, 0x401000).Write32(0x0ffc, 0x55);

        var status = Evaluate(
            ".cfa: $esp 4 + .ra: .cfa 4 - ^ $ebx: .undef $esi: 1 0 / $edi: .cfa 64 + ^ $ebp: .cfa 8 - ^ $eax: $nope",
            context,
            out var cfa,
            out var ra);

        Assert.Equal(CfiEvaluationStatus.Success, status);
        Assert.Equal(0x1004UL, cfa);
        Assert.Equal(0x401000UL, ra);
        Assert.Equal(new Dictionary<string, ulong> { ["ebp"] = 0x55 }, context.CallerRegisters());
    }

    [Fact]
    public void Nothing_is_reported_to_the_context_when_the_return_address_fails()
    {
        var context = X86(esp: 0x1000, defaultWord: 1);

        var status = Evaluate(".cfa: $esp 4 + $ebx: .cfa ^ .ra: .cfa 0 %", context, out var cfa, out var ra);

        Assert.Equal(CfiEvaluationStatus.DivisionByZero, status);
        Assert.Equal(0UL, cfa);
        Assert.Equal(0UL, ra);
        Assert.Equal(0, context.CallerRegisterCount);
    }

    [Fact]
    public void Rules_for_other_registers_see_the_cfa_and_the_callee_registers()
    {
        var context = Amd64(rsp: 0x7ffd_0000_1000);
        context.Memory.Write64(0x7ffd_0000_1000, 0x5555_1234_5678);

        var status = Evaluate(".cfa: $rsp 8 + .ra: .cfa -8 + ^ $rsp: .cfa $rax: $rbp 2 * .cfa -", context, out var cfa, out var ra);

        Assert.Equal(CfiEvaluationStatus.Success, status);
        Assert.Equal(0x7ffd_0000_1008UL, cfa);
        Assert.Equal(0x5555_1234_5678UL, ra);
        Assert.Equal(
            new Dictionary<string, ulong> { ["rsp"] = 0x7ffd_0000_1008, ["rax"] = (0x7ffd_0000_2000UL * 2) - 0x7ffd_0000_1008 },
            context.CallerRegisters());
    }

    [Theory]
    [InlineData("", CfiEvaluationStatus.MissingCfaRule)]
    [InlineData("   \n \n", CfiEvaluationStatus.MissingCfaRule)]
    [InlineData(".ra: .cfa ^", CfiEvaluationStatus.MissingCfaRule)]
    [InlineData(".cfa: $esp", CfiEvaluationStatus.MissingReturnAddressRule)]
    [InlineData("$esp 4 + .cfa: $esp .ra: .cfa", CfiEvaluationStatus.SyntaxError)]
    [InlineData(".cfa: $esp 4 +\n4 .ra: .cfa", CfiEvaluationStatus.SyntaxError)]
    [InlineData(".cfa: $esp : 4 .ra: .cfa", CfiEvaluationStatus.SyntaxError)]
    [InlineData(".cfa: $esp $: 4 .ra: .cfa", CfiEvaluationStatus.SyntaxError)]
    [InlineData(".cfa: 12x .ra: .cfa", CfiEvaluationStatus.InvalidNumber)]
    [InlineData(".cfa: 0x10 .ra: .cfa", CfiEvaluationStatus.InvalidNumber)]
    [InlineData(".cfa: 9223372036854775808 .ra: .cfa", CfiEvaluationStatus.InvalidNumber)]
    [InlineData(".cfa: -9223372036854775809 .ra: .cfa", CfiEvaluationStatus.InvalidNumber)]
    [InlineData(".cfa: $esp + .ra: .cfa", CfiEvaluationStatus.StackUnderflow)]
    [InlineData(".cfa: ^ .ra: .cfa", CfiEvaluationStatus.StackUnderflow)]
    [InlineData(".cfa: $esp .ra: 4 -", CfiEvaluationStatus.StackUnderflow)]
    [InlineData(".cfa: .ra: .cfa", CfiEvaluationStatus.EmptyExpression)]
    [InlineData(".cfa: $esp .ra:", CfiEvaluationStatus.EmptyExpression)]
    [InlineData(".cfa: $esp 4 .ra: .cfa", CfiEvaluationStatus.LeftoverValues)]
    [InlineData(".cfa: $esp 0 / .ra: .cfa", CfiEvaluationStatus.DivisionByZero)]
    [InlineData(".cfa: $esp .ra: .cfa 0 %", CfiEvaluationStatus.DivisionByZero)]
    [InlineData(".cfa: $esp 3 @ .ra: .cfa", CfiEvaluationStatus.InvalidAlignment)]
    [InlineData(".cfa: $esp 0 @ .ra: .cfa", CfiEvaluationStatus.InvalidAlignment)]
    [InlineData(".cfa: .undef .ra: .cfa", CfiEvaluationStatus.UndefinedValue)]
    [InlineData(".cfa: $esp .ra: .undef", CfiEvaluationStatus.UndefinedValue)]
    [InlineData(".cfa: .cfa 4 + .ra: .cfa", CfiEvaluationStatus.CfaUnavailable)]
    [InlineData(".cfa: $xmm0 .ra: .cfa", CfiEvaluationStatus.UnknownRegister)]
    [InlineData(".cfa: $ .ra: .cfa", CfiEvaluationStatus.UnknownRegister)]
    [InlineData(".cfa: $esp .ra: .ra", CfiEvaluationStatus.UnknownRegister)]
    [InlineData(".cfa: $esp .ra: 4096 ^", CfiEvaluationStatus.MemoryReadFailed)]
    public void Each_failure_has_its_own_status_and_reports_nothing(string rules, CfiEvaluationStatus expected)
    {
        var context = X86(esp: 0x10018);
        context.Memory.Write32(0x10018, 0x1234);

        var status = Evaluate(rules + " $ebx: $esp", context, out var cfa, out var ra);

        Assert.Equal(expected, status);
        Assert.Equal(0UL, cfa);
        Assert.Equal(0UL, ra);
        Assert.Equal(0, context.CallerRegisterCount);
    }

    [Fact]
    public void An_expression_deeper_than_the_value_stack_fails()
    {
        var fits = ".cfa:" + string.Concat(Enumerable.Repeat(" 1", CfiEvaluator.MaxStackDepth))
            + string.Concat(Enumerable.Repeat(" +", CfiEvaluator.MaxStackDepth - 1)) + " .ra: .cfa";
        var tooDeep = ".cfa:" + string.Concat(Enumerable.Repeat(" 1", CfiEvaluator.MaxStackDepth + 1))
            + string.Concat(Enumerable.Repeat(" +", CfiEvaluator.MaxStackDepth)) + " .ra: .cfa";

        Assert.Equal(CfiEvaluationStatus.Success, Evaluate(fits, X86(), out var cfa, out _));
        Assert.Equal((ulong)CfiEvaluator.MaxStackDepth, cfa);
        Assert.Equal(CfiEvaluationStatus.ExpressionTooDeep, Evaluate(tooDeep, X86(), out _, out _));
    }

    [Fact]
    public void More_distinct_registers_than_the_rule_table_holds_fail()
    {
        static string Rules(int others) =>
            ".cfa: $esp .ra: .cfa " + string.Concat(Enumerable.Range(0, others).Select(i => $"$r{i}: {i} "));

        var fits = X86();
        Assert.Equal(CfiEvaluationStatus.Success, Evaluate(Rules(CfiEvaluator.MaxRules - 2), fits, out _, out _));
        Assert.Equal(CfiEvaluator.MaxRules - 2, fits.CallerRegisters().Count);
        Assert.Equal(61UL, fits.CallerRegisters()["r61"]);

        Assert.Equal(CfiEvaluationStatus.TooManyRules, Evaluate(Rules(CfiEvaluator.MaxRules - 1), X86(), out _, out _));

        // Overriding the same register many times does not use up the table.
        var repeated = ".cfa: $esp .ra: .cfa" + string.Concat(Enumerable.Repeat("\n$ebx: 1", 500));
        Assert.Equal(CfiEvaluationStatus.Success, Evaluate(repeated, X86(), out _, out _));
    }

    [Theory]
    [InlineData("4 $esp -", 0xfffffff8UL, 0xffff_ffff_ffff_fff8UL)]
    [InlineData("$esp -16 +", 0xfffffffcUL, 0xffff_ffff_ffff_fffcUL)]
    [InlineData("4294967295 2 +", 0x1UL, 0x1_0000_0001UL)]
    [InlineData("4294967296 1 +", 0x1UL, 0x1_0000_0001UL)]
    [InlineData("65536 65536 *", 0x0UL, 0x1_0000_0000UL)]
    [InlineData("-8 2 /", 0x7ffffffcUL, 0x7fff_ffff_ffff_fffcUL)]
    [InlineData("-1 10 %", 5UL, 5UL)]
    [InlineData("-9223372036854775808", 0x0UL, 0x8000_0000_0000_0000UL)]
    [InlineData("+12", 12UL, 12UL)]
    [InlineData("100 7 /", 14UL, 14UL)]
    [InlineData("100 7 %", 2UL, 2UL)]
    [InlineData("-3 16 @", 0xfffffff0UL, 0xffff_ffff_ffff_fff0UL)]
    [InlineData("4660 16 @", 0x1230UL, 0x1230UL)]
    [InlineData("4660 1 @", 0x1234UL, 0x1234UL)]
    public void Arithmetic_is_unsigned_and_wraps_at_the_pointer_width(string expression, ulong expected32, ulong expected64)
    {
        var x86 = X86(esp: 12);
        Assert.Equal(CfiEvaluationStatus.Success, Evaluate($".cfa: {expression} .ra: 0", x86, out var cfa32, out _));
        Assert.Equal(expected32, cfa32);

        var amd64 = Amd64().Set("esp", 12);
        Assert.Equal(CfiEvaluationStatus.Success, Evaluate($".cfa: {expression} .ra: 0", amd64, out var cfa64, out _));
        Assert.Equal(expected64, cfa64);
    }

    [Fact]
    public void Dereference_reads_a_pointer_of_the_context_width_at_a_wrapped_address()
    {
        var x86 = X86(esp: 8);
        x86.Memory.Write32(0xfffffffc, 0xcafe).Write32(0, 0xbeef);
        Assert.Equal(CfiEvaluationStatus.Success, Evaluate(".cfa: $esp 12 - .ra: .cfa ^", x86, out var cfa, out var ra));
        Assert.Equal(0xfffffffcUL, cfa);
        Assert.Equal(0xcafeUL, ra);

        var amd64 = Amd64(rsp: 0x1000);
        amd64.Memory.Write32(0x1000, 0x9abcdef0).Write32(0x1004, 0x12345678);
        Assert.Equal(CfiEvaluationStatus.Success, Evaluate(".cfa: $rsp 8 + .ra: .cfa -8 + ^", amd64, out _, out var ra64));
        Assert.Equal(0x1234_5678_9abc_def0UL, ra64);
    }

    [Fact]
    public void Register_values_are_wrapped_to_the_pointer_width()
    {
        var context = new FakeFrameContext(4, new FakeUnwindMemory()).Set("esp", 0x1_0000_0010);

        Assert.Equal(CfiEvaluationStatus.Success, Evaluate(".cfa: $esp .ra: $esp 1 +", context, out var cfa, out var ra));
        Assert.Equal(0x10UL, cfa);
        Assert.Equal(0x11UL, ra);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(16)]
    public void A_pointer_size_other_than_4_or_8_is_a_caller_bug(int pointerSize)
    {
        var context = new FakeFrameContext(pointerSize, new FakeUnwindMemory());

        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluate(".cfa: 1 .ra: 2", context, out _, out _));
    }

    [Fact]
    public void A_ref_struct_context_over_a_stack_snapshot_works_without_boxing()
    {
        Span<byte> stack = stackalloc byte[16];
        BitConverter.TryWriteBytes(stack[8..], 0x4010_2030_4050_6070UL);
        var context = new StackSnapshotContext(stack, stackBase: 0x7000, rsp: 0x7000);

        var status = CfiEvaluator.Evaluate(".cfa: $rsp 16 + .ra: .cfa -8 + ^ $rbp: .cfa -16 + ^"u8, ref context, out var cfa, out var ra);

        Assert.Equal(CfiEvaluationStatus.Success, status);
        Assert.Equal(0x7010UL, cfa);
        Assert.Equal(0x4010_2030_4050_6070UL, ra);
        Assert.Equal(0UL, context.CallerRbp);
        Assert.True(context.RbpRecovered);
    }

    /// <summary>A frame context living on the stack: registers in fields, memory a span.</summary>
    private ref struct StackSnapshotContext : ICfiFrameContext
    {
        private readonly ReadOnlySpan<byte> _stack;
        private readonly ulong _stackBase;
        private readonly ulong _rsp;

        public StackSnapshotContext(ReadOnlySpan<byte> stack, ulong stackBase, ulong rsp)
        {
            _stack = stack;
            _stackBase = stackBase;
            _rsp = rsp;
        }

        public readonly int PointerSize => 8;

        public ulong CallerRbp { get; private set; }

        public bool RbpRecovered { get; private set; }

        public readonly bool TryGetRegister(scoped ReadOnlySpan<byte> name, out ulong value)
        {
            value = _rsp;
            return name.SequenceEqual("rsp"u8);
        }

        public void SetCallerRegister(scoped ReadOnlySpan<byte> name, ulong value)
        {
            if (name.SequenceEqual("rbp"u8))
            {
                CallerRbp = value;
                RbpRecovered = true;
            }
        }

        public readonly bool TryReadUInt32(ulong address, out uint value)
        {
            var offset = address - _stackBase;
            value = offset <= (ulong)_stack.Length - 4 ? BitConverter.ToUInt32(_stack[(int)offset..]) : 0;
            return offset <= (ulong)_stack.Length - 4;
        }

        public readonly bool TryReadUInt64(ulong address, out ulong value)
        {
            var offset = address - _stackBase;
            value = offset <= (ulong)_stack.Length - 8 ? BitConverter.ToUInt64(_stack[(int)offset..]) : 0;
            return offset <= (ulong)_stack.Length - 8;
        }
    }
}
