using System.Text;
using Obs.Testing;

namespace Obs.SymbolFiles.Tests.Evaluation;

public sealed class StackWinEvaluatorTests
{
    private const string TestApp = "rust-minidump/symbols/test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym";

    /// <summary>The most common FrameData program of test_app.sym: an EBP frame.</summary>
    private const string EbpFrameProgram =
        "$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + = $L $T0 .cbSavedRegs - = $P $T0 8 + .cbParams + =";

    private static StackWinEvaluationStatus Evaluate(string program, in StackWinSeed seed, FakeUnwindMemory memory, out StackWinRegisters result) =>
        StackWinEvaluator.EvaluateFrameData(Encoding.ASCII.GetBytes(program), seed, ref memory, out result);

    private static readonly StackWinSeed BaseSeed = new()
    {
        Esp = 0x0012_f000,
        Ebp = 0x0012_f040,
        CbParams = 12,
        CbSavedRegs = 8,
        CbLocals = 0x20,
        CbCalleeParams = 4,
        RaSearchStart = 0x0012_f02c,
    };

    [Fact]
    public void The_test_app_ebp_frame_program_recovers_eip_esp_and_ebp()
    {
        Assert.Contains(" " + EbpFrameProgram + "\n", File.ReadAllText(TestFixtures.Path(TestApp)), StringComparison.Ordinal);
        var memory = new FakeUnwindMemory()
            .Write32(0x0012_f040, 0x0012_f0a0)   // saved ebp
            .Write32(0x0012_f044, 0x0040_1234);  // return address

        var status = Evaluate(EbpFrameProgram, BaseSeed, memory, out var caller);

        Assert.Equal(StackWinEvaluationStatus.Success, status);
        Assert.Equal(0x0040_1234u, caller.Eip);
        Assert.Equal(0x0012_f048u, caller.Esp);
        Assert.Equal(0x0012_f0a0u, caller.Ebp);
        Assert.Equal(StackWinRegisterSet.Eip | StackWinRegisterSet.Esp | StackWinRegisterSet.Ebp, caller.Assigned);
        Assert.Equal(caller.Assigned, caller.Defined);
        Assert.Equal(2, memory.WordReads);
    }

    [Fact]
    public void The_ra_search_program_reads_the_return_address_at_ra_search_start()
    {
        const string Program = "$T2 $esp .cbLocals + .cbSavedRegs + = $T0 .raSearchStart = $eip $T0 ^ = $esp $T0 4 + = $ebx $T0 4 - ^ =";
        var memory = new FakeUnwindMemory().Write32(0x0012_f02c, 0x0040_5678).Write32(0x0012_f028, 0xb0b0);

        var status = Evaluate(Program, BaseSeed with { Ebx = 0x1111 }, memory, out var caller);

        Assert.Equal(StackWinEvaluationStatus.Success, status);
        Assert.Equal(0x0040_5678u, caller.Eip);
        Assert.Equal(0x0012_f030u, caller.Esp);
        Assert.Equal(0xb0b0u, caller.Ebx);
        Assert.Equal(StackWinRegisterSet.Eip | StackWinRegisterSet.Esp | StackWinRegisterSet.Ebx, caller.Assigned);

        // $ebp was seeded and left alone: defined (rust-minidump forwards it) but not assigned.
        Assert.Equal(caller.Assigned | StackWinRegisterSet.Ebp, caller.Defined);
        Assert.Equal(BaseSeed.Ebp, caller.Ebp);
    }

