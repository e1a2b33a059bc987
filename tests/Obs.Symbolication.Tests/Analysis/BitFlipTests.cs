using Obs.Minidump;
using Obs.Symbolication.Analysis;
using static Obs.Minidump.Synth.SyntheticDump;

namespace Obs.Symbolication.Tests.Analysis;

/// <summary>rust-minidump's bit-flip detection (<c>check_for_bitflips</c>) and its confidence heuristics.</summary>
public sealed class BitFlipTests
{
    // A readable region one flipped bit above the faulting addresses the tests use.
    private const ulong Mapped = 0x7fff_1234_0000;
    private const ulong Flipped = 0x7ffe_1234_0000;

    private static CrashScenario LoadThroughRbx(ulong rbx, ulong crashAddress, uint protection = PageProtection.ReadOnly)
    {
        var scenario = CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", rbx).AccessViolation(0, crashAddress);
        scenario.MemoryInfo = [(Mapped, 0x10000, protection)];
        return scenario;
    }

    [Fact]
    public void A_fault_one_bit_from_readable_memory_suggests_the_mapped_address_for_the_access_and_its_register()
    {
        var crash = LoadThroughRbx(Flipped + 0x5678, Flipped + 0x5678).Analyze();

        var details = new BitFlipDetails(false, false, false, 0, false);
        Assert.Equal(
            [new PossibleBitFlip(Mapped + 0x5678, null, details, 0.25f), new PossibleBitFlip(Mapped + 0x5678, "rbx", details, 0.25f)],
            crash.PossibleBitFlips);
    }

    [Fact]
    public void The_base_of_the_access_containing_the_crash_address_is_what_is_flipped()
    {
        // The fault is reported inside the qword, but the flipped value is the pointer itself.
        var crash = LoadThroughRbx(Flipped + 0x5678, Flipped + 0x567c).Analyze();

        Assert.Equal([Mapped + 0x5678, Mapped + 0x5678], crash.PossibleBitFlips.Select(f => f.Address));
    }

    [Fact]
    public void A_write_fault_only_considers_writable_memory()
    {
        var scenario = LoadThroughRbx(Flipped + 0x5678, Flipped + 0x5678);
        scenario.AccessViolation(1, Flipped + 0x5678);

        Assert.Empty(scenario.Analyze().PossibleBitFlips);
        scenario.MemoryInfo = [(Mapped, 0x10000, PageProtection.ReadWrite)];
        Assert.Equal(2, scenario.Analyze().PossibleBitFlips.Count);
    }

    [Fact]
    public void An_address_inside_allowed_memory_has_no_flips()
    {
        Assert.Empty(LoadThroughRbx(Mapped + 0x10, Mapped + 0x10).Analyze().PossibleBitFlips);
    }

    [Fact]
    public void A_fault_closer_to_memory_than_the_access_size_is_an_off_by_one_not_a_flip()
    {
        var end = Mapped + 0x10000;
        var crash = LoadThroughRbx(end, end).Analyze();

        Assert.Empty(crash.PossibleBitFlips);
    }

    [Fact]
    public void A_register_near_the_corrected_address_raises_the_confidence()
    {
        var crash = LoadThroughRbx(Flipped + 0x5678, Flipped + 0x5678).With("rdx", Mapped + 0x5000).Analyze();

        Assert.All(crash.PossibleBitFlips, flip =>
        {
            Assert.Equal(new BitFlipDetails(false, false, false, 1, false), flip.Details);
            Assert.Equal(0.625f, flip.Confidence);
        });
    }

    [Fact]
    public void A_poison_pattern_in_a_register_halves_the_confidence()
    {
        var crash = LoadThroughRbx(Flipped + 0x5678, Flipped + 0x5678).With("r11", 0xe5e5_e5e5_e5e5_e5e5).Analyze();

        Assert.All(crash.PossibleBitFlips, flip =>
        {
            Assert.True(flip.Details.PoisonRegisters);
            Assert.Equal(0.125f, flip.Confidence);
        });
    }

    [Fact]
    public void A_repeated_byte_that_is_not_a_poison_pattern_does_not_count()
    {
        var crash = LoadThroughRbx(Flipped + 0x5678, Flipped + 0x5678).With("r11", 0x4141_4141_4141_4141).Analyze();

        Assert.All(crash.PossibleBitFlips, flip => Assert.False(flip.Details.PoisonRegisters));
    }

    [Fact]
    public void A_low_address_one_bit_from_null_suggests_null()
    {
        var crash = CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", 0x1000).AccessViolation(0, 0x1000).Analyze();

        var details = new BitFlipDetails(false, true, true, 0, false);
        Assert.Equal([new PossibleBitFlip(0, null, details, 0.4375f), new PossibleBitFlip(0, "rbx", details, 0.4375f)], crash.PossibleBitFlips);
    }

