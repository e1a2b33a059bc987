namespace Obs.Symbolication.Tests.Analysis;

/// <summary>
/// rust-minidump's <c>op_analysis.rs</c> amd64 tests (<c>access_test</c>): every memory access the
/// instruction makes has the expected size, and the accessed addresses are exactly the expected ones.
/// </summary>
public sealed class UpstreamOpAnalysisTests
{
    public static TheoryData<string, string, string, byte, ulong[]> Cases => new()
    {
        // test_reg_deref
        { "test_reg_deref mov al, [rbx]", "8a03", "rbx=badc0ffebadc0ffe", 1, [0xbadc0ffebadc0ffe] },
        { "test_reg_deref mov ax, [rbx]", "668b03", "rbx=badc0ffebadc0ffe", 2, [0xbadc0ffebadc0ffe] },
        { "test_reg_deref mov eax, [rbx]", "8b03", "rbx=badc0ffebadc0ffe", 4, [0xbadc0ffebadc0ffe] },
        { "test_reg_deref mov rax, [rbx]", "488b03", "rbx=badc0ffebadc0ffe", 8, [0xbadc0ffebadc0ffe] },

        // test_base_disp
        { "test_base_disp mov al, [rbp + 0x800]", "8a8500080000", "rbp=1000", 1, [0x1800] },
        { "test_base_disp mov ax, [rbp + 0x800]", "668b8500080000", "rbp=1000", 2, [0x1800] },
        { "test_base_disp mov eax, [rbp + 0x800]", "8b8500080000", "rbp=1000", 4, [0x1800] },
        { "test_base_disp mov rax, [rbp + 0x800]", "488b8500080000", "rbp=1000", 8, [0x1800] },
        { "test_base_disp mov rax, [rbp - 0x800]", "488b8500f8ffff", "rbp=1000", 8, [0x800] },

        // test_index_scale
        { "test_index_scale mov al, [rsi * 4]", "8a04b500000000", "rsi=1000", 1, [0x4000] },
        { "test_index_scale mov ax, [rsi * 4]", "668b04b500000000", "rsi=1000", 2, [0x4000] },
        { "test_index_scale mov eax, [rsi * 4]", "8b04b500000000", "rsi=1000", 4, [0x4000] },
        { "test_index_scale mov rax, [rsi * 4]", "488b04b500000000", "rsi=1000", 8, [0x4000] },

        // test_base_index
        { "test_base_index mov al, [rbx + rcx]", "8a040b", "rbx=1000,rcx=234", 1, [0x1234] },
        { "test_base_index mov ax, [rbx + rcx]", "668b040b", "rbx=1000,rcx=234", 2, [0x1234] },
        { "test_base_index mov eax, [rbx + rcx]", "8b040b", "rbx=1000,rcx=234", 4, [0x1234] },
        { "test_base_index mov rax, [rbx + rcx]", "488b040b", "rbx=1000,rcx=234", 8, [0x1234] },

        // test_base_index_disp
        { "test_base_index_disp mov al, [rcx + r9 + 16]", "428a440910", "rcx=4000,r9=2000", 1, [0x6010] },
        { "test_base_index_disp mov ax, [rcx + r9 + 16]", "66428b440910", "rcx=4000,r9=2000", 2, [0x6010] },
        { "test_base_index_disp mov eax, [rcx + r9 + 16]", "428b440910", "rcx=4000,r9=2000", 4, [0x6010] },
        { "test_base_index_disp mov rax, [rcx + r9 + 16]", "4a8b440910", "rcx=4000,r9=2000", 8, [0x6010] },
        { "test_base_index_disp mov rax, [rcx + r9 - 16]", "4a8b4409f0", "rcx=4000,r9=2000", 8, [0x5ff0] },

        // test_index_scale_disp
        { "test_index_scale_disp mov al, [r13 * 8 + 0x100000]", "428a04ed00001000", "r13=1000", 1, [0x108000] },
        { "test_index_scale_disp mov ax, [r13 * 8 + 0x100000]", "66428b04ed00001000", "r13=1000", 2, [0x108000] },
        { "test_index_scale_disp mov eax, [r13 * 8 + 0x100000]", "428b04ed00001000", "r13=1000", 4, [0x108000] },
        { "test_index_scale_disp mov rax, [r13 * 8 + 0x100000]", "4a8b04ed00001000", "r13=1000", 8, [0x108000] },
        { "test_index_scale_disp mov rax, [r13 * 8 - 0x100000]", "4a8b04ed0000f0ff", "r13=1000", 8, [0xfffffffffff08000] },

        // test_base_index_scale
        { "test_base_index_scale mov al, [r12 + r14 * 2]", "438a0474", "r12=8000,r14=10000", 1, [0x28000] },
        { "test_base_index_scale mov ax, [r12 + r14 * 2]", "66438b0474", "r12=8000,r14=10000", 2, [0x28000] },
        { "test_base_index_scale mov eax, [r12 + r14 * 2]", "438b0474", "r12=8000,r14=10000", 4, [0x28000] },
        { "test_base_index_scale mov rax, [r12 + r14 * 2]", "4b8b0474", "r12=8000,r14=10000", 8, [0x28000] },

        // test_base_index_scale_disp
        { "test_base_index_scale_disp mov al, [r9 + rbx * 8 + 0x7fffffff]", "418a84d9ffffff7f", "r9=100001,rbx=1000", 1, [0x80108000] },
        { "test_base_index_scale_disp mov ax, [r9 + rbx * 8 + 0x7fffffff]", "66418b84d9ffffff7f", "r9=100001,rbx=1000", 2, [0x80108000] },
        { "test_base_index_scale_disp mov eax, [r9 + rbx * 8 + 0x7fffffff]", "418b84d9ffffff7f", "r9=100001,rbx=1000", 4, [0x80108000] },
        { "test_base_index_scale_disp mov rax, [r9 + rbx * 8 + 0x7fffffff]", "498b84d9ffffff7f", "r9=100001,rbx=1000", 8, [0x80108000] },
        { "test_base_index_scale_disp mov rax, [r9 + rbx * 8 - 0x7fffffff]", "498b84d901000080", "r9=100001,rbx=1000", 8, [0xffffffff80108002] },

        // test_string_copy
        { "test_string_copy movsb", "a4", "rsi=1000,rdi=2000,rcx=a", 1, [0x2000, 0x1000] },
        { "test_string_copy movsw", "66a5", "rsi=1000,rdi=2000,rcx=a", 2, [0x2000, 0x1000] },
        { "test_string_copy movsd", "a5", "rsi=1000,rdi=2000,rcx=a", 4, [0x2000, 0x1000] },
        { "test_string_copy movsq", "48a5", "rsi=1000,rdi=2000,rcx=a", 8, [0x2000, 0x1000] },
        { "test_string_copy rep movsb", "f3a4", "rsi=1000,rdi=2000,rcx=a", 1, [0x2000, 0x1000] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Memory_accesses_have_the_expected_size_and_addresses(string name, string code, string registers, byte size, ulong[] addresses)
    {
        Assert.NotEmpty(name);
        var scenario = CrashScenario.Amd64(Convert.FromHexString(code));
        foreach (var assignment in registers.Split(','))
        {
            var parts = assignment.Split('=');
            scenario.With(parts[0], Convert.ToUInt64(parts[1], 16));
        }

        var accesses = scenario.Analyze().MemoryAccesses;

        Assert.NotNull(accesses);
        Assert.All(accesses, access => Assert.Equal(size, access.Size));
        Assert.Equal(addresses.Order(), accesses.Select(a => a.Address).Order());
    }
}
