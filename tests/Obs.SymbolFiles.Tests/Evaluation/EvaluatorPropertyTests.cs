using System.Globalization;
using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Obs.SymbolFiles.Tests.Evaluation;

public sealed class EvaluatorPropertyTests
{
    private static readonly string[] CfiTokens =
    [
        ".cfa:", ".ra:", "$esp:", "ebx:", "$rbp:", ":", "$:", ".cfa", ".undef", ".ra", "$esp", "esp", "$ebp", "$rsp", "$nope", "$",
        "+", "-", "*", "/", "%", "@", "^", "0", "1", "4", "-8", "+8", "16", "4096", "4294967295", "9223372036854775807",
        "-9223372036854775808", "99999999999999999999", "12x", "0x10", "\n", "\r", "\t", "=",
    ];

    private static readonly string[] WinTokens =
    [
        "$T0", "$T1", "$eip", "$esp", "$ebp", "$ebx", "$esi", "$edi", "$L", "$P", "$", "eip", ".cbParams", ".cbCalleeParams",
        ".cbSavedRegs", ".cbLocals", ".raSearch", ".raSearchStart", ".cbNope", "=", "=$eip", "==", "=4", "+", "-", "*", "/",
        "%", "@", "^", "0", "1", "4", "8", "-4", "4294967295", "99999999999999999999", "7z", "\n", "\t",
    ];

    private static readonly StackWinSeed Seed = new()
    {
        Esp = 0x1000,
        Ebp = 0x1040,
        Ebx = 7,
        CbParams = 8,
        CbSavedRegs = 4,
        CbLocals = 16,
        RaSearchStart = 0x1020,
    };

    static EvaluatorPropertyTests()
    {
        // JIT and static initialisation allocate once; the properties measure steady state.
        _ = EvaluateCfi(".cfa: $esp 4 + .ra: .cfa ^ $ebx: 1 0 / $esi: 3"u8.ToArray(), pointerSize: 4, out _);
        _ = EvaluateCfi(".cfa: $esp 4 + .ra: .cfa ^"u8.ToArray(), pointerSize: 8, out _);
        _ = EvaluateWin("$T0 $ebp = $eip $T0 4 + ^ = $esp $T0 8 + ="u8.ToArray(), out _, out _);
    }

    private static Gen<byte[]> TokenSoup(string[] tokens) =>
        Gen.ListOf(Gen.Elements(tokens)).Select(list => Encoding.ASCII.GetBytes(string.Join(' ', list)));

    private static readonly string[] Operands = [".cfa", "$esp", "esp", "$rsp", "$ebp", "$rbp", "0", "4", "-8", "16", "4294967295", ".undef", "$nope"];

    private static readonly string[] BinaryOperators = ["+", "-", "*", "/", "%", "@"];

    /// <summary>Well-formed postfix expressions (mostly), so that evaluation gets past the first token.</summary>
    private static Gen<string> Expression(int depth)
    {
        var operand = Gen.Frequency((12, Gen.Elements(Operands)), (1, Gen.Elements(BinaryOperators)));
        if (depth == 0)
        {
            return operand;
        }

        var binary =
            from left in Expression(depth - 1)
            from right in Expression(depth - 1)
            from op in Gen.Elements(BinaryOperators)
            select $"{left} {right} {op}";
        var dereference = Expression(depth - 1).Select(e => e + " ^");
        return Gen.Frequency((3, operand), (3, binary), (2, dereference));
    }

    /// <summary>Rule lines of <c>REG: EXPR</c> pairs that are mostly well formed.</summary>
    private static Gen<byte[]> PlausibleCfiRules()
    {
        var rule =
            from register in Gen.Frequency((3, Gen.Constant(".cfa:")), (3, Gen.Constant(".ra:")), (4, Gen.Elements("$ebx:", "esi:", "$rbp:", "$r12:")))
            from expression in Expression(3)
            from separator in Gen.Elements(" ", " ", " ", "\n", "  \r\n")
            select register + " " + expression + separator;
        return Gen.ListOf(rule).Select(rules => Encoding.ASCII.GetBytes(string.Concat(rules)));
    }

