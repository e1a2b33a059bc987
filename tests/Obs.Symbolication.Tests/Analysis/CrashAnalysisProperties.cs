using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Obs.Minidump.Synth.SyntheticDump;

namespace Obs.Symbolication.Tests.Analysis;

/// <summary>Arbitrary instruction bytes, registers, memory maps and exceptions never break the analysis, and its output stays bounded.</summary>
public sealed class CrashAnalysisProperties
{
    private static readonly string[] GeneralRegisters =
        ["rax", "rcx", "rdx", "rbx", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];

    private static readonly uint[] Platforms = [CrashScenario.Windows, CrashScenario.Linux, CrashScenario.MacOs, 0x8203];

    // Register values that hit the interesting cases: null, small offsets, mapped memory, non-canonical, all ones.
    private static Gen<ulong> Values() => Gen.OneOf(
        Gen.Constant(0UL),
        Gen.Choose(0, 0x3000).Select(v => (ulong)v),
        Gen.Choose(0, 0xffff).Select(v => 0x7fff_0000_0000UL + (ulong)v),
        Gen.Elements(0x8000_0000_0000_0000UL, 0x0001_7fff_0000_0000UL, ulong.MaxValue, 0xe5e5_e5e5_e5e5_e5e5UL),
        ArbMap.Default.GeneratorFor<ulong>());

    private static Gen<CrashScenario> Scenarios() =>
        from length in Gen.Choose(0, 16)
        from code in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), length)
        from registers in Gen.ArrayOf(Values(), GeneralRegisters.Length)
        from platform in Gen.Elements(Platforms)
        from exceptionCode in Gen.Elements(0xc0000005u, 0xc0000094u, 0xc0000096u, 0xc00000fdu, 11u, 8u, 7u, 1u, 3u)
        from flags in Gen.Elements(0u, 1u, 2u, 13u, 0x80u)
        from kind in Gen.Elements(0UL, 1UL, 8UL, 3UL)
        from address in Values()
        from mapBase in Values()
        from useMaps in ArbMap.Default.GeneratorFor<bool>()
        from stackLength in Gen.Choose(0, 16)
        from stack in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), stackLength)
        select Build(code, registers, platform, exceptionCode, flags, kind, address, mapBase & ~0xfffUL, useMaps, stack);

    private static CrashScenario Build(byte[] code, ulong[] registers, uint platform, uint exceptionCode, uint flags, ulong kind,
        ulong address, ulong mapBase, bool useMaps, byte[] stack)
    {
        var scenario = CrashScenario.Amd64(code);
        scenario.Platform = platform;
        for (var i = 0; i < GeneralRegisters.Length; i++)
        {
            scenario.With(GeneralRegisters[i], registers[i]);
        }

        scenario.Exception(exceptionCode, flags, address, kind, address);
        scenario.Stack = stack;
        scenario.Memory.Add((mapBase | 0x800, [1, 2, 3, 4, 5, 6, 7, 8, 9]));
        if (useMaps)
        {
            scenario.LinuxMaps = [(mapBase, mapBase + 0x1000, "---p"), (mapBase + 0x1000, mapBase + 0x9000, "rw-p")];
        }
        else
        {
            scenario.MemoryInfo = [(mapBase, 0x1000, PageProtection.NoAccess), (mapBase + 0x1000, 0x8000, PageProtection.ExecuteReadWrite)];
        }

        return scenario;
    }

    [Property(MaxTest = 300)]
    public Property Arbitrary_crashes_never_throw_and_stay_bounded() =>
        Prop.ForAll(Scenarios().ToArbitrary(), scenario =>
        {
            var crash = scenario.Analyze();

            // At most two memory operands plus the stack slot; flips: the crash address and at most
            // four operand registers, each flipped once per bit and once more to null.
            var accessesBounded = crash.MemoryAccesses is null || crash.MemoryAccesses.Count <= 3;
            var flipsBounded = crash.PossibleBitFlips.Count <= 5 * 65;
            var confidencesValid = crash.PossibleBitFlips.All(f => f.Confidence is >= 0f and <= 1f);
            var fieldsTogether = crash.Instruction is not null
                || (crash.MemoryAccesses is null && crash.InstructionPointerUpdate is null && crash.AdjustedAddress is null);
            return (accessesBounded && flipsBounded && confidencesValid && fieldsTogether && crash.Inconsistencies.Count <= 2)
                .Label($"{crash.Instruction}: {crash.MemoryAccesses?.Count} accesses, {crash.PossibleBitFlips.Count} flips");
        });

    [Property(MaxTest = 200)]
    public Property An_adjusted_null_pointer_offset_is_always_an_access_or_target_with_a_null_base() =>
        Prop.ForAll(Scenarios().ToArbitrary(), scenario =>
        {
            var crash = scenario.Analyze();
            if (crash.AdjustedAddress is not { Kind: AdjustedAddressKind.NullPointerWithOffset } adjusted)
            {
                return true;
            }

            var fromAccess = crash.MemoryAccesses!.Any(a => a.IsLikelyNullPointerDereference && a.Address == adjusted.Value);
            var fromTarget = crash.InstructionPointerUpdate is { IsUpdate: true, IsLikelyNullPointerDereference: true } update
                && update.Address == adjusted.Value;
            return (fromAccess || fromTarget) && crash.PossibleBitFlips.Count == 0;
        });
}