    [Fact]
    public void A_high_address_one_bit_from_null_is_not_low()
    {
        var crash = CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", 0x1_0000).AccessViolation(0, 0x1_0000).Analyze();

        Assert.All(crash.PossibleBitFlips, flip => Assert.Equal(new BitFlipDetails(false, true, false, 0, false), flip.Details));
        Assert.All(crash.PossibleBitFlips, flip => Assert.Equal(0.625f, flip.Confidence));
    }

    [Fact]
    public void Register_flips_follow_the_crash_address_in_ordinal_register_order()
    {
        // mov rax, qword [r9 + rbx * 8]: r9 flips into the mapped region, rbx (small) flips to null.
        var scenario = CrashScenario.Amd64(0x49, 0x8b, 0x04, 0xd9).With("r9", Flipped).With("rbx", 0x10).AccessViolation(0, Flipped + 0x80);
        scenario.MemoryInfo = [(Mapped, 0x10000, PageProtection.ReadOnly)];
        var crash = scenario.Analyze();

        Assert.Equal([(Mapped + 0x80, null), (Mapped, "r9"), (0UL, "rbx")],
            crash.PossibleBitFlips.Select(f => (f.Address, f.SourceRegister)));
    }

    [Fact]
    public void A_non_canonical_address_is_flipped_in_its_high_bits()
    {
        var scenario = CrashScenario.Amd64(0x48, 0x8b, 0x03).With("rbx", 0x0001_7fff_1234_0010).AccessViolation(0, ulong.MaxValue);
        scenario.MemoryInfo = [(Mapped, 0x10000, PageProtection.ReadOnly)];
        var crash = scenario.Analyze();

        Assert.Equal(new AdjustedAddress(AdjustedAddressKind.NonCanonical, 0x0001_7fff_1234_0010), crash.AdjustedAddress);
        var details = new BitFlipDetails(true, false, false, 0, false);
        var confidence = 1f - ((1f - 0.25f) * (1f - 0.9f));
        Assert.Equal([new PossibleBitFlip(Mapped + 0x10, null, details, confidence), new PossibleBitFlip(Mapped + 0x10, "rbx", details, confidence)],
            crash.PossibleBitFlips);
    }

    [Fact]
    public void A_null_pointer_adjustment_suppresses_flips()
    {
        var scenario = CrashScenario.Amd64(0x48, 0x8b, 0x43, 0x10).With("rbx", 0).AccessViolation(0, 0x10);
        scenario.MemoryInfo = [(0x1_0000, 0x10000, PageProtection.ReadOnly)];

        Assert.Empty(scenario.Analyze().PossibleBitFlips);
    }

    [Fact]
    public void Without_instruction_analysis_the_crash_address_is_still_flipped()
    {
        var scenario = CrashScenario.Amd64().AccessViolation(0, Flipped + 0x10);
        scenario.MemoryInfo = [(Mapped, 0x10000, PageProtection.ReadOnly)];

        Assert.Equal([(Mapped + 0x10, (string?)null)], scenario.Analyze().PossibleBitFlips.Select(f => (f.Address, f.SourceRegister)));
    }

    [Theory]
    [InlineData(MinidumpContextFormat.X86, "eip")]
    [InlineData(MinidumpContextFormat.Arm64, "pc")]
    public void Thirty_two_bit_cpus_and_arm64_have_no_flips(MinidumpContextFormat format, string ip)
    {
        var scenario = new CrashScenario { Format = format }.With(ip, 0x40_1000).AccessViolation(0, 0x7fe_0010);
        scenario.MemoryInfo = [(0x7ff_0000, 0x10000, PageProtection.ReadOnly)];

        Assert.Empty(scenario.Analyze().PossibleBitFlips);
    }

    [Theory]
    [InlineData(false, false, false, 0u, false, 0.25f)]
    [InlineData(false, false, false, 0u, true, 0.125f)]
    [InlineData(false, true, true, 0u, false, 0.4375f)]
    [InlineData(false, true, false, 0u, false, 0.625f)]
    [InlineData(false, false, false, 1u, false, 0.625f)]
    [InlineData(false, false, false, 9u, false, 1f - (0.75f * (1f - (0.5f + 0.15f))))]
    [InlineData(true, false, false, 2u, false, 1f - (0.75f * (1f - 0.9f) * (1f - (0.5f + 0.05f))))]
    public void Confidence_combines_the_heuristics_in_single_precision(bool nonCanonical, bool isNull, bool wasLow, uint nearby, bool poison,
        float expected)
    {
        Assert.Equal(expected, BitFlipDetector.Confidence(new BitFlipDetails(nonCanonical, isNull, wasLow, nearby, poison)));
    }
}