    /// <summary>FrameData-like programs: assignments of (mostly) well-formed expressions.</summary>
    private static Gen<byte[]> PlausibleFrameDataPrograms()
    {
        var assignment =
            from target in Gen.Elements("$T0", "$T1", "$eip", "$esp", "$ebp", "$ebx", "$esi", "$L", ".cbParams", "5")
            from expression in Expression(3)
            from end in Gen.Elements(" = ", " = ", " =", " ", " = = ")
            select target + " " + expression.Replace(".cfa", ".raSearchStart", StringComparison.Ordinal).Replace("$rsp", ".cbLocals", StringComparison.Ordinal) + end;
        return Gen.ListOf(assignment).Select(parts => Encoding.ASCII.GetBytes(string.Concat(parts)));
    }

    private static Gen<byte[]> RawBytes() =>
        Gen.ArrayOf(Gen.Frequency((3, Gen.Elements((byte)' ', (byte)'\n', (byte)':', (byte)'$', (byte)'.', (byte)'^', (byte)'=')), (7, Gen.Choose(0, 255).Select(i => (byte)i))));

    // Each input is evaluated once before the measured run: the first run of a code path can
    // make the runtime allocate on this thread (type loading, static initialization), which is
    // not the evaluator allocating; an allocation of the evaluator's own shows on every run.
    private static CfiEvaluationStatus EvaluateCfi(byte[] rules, int pointerSize, out long allocated)
    {
        var context = pointerSize == 4 ? X86Context : Amd64Context;
        context.ClearCallerRegisters();
        _ = CfiEvaluator.Evaluate(rules, ref context, out _, out _);
        context.ClearCallerRegisters();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = CfiEvaluator.Evaluate(rules, ref context, out _, out _);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return status;
    }

    private static StackWinEvaluationStatus EvaluateWin(byte[] program, out StackWinRegisters result, out long allocated)
    {
        var memory = SharedMemory;
        _ = StackWinEvaluator.EvaluateFrameData(program, Seed, ref memory, out _);
        memory = SharedMemory;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = StackWinEvaluator.EvaluateFrameData(program, Seed, ref memory, out result);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return status;
    }

    private static readonly FakeUnwindMemory SharedMemory = new FakeUnwindMemory { DefaultWord = 0x1000 }.Write32(0, 1);

    private static readonly FakeFrameContext X86Context =
        new FakeFrameContext(4, new FakeUnwindMemory { DefaultWord = 0x2000 }).Set("esp", 0x1000).Set("ebp", 0x1040).Set("ebx", 3);

    private static readonly FakeFrameContext Amd64Context =
        new FakeFrameContext(8, new FakeUnwindMemory { DefaultWord = 0x2000 }).Set("rsp", 0x1000).Set("rbp", 0x1040).Set("esp", 1);

    [Property(MaxTest = 400)]
    public Property Arbitrary_cfi_rule_bytes_never_throw_and_never_allocate() =>
        Prop.ForAll(Gen.OneOf(RawBytes(), TokenSoup(CfiTokens), PlausibleCfiRules(), PlausibleCfiRules()).ToArbitrary(), rules =>
        {
            var status32 = EvaluateCfi(rules, 4, out var allocated32);
            var status64 = EvaluateCfi(rules, 8, out var allocated64);
            return (allocated32 == 0 && allocated64 == 0 && Enum.IsDefined(status32) && Enum.IsDefined(status64))
                .Label($"allocated {allocated32}/{allocated64}, status {status32}/{status64}");
        });

    [Property(MaxTest = 400)]
    public Property Arbitrary_frame_data_program_bytes_never_throw_and_never_allocate() =>
        Prop.ForAll(Gen.OneOf(RawBytes(), TokenSoup(WinTokens), PlausibleFrameDataPrograms(), PlausibleFrameDataPrograms()).ToArbitrary(), program =>
        {
            var status = EvaluateWin(program, out var result, out var allocated);
            var consistent = status == StackWinEvaluationStatus.Success
                ? (result.Assigned & ~result.Defined) == 0
                : result.Equals(default(StackWinRegisters));
            return (allocated == 0 && Enum.IsDefined(status) && consistent).Label($"allocated {allocated}, status {status}");
        });

