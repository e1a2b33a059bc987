using static Obs.Minidump.Synth.SyntheticDump;

namespace Obs.Symbolication.Tests.Analysis;

/// <summary>rust-minidump's <c>check_for_crash_inconsistencies</c> on synthetic crashes.</summary>
public sealed class InconsistencyTests
{
    private const uint IntDivideByZero = 0xc0000094;
    private const uint PrivilegedInstruction = 0xc0000096;
    private const uint StackOverflow = 0xc00000fd;

    private static IReadOnlyList<CrashInconsistency> Check(CrashScenario scenario) => scenario.Analyze().Inconsistencies;

    [Theory]
    [InlineData("48f7f1", true)]
    [InlineData("f77dfc", true)]
    [InlineData("89c8", false)]
    public void A_windows_division_by_zero_needs_a_division(string code, bool consistent)
    {
        var scenario = CrashScenario.Amd64(Convert.FromHexString(code)).Exception(IntDivideByZero, 0, CrashScenario.DefaultRip);

        Assert.Equal(consistent ? [] : [CrashInconsistency.IntDivByZeroNotPossible], Check(scenario));
    }

    [Theory]
    [InlineData(CrashScenario.Linux, 8u, 1u, true)]
    [InlineData(CrashScenario.Linux, 8u, 2u, false)]
    [InlineData(CrashScenario.MacOs, 3u, 1u, true)]
    [InlineData(CrashScenario.MacOs, 3u, 2u, false)]
    public void Linux_and_mac_integer_division_faults_are_checked_too(uint platform, uint code, uint flags, bool isDivideByZero)
    {
        var scenario = CrashScenario.Amd64(0x01, 0xc8).Exception(code, flags, CrashScenario.DefaultRip);
        scenario.Platform = platform;

        Assert.Equal(isDivideByZero ? [CrashInconsistency.IntDivByZeroNotPossible] : [], Check(scenario));
    }

    [Theory]
    [InlineData("fa", true)]
    [InlineData("f4", true)]
    [InlineData("0f01f8", true)]
    [InlineData("cc", true)]
    [InlineData("4889d8", true)]
    [InlineData("90", false)]
    [InlineData("4801d8", false)]
    public void A_privileged_instruction_fault_needs_a_privileged_instruction(string code, bool consistent)
    {
        // Upstream counts every mov as possibly privileged (mov to a control register is).
        var scenario = CrashScenario.Amd64(Convert.FromHexString(code)).Exception(PrivilegedInstruction, 0, CrashScenario.DefaultRip);

        Assert.Equal(consistent ? [] : [CrashInconsistency.PrivInstructionCrashWithoutPrivInstruction], Check(scenario));
    }

    [Fact]
    public void Without_an_instruction_nothing_is_inconsistent()
    {
        Assert.Empty(Check(CrashScenario.Amd64().Exception(IntDivideByZero, 0, CrashScenario.DefaultRip)));
        Assert.Empty(Check(CrashScenario.Amd64().AccessViolation(1, 0x1234)));
    }

    [Fact]
    public void A_write_fault_on_an_instruction_that_only_reads_there_is_inconsistent()
    {
        var scenario = CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", 0x5000).AccessViolation(1, 0x5000);

        Assert.Equal([CrashInconsistency.CrashingAccessNotFoundInMemoryAccesses], Check(scenario));
    }

