using static Obs.Minidump.Synth.SyntheticDump;

namespace Obs.Symbolication.Tests.Analysis;

/// <summary>
/// rust-minidump's <c>check_for_guard_pages</c>: an access into a region without permissions,
/// smaller than upstream's guard size limit and adjacent to accessible memory, is flagged, from either memory map source.
/// </summary>
public sealed class GuardPageTests
{
    private const ulong Heap = 0x10_0000_0000;
    private const ulong Guard = Heap + 0x10000;

    private static CrashScenario StoreThroughRbx(ulong rbx)
    {
        // mov qword [rbx], rax
        return CrashScenario.Amd64(0x48, 0x89, 0x03).With("rbx", rbx).AccessViolation(1, rbx);
    }

    private static bool IsFlagged(CrashScenario scenario)
    {
        var crash = scenario.Analyze();
        Assert.Single(crash.MemoryAccesses!);
        return crash.MemoryAccesses![0].IsLikelyGuardPage;
    }

    [Theory]
    [InlineData(0x1000, true)]
    [InlineData(0x8000, true)]
    [InlineData(0x8001, false)]
    [InlineData(0x9000, false)]
    public void A_small_inaccessible_region_after_accessible_memory_is_a_guard_page(ulong guardSize, bool flagged)
    {
        var scenario = StoreThroughRbx(Guard + 0x10);
        scenario.MemoryInfo = [(Heap, 0x10000, PageProtection.ReadWrite), (Guard, guardSize, PageProtection.NoAccess)];

        Assert.Equal(flagged, IsFlagged(scenario));
    }

    [Fact]
    public void Accessible_memory_above_is_enough()
    {
        var scenario = StoreThroughRbx(Guard + 0x10);
        scenario.MemoryInfo = [(Guard, 0x1000, PageProtection.NoAccess), (Guard + 0x1000, 0x10000, PageProtection.ExecuteRead)];

        Assert.True(IsFlagged(scenario));
    }

    [Fact]
    public void Inaccessible_neighbours_or_gaps_do_not_make_a_guard_page()
    {
        var scenario = StoreThroughRbx(Guard + 0x10);
        scenario.MemoryInfo =
        [
            (Heap, 0x10000, PageProtection.NoAccess),
            (Guard, 0x1000, PageProtection.NoAccess),
            (Guard + 0x2000, 0x1000, PageProtection.ReadWrite),
        ];

        Assert.False(IsFlagged(scenario));
    }

    [Theory]
    [InlineData(PageProtection.ReadOnly)]
    [InlineData(PageProtection.ReadWrite | PageProtection.Guard)]
    public void An_accessible_region_is_not_a_guard_page(uint protection)
    {
        // Windows' own PAGE_GUARD modifier is ignored: upstream reads only the access bits.
        var scenario = StoreThroughRbx(Guard + 0x10);
        scenario.MemoryInfo = [(Heap, 0x10000, PageProtection.ReadWrite), (Guard, 0x1000, protection)];

        Assert.False(IsFlagged(scenario));
    }

    [Fact]
    public void Linux_maps_find_a_guard_page_below_a_stack()
    {
        var scenario = StoreThroughRbx(Guard + 0x10);
        scenario.Platform = CrashScenario.Linux;
        scenario.Exception(11, 2, Guard + 0x10);
        scenario.LinuxMaps = [(Guard, Guard + 0x1000, "---p"), (Guard + 0x1000, Guard + 0x21000, "rw-p")];

        Assert.True(IsFlagged(scenario));
    }

    [Fact]
    public void Linux_maps_end_addresses_are_exclusive()
    {
        // A one-page gap between the mappings: not adjacent.
        var scenario = StoreThroughRbx(Guard + 0x10);
        scenario.LinuxMaps = [(Guard, Guard + 0x1000, "---p"), (Guard + 0x2000, Guard + 0x21000, "rw-p")];

        Assert.False(IsFlagged(scenario));
    }

    [Fact]
    public void The_memory_info_list_is_preferred_over_linux_maps()
    {
        var scenario = StoreThroughRbx(Guard + 0x10);
        scenario.MemoryInfo = [(Guard, 0x1000, PageProtection.ReadWrite), (Guard + 0x1000, 0x20000, PageProtection.ReadWrite)];
        scenario.LinuxMaps = [(Guard, Guard + 0x1000, "---p"), (Guard + 0x1000, Guard + 0x21000, "rw-p")];

        Assert.False(IsFlagged(scenario));
    }

    [Fact]
    public void Every_access_is_checked_but_the_instruction_pointer_target_is_not()
    {
        // call qword [rbx]: the operand sits in a guard page, the pushed slot does not; the target is read from memory.
        var scenario = CrashScenario.Amd64(0xff, 0x13).With("rbx", Guard + 0x10).AccessViolation(0, Guard + 0x10);
        scenario.MemoryInfo = [(Heap, 0x10000, PageProtection.ReadWrite), (Guard, 0x1000, PageProtection.NoAccess)];
        var crash = scenario.Analyze();

        Assert.Equal([true, false], crash.MemoryAccesses!.Select(a => a.IsLikelyGuardPage));
        Assert.Null(crash.InstructionPointerUpdate);
    }
}