    [Property(MaxTest = 300)]
    public Property Cfi_arithmetic_matches_unsigned_modular_arithmetic_at_both_widths() =>
        Prop.ForAll(
            ArbMap.Default.ArbFor<long>(),
            ArbMap.Default.ArbFor<long>(),
            Gen.Elements('+', '-', '*', '/', '%', '@').ToArbitrary(),
            (left, right, op) =>
            {
                if (op == '@')
                {
                    right = 1L << (int)((ulong)right % 63);
                }

                var rules = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $".cfa: {left} {right} {op} .ra: 0"));
                var ok = true;
                foreach (var bits in new[] { 32, 64 })
                {
                    var modulus = BigInteger.One << bits;
                    var a = ((BigInteger)left % modulus + modulus) % modulus;
                    var b = ((BigInteger)right % modulus + modulus) % modulus;
                    var status = EvaluateCfi(rules, bits / 8, out _);
                    var context = bits == 32 ? X86Context : Amd64Context;
                    _ = CfiEvaluator.Evaluate(rules, ref context, out var cfa, out _);
                    BigInteger? expected = op switch
                    {
                        '+' => (a + b) % modulus,
                        '-' => ((a - b) % modulus + modulus) % modulus,
                        '*' => a * b % modulus,
                        '/' => b.IsZero ? null : a / b,
                        '%' => b.IsZero ? null : a % b,
                        _ => b.IsZero || !b.IsPowerOfTwo ? null : a - (a % b),
                    };
                    ok &= expected is { } value
                        ? status == CfiEvaluationStatus.Success && cfa == (ulong)value
                        : status is CfiEvaluationStatus.DivisionByZero or CfiEvaluationStatus.InvalidAlignment;
                }

                return ok;
            });

    [Property(MaxTest = 300)]
    public Property Frame_data_arithmetic_matches_unsigned_32_bit_arithmetic() =>
        Prop.ForAll(
            ArbMap.Default.ArbFor<uint>(),
            ArbMap.Default.ArbFor<uint>(),
            Gen.Elements('+', '-', '*', '/', '%').ToArbitrary(),
            (left, right, op) =>
            {
                var program = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"$T0 {left} = $eip $T0 {right} {op} ="));
                var status = EvaluateWin(program, out var result, out _);
                uint? expected = op switch
                {
                    '+' => unchecked(left + right),
                    '-' => unchecked(left - right),
                    '*' => unchecked(left * right),
                    '/' => right == 0 ? null : left / right,
                    _ => right == 0 ? null : left % right,
                };
                return expected is { } value
                    ? status == StackWinEvaluationStatus.Success && result.Eip == value && result.Assigned == StackWinRegisterSet.Eip
                    : status == StackWinEvaluationStatus.DivisionByZero;
            });

    [Property(MaxTest = 200)]
    public Property The_last_rule_for_each_register_wins_across_lines() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Zip(Gen.Choose(0, 5), Gen.Choose(0, 1_000_000))).ToArbitrary(),
            assignments =>
            {
                var text = new StringBuilder(".cfa: $esp .ra: 0");
                var expected = new Dictionary<string, ulong>();
                foreach (var (register, value) in assignments)
                {
                    var name = "r" + register.ToString(CultureInfo.InvariantCulture);
                    text.Append(register % 2 == 0 ? "\n$" : " ").Append(name).Append(": ").Append(value.ToString(CultureInfo.InvariantCulture));
                    expected[name] = (ulong)value;
                }

                var context = new FakeFrameContext(4, new FakeUnwindMemory()).Set("esp", 4);
                var status = CfiEvaluator.Evaluate(Encoding.ASCII.GetBytes(text.ToString()), ref context, out _, out _);
                var actual = context.CallerRegisters();
                return status == CfiEvaluationStatus.Success
                    && actual.Count == expected.Count
                    && expected.All(e => actual.TryGetValue(e.Key, out var v) && v == e.Value);
            });
}
