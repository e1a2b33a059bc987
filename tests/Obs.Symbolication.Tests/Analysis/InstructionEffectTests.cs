using System.Buffers.Binary;

namespace Obs.Symbolication.Tests.Analysis;

/// <summary>The memory accesses, instruction-pointer update and adjusted address of synthetic amd64 crashes.</summary>
public sealed class InstructionEffectTests
{
    private const ulong Rip = CrashScenario.DefaultRip;
    private const ulong Rsp = CrashScenario.DefaultRsp;

    private static byte[] Qword(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static MemoryAccess Access(ulong address, byte? size, MemoryAccessType type, bool isNull = false) =>
        new(address, size, type, isNull, IsLikelyGuardPage: false);

    private static readonly InstructionPointerUpdate NoUpdate = new(false, 0, false);

    [Fact]
    public void A_load_reads_its_operand_and_leaves_rip_alone()
    {
        var crash = CrashScenario.Amd64(0x48, 0x8b, 0x43, 0x10).With("rbx", 0x1234_5678_0000).AccessViolation(0, 0x1234_5678_0010).Analyze();

        Assert.Equal("EXCEPTION_ACCESS_VIOLATION_READ", crash.Reason);
        Assert.Equal(0x1234_5678_0010UL, crash.Address);
        Assert.Equal([Access(0x1234_5678_0010, 8, MemoryAccessType.Read)], crash.MemoryAccesses);
        Assert.Equal(NoUpdate, crash.InstructionPointerUpdate);
        Assert.Null(crash.AdjustedAddress);
        Assert.Empty(crash.PossibleBitFlips);
        Assert.Empty(crash.Inconsistencies);
    }

    [Fact]
    public void A_store_through_a_null_base_is_a_null_pointer_with_an_offset()
    {
        // mov dword [rax + 0x18], ecx
        var crash = CrashScenario.Amd64(0x89, 0x48, 0x18).With("rax", 0).AccessViolation(1, 0x18).Analyze();

        Assert.Equal("mov dword [rax + 0x18], ecx", crash.Instruction);
        Assert.Equal([Access(0x18, 4, MemoryAccessType.Write, isNull: true)], crash.MemoryAccesses);
        Assert.Equal(new AdjustedAddress(AdjustedAddressKind.NullPointerWithOffset, 0x18), crash.AdjustedAddress);
        Assert.Empty(crash.PossibleBitFlips);
        Assert.Empty(crash.Inconsistencies);
    }

    [Fact]
    public void An_absolute_low_address_is_not_a_null_base()
    {
        // mov dword [0x45], 0x5: no base register, so nothing says a pointer was null.
        var crash = CrashScenario.Amd64(0xc7, 0x04, 0x25, 0x45, 0, 0, 0, 5, 0, 0, 0).AccessViolation(1, 0x45).Analyze();

        Assert.Equal("mov dword [0x45], 0x5", crash.Instruction);
        Assert.Equal([Access(0x45, 4, MemoryAccessType.Write)], crash.MemoryAccesses);
        Assert.Null(crash.AdjustedAddress);
    }

    [Theory]
    [InlineData("0101", "add dword [rcx], eax", 4, MemoryAccessType.ReadWrite)]
    [InlineData("0301", "add eax, dword [rcx]", 4, MemoryAccessType.Read)]
    [InlineData("29 01", "sub dword [rcx], eax", 4, MemoryAccessType.ReadWrite)]
    [InlineData("48ff01", "inc qword [rcx]", 8, MemoryAccessType.ReadWrite)]
    [InlineData("fe09", "dec byte [rcx]", 1, MemoryAccessType.ReadWrite)]
    [InlineData("803948", "cmp byte [rcx], 0x48", 1, MemoryAccessType.Read)]
    [InlineData("0f2e01", "ucomiss xmm0, dword [rcx]", 4, MemoryAccessType.Read)]
    [InlineData("0f1101", "movups xmmword [rcx], xmm0", 16, MemoryAccessType.Write)]
    [InlineData("0f2801", "movaps xmm0, xmmword [rcx]", 16, MemoryAccessType.Read)]
    [InlineData("488701", "xchg qword [rcx], rax", 8, MemoryAccessType.Underivable)]
    [InlineData("0fb601", "movzx eax, byte [rcx]", 1, MemoryAccessType.Underivable)]
    [InlineData("f00fb111", "lock cmpxchg dword [rcx], edx", 4, MemoryAccessType.Underivable)]
    public void Each_operand_access_has_the_direction_its_opcode_implies(string code, string text, byte size, MemoryAccessType type)
    {
        var crash = CrashScenario.Amd64(Convert.FromHexString(code.Replace(" ", "", StringComparison.Ordinal)))
            .With("rcx", 0x5000_0000).AccessViolation(0, 0x5000_0000).Analyze();

        Assert.Equal(text, crash.Instruction);
        Assert.Equal([Access(0x5000_0000, size, type)], crash.MemoryAccesses);
        Assert.Equal(NoUpdate, crash.InstructionPointerUpdate);
    }

    [Theory]
    [InlineData("4889c8", "mov rax, rcx")]
    [InlineData("488d4310", "lea rax, [rbx + 0x10]")]
    [InlineData("7400", "jz $+0x0")]
    public void Instructions_without_memory_access_have_an_empty_list(string code, string text)
    {
        var crash = CrashScenario.Amd64(Convert.FromHexString(code)).With("rbx", 0).AccessViolation(0, 0x10).Analyze();

        Assert.Equal(text, crash.Instruction);
        Assert.NotNull(crash.MemoryAccesses);
        Assert.Empty(crash.MemoryAccesses);
    }

    [Fact]
    public void A_push_writes_below_rsp()
    {
        var crash = CrashScenario.Amd64(0x55).Exception(0xc00000fd, 0, Rip, 1, Rsp - 8).Analyze();

        Assert.Equal("push rbp", crash.Instruction);
        Assert.Equal([Access(Rsp - 8, 8, MemoryAccessType.Write)], crash.MemoryAccesses);
        Assert.Equal(NoUpdate, crash.InstructionPointerUpdate);
        Assert.Empty(crash.Inconsistencies);
    }

    [Fact]
    public void A_16_bit_push_writes_two_bytes()
    {
        var crash = CrashScenario.Amd64(0x66, 0x50).AccessViolation(1, Rsp - 8).Analyze();

        Assert.Equal([Access(Rsp - 8, 2, MemoryAccessType.Write)], crash.MemoryAccesses);
    }

    [Fact]
    public void A_pop_to_memory_writes_its_operand_and_reads_the_stack()
    {
        var crash = CrashScenario.Amd64(0x8f, 0x00).With("rax", 0x6000_0000).AccessViolation(1, 0x6000_0000).Analyze();

        Assert.Equal("pop qword [rax]", crash.Instruction);
        Assert.Equal([Access(0x6000_0000, 8, MemoryAccessType.Write), Access(Rsp, 8, MemoryAccessType.Read)], crash.MemoryAccesses);
    }

    [Fact]
    public void A_push_from_memory_reads_its_operand_and_writes_the_stack()
    {
        var crash = CrashScenario.Amd64(0xff, 0x30).With("rax", 0x6000_0000).AccessViolation(0, 0x6000_0000).Analyze();

        Assert.Equal("push qword [rax]", crash.Instruction);
        Assert.Equal([Access(0x6000_0000, 8, MemoryAccessType.Read), Access(Rsp - 8, 8, MemoryAccessType.Write)], crash.MemoryAccesses);
    }

    [Fact]
    public void A_return_reads_the_stack_and_goes_to_the_address_there()
    {
        var scenario = CrashScenario.Amd64(0xc3).AccessViolation(8, 0x7ff6_1000_2000);
        scenario.Stack = Qword(0x7ff6_1000_2000);
        var crash = scenario.Analyze();

        Assert.Equal([Access(Rsp, 8, MemoryAccessType.Read)], crash.MemoryAccesses);
        Assert.Equal(new InstructionPointerUpdate(true, 0x7ff6_1000_2000, false), crash.InstructionPointerUpdate);
        Assert.Null(crash.AdjustedAddress);
    }

    [Fact]
    public void A_return_to_null_is_a_null_pointer()
    {
        var scenario = CrashScenario.Amd64(0xc3).AccessViolation(8, 0);
        scenario.Stack = Qword(0);
        var crash = scenario.Analyze();

        Assert.Equal(new InstructionPointerUpdate(true, 0, true), crash.InstructionPointerUpdate);
        Assert.Equal(new AdjustedAddress(AdjustedAddressKind.NullPointerWithOffset, 0), crash.AdjustedAddress);
    }

    [Fact]
    public void A_return_whose_stack_was_not_captured_has_no_known_target()
    {
        var crash = CrashScenario.Amd64(0xc2, 0x08, 0x00).AccessViolation(8, 0x10).Analyze();

        Assert.Equal("ret 0x8", crash.Instruction);
        Assert.Equal([Access(Rsp, 8, MemoryAccessType.Read)], crash.MemoryAccesses);
        Assert.Null(crash.InstructionPointerUpdate);
    }

    [Fact]
    public void A_call_through_a_register_goes_to_its_value_and_pushes()
    {
        var crash = CrashScenario.Amd64(0xff, 0xd0).With("rax", 0x7ff6_1000_5000).AccessViolation(8, 0x7ff6_1000_5000).Analyze();

        Assert.Equal("call rax", crash.Instruction);
        Assert.Equal([Access(Rsp - 8, 8, MemoryAccessType.Write)], crash.MemoryAccesses);
        Assert.Equal(new InstructionPointerUpdate(true, 0x7ff6_1000_5000, false), crash.InstructionPointerUpdate);
    }

    [Fact]
    public void A_call_through_a_null_register_is_a_null_pointer()
    {
        var crash = CrashScenario.Amd64(0xff, 0xd0).With("rax", 0).AccessViolation(8, 0).Analyze();

        Assert.Equal(new InstructionPointerUpdate(true, 0, true), crash.InstructionPointerUpdate);
        Assert.Equal(new AdjustedAddress(AdjustedAddressKind.NullPointerWithOffset, 0), crash.AdjustedAddress);
    }

    [Fact]
    public void A_call_through_memory_reads_the_target_from_the_dump()
    {
        var scenario = CrashScenario.Amd64(0xff, 0x50, 0x08).With("rax", 0x2000_0000).AccessViolation(8, 0x7ff6_1000_3000);
        scenario.Memory.Add((0x2000_0008, Qword(0x7ff6_1000_3000)));
        var crash = scenario.Analyze();

        Assert.Equal("call qword [rax + 0x8]", crash.Instruction);
        Assert.Equal([Access(0x2000_0008, 8, MemoryAccessType.Read), Access(Rsp - 8, 8, MemoryAccessType.Write)], crash.MemoryAccesses);
        Assert.Equal(new InstructionPointerUpdate(true, 0x7ff6_1000_3000, false), crash.InstructionPointerUpdate);
    }

    [Fact]
    public void A_call_through_uncaptured_memory_has_no_known_target()
    {
        var crash = CrashScenario.Amd64(0xff, 0x50, 0x08).With("rax", 0x2000_0000).AccessViolation(0, 0x2000_0008).Analyze();

        Assert.Null(crash.InstructionPointerUpdate);
        Assert.Equal(2, crash.MemoryAccesses!.Count);
    }

    [Fact]
    public void A_rip_relative_jump_reads_its_slot_at_rip_plus_the_displacement_as_upstream_does()
    {
        // jmp qword [rip + 0x100]: upstream adds the displacement to the crashing instruction's rip.
        var scenario = CrashScenario.Amd64(0xff, 0x25, 0x00, 0x01, 0x00, 0x00).AccessViolation(8, 0x7ff6_1000_4000);
        scenario.Memory.Add((Rip + 0x100, Qword(0x7ff6_1000_4000)));
        var crash = scenario.Analyze();

        Assert.Equal("jmp qword [rip + 0x100]", crash.Instruction);
        Assert.Equal([Access(Rip + 0x100, 8, MemoryAccessType.Read)], crash.MemoryAccesses);
        Assert.Equal(new InstructionPointerUpdate(true, 0x7ff6_1000_4000, false), crash.InstructionPointerUpdate);
    }

    [Fact]
    public void A_direct_call_pushes_but_its_target_is_not_evaluated()
    {
        var crash = CrashScenario.Amd64(0xe8, 0xfb, 0x0f, 0x00, 0x00).AccessViolation(1, Rsp - 8).Analyze();

        Assert.Equal("call $+0xffb", crash.Instruction);
        Assert.Equal([Access(Rsp - 8, 8, MemoryAccessType.Write)], crash.MemoryAccesses);
        Assert.Null(crash.InstructionPointerUpdate);
    }

    [Fact]
    public void A_conditional_jump_has_no_known_target()
    {
        var crash = CrashScenario.Amd64(0x74, 0xfe).AccessViolation(8, Rip).Analyze();

        Assert.Equal("jz $-0x2", crash.Instruction);
        Assert.Null(crash.InstructionPointerUpdate);
    }

    [Fact]
    public void A_rep_movs_accesses_both_strings_with_unknown_direction()
    {
        var crash = CrashScenario.Amd64(0xf3, 0x48, 0xa5).With("rsi", 0x3000).With("rdi", 0x0).With("rcx", 4).AccessViolation(1, 0).Analyze();

        Assert.Equal("rep movs qword es:[rdi], qword ds:[rsi]", crash.Instruction);
        Assert.Equal([Access(0, 8, MemoryAccessType.Underivable, isNull: true), Access(0x3000, 8, MemoryAccessType.Underivable)],
            crash.MemoryAccesses);
        Assert.Equal(new AdjustedAddress(AdjustedAddressKind.NullPointerWithOffset, 0), crash.AdjustedAddress);
    }

    [Fact]
    public void A_rep_stos_accesses_the_destination()
    {
        var crash = CrashScenario.Amd64(0xf3, 0xaa).With("rdi", 0x4000).AccessViolation(1, 0x4000).Analyze();

        Assert.Equal("rep stos byte es:[rdi], al", crash.Instruction);
        Assert.Equal([Access(0x4000, 1, MemoryAccessType.Underivable)], crash.MemoryAccesses);
    }

    [Fact]
    public void A_32_bit_address_register_leaves_the_accesses_unknown()
    {
        // The amd64 context has no ebx, so upstream cannot compute the address either.
        var crash = CrashScenario.Amd64(0x67, 0x48, 0x8b, 0x03).With("rbx", 0x1000).AccessViolation(0, 0x1000).Analyze();

        Assert.Equal("mov rax, qword [ebx]", crash.Instruction);
        Assert.Null(crash.MemoryAccesses);
        Assert.Equal(NoUpdate, crash.InstructionPointerUpdate);
        Assert.Null(crash.AdjustedAddress);
    }

    [Fact]
    public void A_segment_base_is_not_added()
    {
        var crash = CrashScenario.Amd64(0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0).AccessViolation(0, 0x28).Analyze();

        Assert.Equal("mov rax, qword fs:[0x28]", crash.Instruction);
        Assert.Equal([Access(0x28, 8, MemoryAccessType.Read)], crash.MemoryAccesses);
    }

    [Fact]
    public void A_negative_absolute_address_is_sign_extended()
    {
        // mov byte [0x80000042], 0x1, as in pipeline-inlines-macos-segv.dmp.
        var crash = CrashScenario.Amd64(0xc6, 0x04, 0x25, 0x42, 0x00, 0x00, 0x80, 0x01).AccessViolation(1, 0xffff_ffff_8000_0042).Analyze();

        Assert.Equal("mov byte [0x80000042], 0x1", crash.Instruction);
        Assert.Equal([Access(0xffff_ffff_8000_0042, 1, MemoryAccessType.Write)], crash.MemoryAccesses);
        Assert.Empty(crash.Inconsistencies);
    }

    [Fact]
    public void The_first_null_base_wins_over_a_non_canonical_address()
    {
        // mov qword [rax + rcx * 1], 0x41414141 with rax null and rcx non-canonical, as in write_av_non_canonical.dmp.
        var crash = CrashScenario.Amd64(0x48, 0xc7, 0x04, 0x08, 0x41, 0x41, 0x41, 0x41)
            .With("rax", 0).With("rcx", 0xff00_ff00_ff00_fefe).AccessViolation(0, ulong.MaxValue).Analyze();

        Assert.Equal(new AdjustedAddress(AdjustedAddressKind.NullPointerWithOffset, 0xff00_ff00_ff00_fefe), crash.AdjustedAddress);
        Assert.Empty(crash.PossibleBitFlips);
        Assert.Empty(crash.Inconsistencies);
    }

    [Theory]
    [InlineData("488b", "truncated")]
    [InlineData("06", "invalid in 64-bit mode")]
    [InlineData("", "not captured")]
    public void An_instruction_that_cannot_be_decoded_leaves_every_instruction_field_null(string code, string why)
    {
        var crash = CrashScenario.Amd64(Convert.FromHexString(code)).With("rbx", 0).AccessViolation(0, 0x10).Analyze();

        Assert.NotEmpty(why);
        Assert.Null(crash.Instruction);
        Assert.Null(crash.MemoryAccesses);
        Assert.Null(crash.InstructionPointerUpdate);
        Assert.Null(crash.AdjustedAddress);
        Assert.Equal("EXCEPTION_ACCESS_VIOLATION_READ", crash.Reason);
    }

    [Fact]
    public void An_x86_crash_has_no_instruction_analysis()
    {
        var scenario = new CrashScenario { Format = Obs.Minidump.MinidumpContextFormat.X86, Code = [0x8b, 0x03] }
            .With("eip", 0x40_1000).With("esp", 0x12_0000).With("ebx", 0);
        var crash = scenario.AccessViolation(0, 0).Analyze();

        Assert.Null(crash.Instruction);
        Assert.Null(crash.MemoryAccesses);
        Assert.Null(crash.InstructionPointerUpdate);
        Assert.Null(crash.AdjustedAddress);
        Assert.Empty(crash.PossibleBitFlips);
        Assert.Empty(crash.Inconsistencies);
    }
}