    [Fact]
    public void A_read_fault_inside_the_access_is_consistent()
    {
        Assert.Empty(Check(CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", 0x5000).AccessViolation(0, 0x5007)));
        Assert.Equal([CrashInconsistency.CrashingAccessNotFoundInMemoryAccesses],
            Check(CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", 0x5000).AccessViolation(0, 0x5008)));
    }

    [Fact]
    public void A_read_modify_write_access_matches_both_read_and_write_faults()
    {
        Assert.Empty(Check(CrashScenario.Amd64(0x01, 0x03).With("rbx", 0x5000).AccessViolation(0, 0x5000)));
        Assert.Empty(Check(CrashScenario.Amd64(0x01, 0x03).With("rbx", 0x5000).AccessViolation(1, 0x5000)));
    }

    [Fact]
    public void An_access_that_wraps_past_the_top_contains_the_top()
    {
        var scenario = CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", ulong.MaxValue - 3).AccessViolation(0, ulong.MaxValue);

        Assert.Empty(Check(scenario));
    }

    [Fact]
    public void Accesses_of_unknown_direction_are_never_called_inconsistent()
    {
        var scenario = CrashScenario.Amd64(0x48, 0x87, 0x03).With("rbx", 0x5000).AccessViolation(1, 0x9000);

        Assert.Empty(Check(scenario));
    }

    [Fact]
    public void An_execute_fault_away_from_rip_is_inconsistent()
    {
        Assert.Equal([CrashInconsistency.CrashingAccessNotFoundInMemoryAccesses],
            Check(CrashScenario.Amd64(0x90).AccessViolation(8, 0x1234)));
        Assert.Empty(Check(CrashScenario.Amd64(0x90).AccessViolation(8, CrashScenario.DefaultRip)));
    }

    [Theory]
    [InlineData(0ul, PageProtection.ReadOnly, true)]
    [InlineData(1ul, PageProtection.ReadOnly, false)]
    [InlineData(1ul, PageProtection.ReadWrite, true)]
    [InlineData(8ul, PageProtection.ReadWrite, false)]
    [InlineData(8ul, PageProtection.ExecuteRead, true)]
    public void A_violation_where_the_memory_map_allows_the_access_is_inconsistent(ulong kind, uint protection, bool allowed)
    {
        // The crash address is rip, which the derivable mov neither reads nor writes.
        const ulong Rip = CrashScenario.DefaultRip;
        var scenario = CrashScenario.Amd64(0x48, 0x89, 0xd8).AccessViolation(kind, Rip);
        scenario.MemoryInfo = [(Rip & ~0xfffUL, 0x1000, protection)];

        var expected = new List<CrashInconsistency>();
        if (kind != 8)
        {
            expected.Add(CrashInconsistency.CrashingAccessNotFoundInMemoryAccesses);
        }

        if (allowed)
        {
            expected.Add(CrashInconsistency.AccessViolationWhenAccessAllowed);
        }

        Assert.Equal(expected, Check(scenario));
    }

    [Fact]
    public void A_stack_overflow_needs_a_memory_access()
    {
        Assert.Empty(Check(CrashScenario.Amd64(0x55).Exception(StackOverflow, 0, CrashScenario.DefaultRip)));
        Assert.Equal([CrashInconsistency.CrashingAccessNotFoundInMemoryAccesses],
            Check(CrashScenario.Amd64(0x89, 0xd8).Exception(StackOverflow, 0, CrashScenario.DefaultRip)));

        // An instruction outside the derivable set says nothing.
        Assert.Empty(Check(CrashScenario.Amd64(0x85, 0xc0).Exception(StackOverflow, 0, CrashScenario.DefaultRip)));
    }

    [Fact]
    public void A_general_protection_fault_on_a_canonical_access_is_falsely_non_canonical()
    {
        var scenario = CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", 0x7fff_0000_1000).AccessViolation(0, ulong.MaxValue);
        var crash = scenario.Analyze();

        Assert.Null(crash.AdjustedAddress);
        Assert.Equal([CrashInconsistency.NonCanonicalAddressFalselyReported], crash.Inconsistencies);
    }

    [Fact]
    public void Movaps_can_fault_on_alignment_so_its_canonical_access_is_not_flagged()
    {
        var scenario = CrashScenario.Amd64(0x0f, 0x28, 0x03).With("rbx", 0x7fff_0000_1008).AccessViolation(0, ulong.MaxValue);

        Assert.Empty(Check(scenario));
    }

    [Fact]
    public void A_general_protection_fault_on_a_non_canonical_access_is_consistent_and_adjusted()
    {
        var crash = CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", 0x8000_0000_0000_0000).AccessViolation(0, ulong.MaxValue).Analyze();

        Assert.Equal(new AdjustedAddress(AdjustedAddressKind.NonCanonical, 0x8000_0000_0000_0000), crash.AdjustedAddress);
        Assert.Empty(crash.Inconsistencies);
    }

    [Fact]
    public void A_jump_to_a_non_canonical_address_is_adjusted()
    {
        var crash = CrashScenario.Amd64(0xff, 0xe0).With("rax", 0x4141_4141_4141_4141).AccessViolation(0, ulong.MaxValue).Analyze();

        Assert.Equal(new AdjustedAddress(AdjustedAddressKind.NonCanonical, 0x4141_4141_4141_4141), crash.AdjustedAddress);
        Assert.Empty(crash.Inconsistencies);
    }

    [Theory]
    [InlineData(CrashScenario.Linux, 11u, 0x80u, 0ul, true)]
    [InlineData(CrashScenario.Linux, 7u, 0x80u, 0ul, true)]
    [InlineData(CrashScenario.Linux, 11u, 1u, 0ul, false)]
    [InlineData(CrashScenario.Linux, 11u, 0x80u, 0x10ul, false)]
    [InlineData(CrashScenario.MacOs, 1u, 13u, 0ul, true)]
    [InlineData(CrashScenario.MacOs, 1u, 1u, 0ul, false)]
    [InlineData(0x8203u, 11u, 0x80u, 0ul, false)]
    public void Each_os_reports_the_general_protection_fault_its_own_way(uint platform, uint code, uint flags, ulong address, bool adjusted)
    {
        var scenario = CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", 0xdead_0000_0000_beef).Exception(code, flags, address);
        scenario.Platform = platform;
        var crash = scenario.Analyze();

        Assert.Equal(adjusted ? new AdjustedAddress(AdjustedAddressKind.NonCanonical, 0xdead_0000_0000_beef) : null, crash.AdjustedAddress);
    }
}
