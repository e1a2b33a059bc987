using Microsoft.Extensions.Logging.Abstractions;
using Obs.Minidump;
using Obs.Symbolication.Analysis;
using Obs.Testing;

namespace Obs.Symbolication.Tests.Analysis;

/// <summary>The crash analysis of the real fixture dumps.</summary>
public sealed class FixtureCrashAnalysisTests
{
    public static TheoryData<string> Dumps => [.. TestFixtures.Find("", "*.dmp")];

    private static CrashInfo? Analyze(string fixture)
    {
        var dump = MinidumpFile.Read(TestFixtures.Bytes(fixture));
        MinidumpSystemInfo? systemInfo;
        MinidumpExceptionStream? exception;
        try
        {
            systemInfo = dump.GetSystemInfo();
            exception = dump.GetException();
        }
        catch (MinidumpException)
        {
            return null;
        }

        if (systemInfo is null || exception is null)
        {
            return null;
        }

        MinidumpContext? context;
        try
        {
            context = exception.GetContext();
        }
        catch (MinidumpException)
        {
            context = null;
        }

        return CrashAnalyzer.Analyze(new OptionalStreams(dump, NullLogger.Instance), exception, context, systemInfo, NullLogger.Instance);
    }

    [Theory]
    [MemberData(nameof(Dumps))]
    public void Every_fixture_dump_is_analysed_without_throwing(string fixture)
    {
        var crash = Analyze(fixture);
        if (crash is null)
        {
            return;
        }

        // Instruction fields come together: no accesses or target without an instruction.
        if (crash.Instruction is null)
        {
            Assert.Null(crash.MemoryAccesses);
            Assert.Null(crash.InstructionPointerUpdate);
            Assert.Null(crash.AdjustedAddress);
        }

        Assert.True(crash.Inconsistencies.Count <= 2);
    }

    [Fact]
    public async Task The_processor_fills_the_crash_info_of_an_amd64_dump()
    {
        using var dump = MinidumpFile.Open(TestFixtures.Path("rust-minidump/dumps/pipeline-inlines-macos-segv.dmp"));
        var state = await MinidumpProcessor.ProcessAsync(dump, new LocalSymbolSupplier([]), cancellationToken: TestContext.Current.CancellationToken);

        var crash = state.Crash!;
        Assert.Equal("EXC_BAD_ACCESS / KERN_INVALID_ADDRESS", crash.Reason);
        Assert.Equal("mov byte [0x80000042], 0x1", crash.Instruction);
        Assert.Equal([new MemoryAccess(0xffff_ffff_8000_0042, 1, MemoryAccessType.Write, false, false)], crash.MemoryAccesses);
        Assert.Equal(new InstructionPointerUpdate(false, 0, false), crash.InstructionPointerUpdate);
        Assert.Null(crash.AdjustedAddress);
        Assert.Empty(crash.Inconsistencies);
    }

    [Fact]
    public void A_windows_non_canonical_write_through_a_null_base_is_a_null_pointer()
    {
        var crash = Analyze("breakpad/dumps/write_av_non_canonical.dmp")!;

        Assert.Equal("EXCEPTION_ACCESS_VIOLATION_READ", crash.Reason);
        Assert.Equal(ulong.MaxValue, crash.Address);
        Assert.Equal("mov qword [rax + rcx * 1], 0x41414141", crash.Instruction);
        var access = Assert.Single(crash.MemoryAccesses!);
        Assert.Equal(MemoryAccessType.Write, access.AccessType);
        Assert.True(access.IsLikelyNullPointerDereference);
        Assert.Equal(new AdjustedAddress(AdjustedAddressKind.NullPointerWithOffset, access.Address), crash.AdjustedAddress);
        Assert.Empty(crash.PossibleBitFlips);
        Assert.Empty(crash.Inconsistencies);
    }

    [Theory]
    [InlineData("breakpad/dumps/linux_divide_by_zero.dmp", "idiv dword [rbp - 0x4]")]
    [InlineData("breakpad/dumps/linux_null_dereference.dmp", "mov dword [rax], 0x5")]
    [InlineData("breakpad/dumps/linux_jmp_to_module_not_exe_region.dmp", "ret")]
    [InlineData("breakpad/dumps/tiny-exe-fastfail.dmp", "int 0x29")]
    [InlineData("rust-minidump/dumps/linux-mini.dmp", "mov dword [0x45], 0x5")]
    public void Amd64_fixture_crashes_decode_their_instruction(string fixture, string text)
    {
        Assert.Equal(text, Analyze(fixture)!.Instruction);
    }

    [Fact]
    public void A_linux_null_write_is_a_null_pointer_without_flips()
    {
        var crash = Analyze("breakpad/dumps/linux_null_dereference.dmp")!;

        Assert.Equal(new AdjustedAddress(AdjustedAddressKind.NullPointerWithOffset, 0), crash.AdjustedAddress);
        Assert.Equal([new MemoryAccess(0, 4, MemoryAccessType.Write, true, false)], crash.MemoryAccesses);
        Assert.Empty(crash.PossibleBitFlips);
    }

    [Fact]
    public void A_return_to_a_non_executable_module_region_reads_its_target_from_the_stack()
    {
        var crash = Analyze("breakpad/dumps/linux_jmp_to_module_not_exe_region.dmp")!;

        var update = crash.InstructionPointerUpdate!;
        Assert.True(update.IsUpdate);
        Assert.Equal(MemoryAccessType.Read, Assert.Single(crash.MemoryAccesses!).AccessType);
    }

    [Fact]
    public void A_low_write_suggests_the_module_address_one_bit_away()
    {
        var crash = Analyze("breakpad/dumps/linux_write_to_under_4k.dmp")!;

        Assert.Equal(0xf93UL, crash.Address);
        Assert.Equal([(0x400f93UL, (string?)null), (0x400f93UL, "rax")], crash.PossibleBitFlips.Select(f => (f.Address, f.SourceRegister)));
        Assert.All(crash.PossibleBitFlips, flip => Assert.Equal(2u, flip.Details.NearbyRegisters));
    }

    [Theory]
    [InlineData("rust-minidump/dumps/test.dmp")]
    [InlineData("breakpad/dumps/null_read_av.dmp")]
    public void X86_fixture_crashes_have_no_instruction_analysis(string fixture)
    {
        var crash = Analyze(fixture)!;

        Assert.Null(crash.Instruction);
        Assert.Null(crash.MemoryAccesses);
        Assert.Null(crash.InstructionPointerUpdate);
        Assert.Empty(crash.PossibleBitFlips);
        Assert.Empty(crash.Inconsistencies);
    }
}