    [Fact]
    public void Seeded_ebx_is_defined_only_when_the_seed_has_it()
    {
        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate("$eip 1 =", BaseSeed with { Ebx = 0x77 }, new FakeUnwindMemory(), out var with));
        Assert.Equal(StackWinRegisterSet.Eip | StackWinRegisterSet.Esp | StackWinRegisterSet.Ebp | StackWinRegisterSet.Ebx, with.Defined);
        Assert.Equal(0x77u, with.Ebx);

        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate("$eip 1 =", BaseSeed, new FakeUnwindMemory(), out var without));
        Assert.Equal(StackWinRegisterSet.Eip | StackWinRegisterSet.Esp | StackWinRegisterSet.Ebp, without.Defined);
        Assert.Equal(0u, without.Ebx);

        Assert.Equal(StackWinEvaluationStatus.UndefinedVariable, Evaluate("$eip $ebx =", BaseSeed, new FakeUnwindMemory(), out _));
    }

    [Fact]
    public void Every_seeded_variable_reads_its_seed_value()
    {
        var seed = new StackWinSeed
        {
            Esp = 1,
            Ebp = 2,
            Ebx = 4,
            CbParams = 8,
            CbCalleeParams = 16,
            CbSavedRegs = 32,
            CbLocals = 64,
            RaSearchStart = 128,
        };
        const string Program =
            "$eip $esp $ebp + $ebx + .cbParams + .cbCalleeParams + .cbSavedRegs + .cbLocals + .raSearchStart + = $esi .raSearch = $edi $eip $esi - =";

        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate(Program, seed, new FakeUnwindMemory(), out var result));
        Assert.Equal(255u, result.Eip);
        Assert.Equal(128u, result.Esi);
        Assert.Equal(127u, result.Edi);
        Assert.Equal(StackWinRegisterSet.Eip | StackWinRegisterSet.Esi | StackWinRegisterSet.Edi, result.Assigned);
    }

    [Fact]
    public void A_token_starting_with_equals_is_an_assignment_followed_by_the_rest()
    {
        const string Glued = "$T0 $ebp =$eip $T0 4 + ^ =$ebp $T0 ^ =$esp $T0 8 + =";
        var memory = new FakeUnwindMemory().Write32(0x0012_f040, 0x0012_f0a0).Write32(0x0012_f044, 0x0040_1234);

        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate(Glued, BaseSeed, memory, out var glued));
        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate(Glued.Replace("=$", "= $", StringComparison.Ordinal), BaseSeed, memory, out var spaced));

        Assert.Equal(0x0040_1234u, glued.Eip);
        Assert.Equal(0x0012_f048u, glued.Esp);
        Assert.Equal(0x0012_f0a0u, glued.Ebp);
        Assert.Equal(spaced.Assigned, glued.Assigned);
        Assert.Equal((spaced.Eip, spaced.Esp, spaced.Ebp), (glued.Eip, glued.Esp, glued.Ebp));
    }

    [Fact]
    public void A_double_equals_token_assigns_twice()
    {
        // "$a 7 $b 5 ==" is "$b 5 =" followed by "$a 7 =".
        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate("$eip 7 $esi 5 ==", BaseSeed, new FakeUnwindMemory(), out var result));
        Assert.Equal(7u, result.Eip);
        Assert.Equal(5u, result.Esi);
        Assert.Equal(StackWinEvaluationStatus.StackUnderflow, Evaluate("$eip $esi 5 ==", BaseSeed, new FakeUnwindMemory(), out _));
    }

    [Fact]
    public void Reassigning_a_seeded_register_replaces_it_for_later_reads()
    {
        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate("$ebp $ebp 4 + = $eip $ebp =", BaseSeed, new FakeUnwindMemory(), out var result));
        Assert.Equal(BaseSeed.Ebp + 4, result.Ebp);
        Assert.Equal(BaseSeed.Ebp + 4, result.Eip);
    }

    [Fact]
    public void The_module1_program_reads_eip_before_assigning_it_and_fails()
    {
        var program = Assert.Single(SymFixtureRecords.FrameData("breakpad/sym-edge-cases/module1.sym"), r => r.Address == 0x1000).Program;
        Assert.Equal("$eip 4 + ^ = $esp $ebp 8 + = $ebp $ebp ^ =", program);

        Assert.Equal(StackWinEvaluationStatus.UndefinedVariable, Evaluate(program, BaseSeed, new FakeUnwindMemory { DefaultWord = 0 }, out var result));
        Assert.Equal(default, result);
    }

    [Fact]
    public void Align_rounds_down_to_a_power_of_two_as_in_the_realigned_frame_programs()
    {
        const string Program = "$T1 $ebp 4 + = $T0 $T1 4 - 8 @ = $eip $T1 ^ = $esp $T1 4 + = $ebp $T1 4 - ^ = $esi $T0 =";
        var seed = BaseSeed with { Ebp = 0x0012_f03c };
        var memory = new FakeUnwindMemory().Write32(0x0012_f040, 0x0040_9999).Write32(0x0012_f03c, 0x0012_f100);

        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate(Program, seed, memory, out var result));
        Assert.Equal(0x0040_9999u, result.Eip);
        Assert.Equal(0x0012_f044u, result.Esp);
        Assert.Equal(0x0012_f100u, result.Ebp);
        Assert.Equal(0x0012_f038u, result.Esi);
    }

    [Fact]
    public void Arithmetic_wraps_at_32_bits()
    {
        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate("$eip 4294967295 2 + = $esi 0 1 - = $edi 65536 65536 * = $ebx -8 2 / =", BaseSeed, new FakeUnwindMemory(), out var r));
        Assert.Equal(1u, r.Eip);
        Assert.Equal(0xffff_ffffu, r.Esi);
        Assert.Equal(0u, r.Edi);
        Assert.Equal(0x7fff_fffcu, r.Ebx);
    }

    [Theory]
    [InlineData("$eip 12x =", StackWinEvaluationStatus.InvalidNumber)]
    [InlineData("$eip 0x10 =", StackWinEvaluationStatus.InvalidNumber)]
    [InlineData("$eip 99999999999999999999 =", StackWinEvaluationStatus.InvalidNumber)]
    [InlineData("$eip =", StackWinEvaluationStatus.StackUnderflow)]
    [InlineData("=", StackWinEvaluationStatus.StackUnderflow)]
    [InlineData("$eip + =", StackWinEvaluationStatus.StackUnderflow)]
    [InlineData("^", StackWinEvaluationStatus.StackUnderflow)]
    [InlineData("$eip $esp", StackWinEvaluationStatus.LeftoverValues)]
    [InlineData("$eip 1 = 5", StackWinEvaluationStatus.LeftoverValues)]
    [InlineData("$eip 1 0 / =", StackWinEvaluationStatus.DivisionByZero)]
    [InlineData("$eip 1 0 % =", StackWinEvaluationStatus.DivisionByZero)]
    [InlineData("$eip $esp 12 @ =", StackWinEvaluationStatus.InvalidAlignment)]
    [InlineData("$eip $T0 =", StackWinEvaluationStatus.UndefinedVariable)]
    [InlineData("$eip .cbFoo =", StackWinEvaluationStatus.UndefinedVariable)]
    [InlineData("$eip esp =", StackWinEvaluationStatus.UndefinedVariable)]
    [InlineData("$eip $T0 ^ =", StackWinEvaluationStatus.UndefinedVariable)]
    [InlineData("5 3 =", StackWinEvaluationStatus.InvalidAssignmentTarget)]
    [InlineData(".cbParams 4 =", StackWinEvaluationStatus.InvalidAssignmentTarget)]
    [InlineData("eip 4 =", StackWinEvaluationStatus.InvalidAssignmentTarget)]
    [InlineData("$ 4 =", StackWinEvaluationStatus.InvalidAssignmentTarget)]
    [InlineData("$eip 4096 ^ =", StackWinEvaluationStatus.MemoryReadFailed)]
    public void Each_failure_has_its_own_status(string program, StackWinEvaluationStatus expected)
    {
        var memory = new FakeUnwindMemory().Write32(0x0012_f000, 1);

        Assert.Equal(expected, Evaluate(program, BaseSeed, memory, out var result));
        Assert.Equal(default, result);
    }

    [Fact]
    public void The_stack_and_variable_table_have_fixed_capacities()
    {
        static string Assignments(int count) => string.Concat(Enumerable.Range(0, count).Select(i => $"$v{i} {i} = "));

        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate(Assignments(StackWinEvaluator.MaxVariables), BaseSeed, new FakeUnwindMemory(), out _));
        Assert.Equal(StackWinEvaluationStatus.TooManyVariables, Evaluate(Assignments(StackWinEvaluator.MaxVariables + 1), BaseSeed, new FakeUnwindMemory(), out _));

        // Reassigning one variable over and over needs one slot.
        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate(string.Concat(Enumerable.Repeat("$T0 1 = ", 500)), BaseSeed, new FakeUnwindMemory(), out _));

        var deep = "$eip" + string.Concat(Enumerable.Repeat(" 1", StackWinEvaluator.MaxStackDepth - 1))
            + string.Concat(Enumerable.Repeat(" +", StackWinEvaluator.MaxStackDepth - 2)) + " =";
        Assert.Equal(StackWinEvaluationStatus.Success, Evaluate(deep, BaseSeed, new FakeUnwindMemory(), out var result));
        Assert.Equal((uint)StackWinEvaluator.MaxStackDepth - 1, result.Eip);

        var tooDeep = "$eip" + string.Concat(Enumerable.Repeat(" 1", StackWinEvaluator.MaxStackDepth))
            + string.Concat(Enumerable.Repeat(" +", StackWinEvaluator.MaxStackDepth - 1)) + " =";
        Assert.Equal(StackWinEvaluationStatus.ExpressionTooDeep, Evaluate(tooDeep, BaseSeed, new FakeUnwindMemory(), out _));
    }

    [Fact]
    public void Default_ra_search_start_is_above_locals_saved_registers_and_callee_parameters_unless_the_frame_is_realigned()
    {
        Assert.Equal(0x1000u + 4 + 0x20 + 8, StackWinEvaluator.DefaultRaSearchStart("$T0 .raSearch ="u8, 0x1000, 0x2000, 4, 0x20, 8));
        Assert.Equal(0x2004u, StackWinEvaluator.DefaultRaSearchStart("$T0 $ebp 8 @ ="u8, 0x1000, 0x2000, 4, 0x20, 8));
        Assert.Equal(2u, StackWinEvaluator.DefaultRaSearchStart(""u8, 0xffff_fffe, 0, 4, 0, 0));
    }

    /// <summary>
    /// Fixtures with FrameData program strings, except Breakpad's hand-made module1/module2,
    /// whose program reads <c>$eip</c> before assigning it (see the module1 test above).
    /// </summary>
    public static TheoryData<string> FixturesWithFrameData =>
    [
        .. SymFixtureRecords.FilesContaining("STACK WIN 4")
            .Where(f => !f.Contains("/sym-edge-cases/module", StringComparison.Ordinal) && SymFixtureRecords.FrameData(f).Count > 0),
    ];

    /// <summary>Every FrameData program in the fixtures runs to its end and produces a return address and stack pointer.</summary>
    [Theory]
    [MemberData(nameof(FixturesWithFrameData))]
    public void Every_fixture_frame_data_program_recovers_eip_and_esp(string fixture)
    {
        var memory = new FakeUnwindMemory { DefaultWord = 0x0040_0000 };
        var evaluated = 0;
        foreach (var record in SymFixtureRecords.FrameData(fixture))
        {
            var program = Encoding.ASCII.GetBytes(record.Program);
            const uint Esp = 0x0012_f000, Ebp = 0x0012_f080;
            var seed = new StackWinSeed
            {
                Esp = Esp,
                Ebp = Ebp,
                Ebx = 0x77,
                CbParams = record.ParamSize,
                CbSavedRegs = record.SavedRegSize,
                CbLocals = record.LocalSize,
                RaSearchStart = StackWinEvaluator.DefaultRaSearchStart(program, Esp, Ebp, 0, record.LocalSize, record.SavedRegSize),
            };

            var status = StackWinEvaluator.EvaluateFrameData(program, seed, ref memory, out var result);

            Assert.True(status == StackWinEvaluationStatus.Success, $"{fixture} at 0x{record.Address:x}: {status} for \"{record.Program}\"");
            Assert.True(
                result.Assigned.HasFlag(StackWinRegisterSet.Eip | StackWinRegisterSet.Esp),
                $"{fixture} at 0x{record.Address:x}: assigned {result.Assigned}");
            Assert.Equal(0x0040_0000u, result.Eip);
            evaluated++;
        }

        Assert.True(evaluated > 0);
    }
}
