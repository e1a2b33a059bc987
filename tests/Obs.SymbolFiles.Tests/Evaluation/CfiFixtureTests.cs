using System.Text;

namespace Obs.SymbolFiles.Tests.Evaluation;

/// <summary>STACK CFI rules taken verbatim from the fixture symbol files.</summary>
public sealed class CfiFixtureTests
{
    private const string Module1 = "breakpad/sym-edge-cases/module1.sym";
    private const string Libc = "breakpad/symbols/libc-2.13.so/F4F8DFCD5A5FB5A7CE64717E9E6AE3890/libc-2.13.so.sym";

    private static readonly string[] X86Registers = ["eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eip"];

    private static readonly string[] Amd64Registers =
        ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"];

    public static TheoryData<int> Module1WalkAddresses => [0x3d40, 0x3d41, 0x3d43, 0x3d54, 0x3d5a, 0x3d84];

    /// <summary>
    /// Breakpad's <c>basic_source_line_resolver_unittest.cc</c> walk (fixtures README §6.4): the
    /// callee's registers change instruction by instruction, the recovered caller never does.
    /// </summary>
    [Theory]
    [MemberData(nameof(Module1WalkAddresses))]
    public void Module1_x86_walk_recovers_the_same_caller_at_every_address(int address)
    {
        var record = Assert.Single(SymFixtureRecords.Cfi(Module1));
        Assert.Equal(0x3d40UL, record.Address);

        var memory = new FakeUnwindMemory { DefaultWord = 0xdeadbeef }
            .Write32(0x10008, 0x98ecadc3)
            .Write32(0x1000c, 0x878f7524)
            .Write32(0x10010, 0x6312f9a5)
            .Write32(0x10014, 0x10038)
            .Write32(0x10018, 0xf6438648);
        var context = new FakeFrameContext(4, memory)
            .Set("esp", 0x10018).Set("ebp", 0x10038).Set("ebx", 0x98ecadc3).Set("esi", 0x878f7524).Set("edi", 0x6312f9a5);
        (int At, string Register, uint Value)[] changes =
            [(0x3d41, "esp", 0x10014), (0x3d43, "ebp", 0x10014), (0x3d54, "ebx", 0x6864f054), (0x3d5a, "esi", 0x6285f79a), (0x3d84, "edi", 0x64061449)];
        foreach (var (at, register, value) in changes)
        {
            if (at <= address)
            {
                context.Set(register, value);
            }
        }

        var rules = Encoding.ASCII.GetBytes(record.RulesAt((ulong)address));
        var status = CfiEvaluator.Evaluate(rules, ref context, out var cfa, out var ra);

        Assert.Equal(CfiEvaluationStatus.Success, status);
        Assert.Equal(0x1001cUL, cfa);
        Assert.Equal(0xf6438648UL, ra);
        var expectedCaller = new Dictionary<string, ulong>
        {
            ["ebp"] = 0x10038,
            ["ebx"] = 0x98ecadc3,
            ["esi"] = 0x878f7524,
            ["edi"] = 0x6312f9a5,
        };
        var recoveredFrom = new Dictionary<string, int> { ["ebp"] = 0x3d43, ["ebx"] = 0x3d54, ["esi"] = 0x3d5a, ["edi"] = 0x3d84 };
        var expected = expectedCaller.Where(r => recoveredFrom[r.Key] <= address).ToDictionary();
        Assert.Equal(expected, context.CallerRegisters());
    }

    public static TheoryData<int> LibcAddresses => [0x1eba0, 0x1ebab, 0x1ebac, 0x1ebba, 0x1ebc7, 0x1edaf];

    [Theory]
    [MemberData(nameof(LibcAddresses))]
    public void Libc_amd64_rules_recover_cfa_ra_and_callee_saved_registers(int address)
    {
        const ulong Rsp = 0x7ffd_5000_1000;
        var record = SymFixtureRecords.Cfi(Libc).Single(r => r.Address == 0x1eba0);
        Assert.Equal(0x210UL, record.Size);
        Assert.Equal(3, record.Deltas.Count);

        var memory = new FakeUnwindMemory();
        for (var slot = Rsp - 64; slot <= Rsp + 128; slot += 8)
        {
            memory.Write64(slot, Slot(slot));
        }

        var context = new FakeFrameContext(8, memory).Set("rsp", Rsp).Set("rbp", 1).Set("rbx", 2).Set("r12", 3).Set("r13", 4);

        var status = CfiEvaluator.Evaluate(Encoding.ASCII.GetBytes(record.RulesAt((ulong)address)), ref context, out var cfa, out var ra);

        Assert.Equal(CfiEvaluationStatus.Success, status);
        var expectedCfa = address >= 0x1ebba ? Rsp + 80 : Rsp + 8;
        Assert.Equal(expectedCfa, cfa);
        Assert.Equal(Slot(expectedCfa - 8), ra);
        var expected = new Dictionary<string, ulong>();
        if (address >= 0x1ebac)
        {
            expected["rbp"] = Slot(expectedCfa - 32);
            expected["rbx"] = Slot(expectedCfa - 40);
        }

        if (address >= 0x1ebc7)
        {
            expected["r12"] = Slot(expectedCfa - 24);
            expected["r13"] = Slot(expectedCfa - 16);
        }

        Assert.Equal(expected, context.CallerRegisters());

        static ulong Slot(ulong slotAddress) => 0x5a5a_0000_0000_0000 | slotAddress;
    }

    public static TheoryData<string> FixturesWithCfi => [.. SymFixtureRecords.FilesContaining("STACK CFI")];

    /// <summary>
    /// Every rule set in the fixtures (each INIT, and each INIT with its deltas up to each delta
    /// address) evaluates when all registers and memory are available, and recovers every
    /// register it has a rule for. The few real rule sets without a <c>.cfa</c> rule (ld.so's
    /// <c>.ra: $rip</c> trampolines) or without a <c>.ra</c> rule (<c>_start</c>, whose return
    /// address DWARF marks undefined) are rejected with the matching status.
    /// </summary>
    [Theory]
    [MemberData(nameof(FixturesWithCfi))]
    public void Every_fixture_rule_set_evaluates_and_recovers_each_register_it_names(string fixture)
    {
        var architecture = SymFixtureRecords.Architecture(fixture);
        var (pointerSize, registers) = architecture switch
        {
            "x86" => (4, X86Registers),
            "x86_64" => (8, Amd64Registers),
            _ => throw new InvalidOperationException("unexpected architecture " + architecture),
        };
        var context = new FakeFrameContext(pointerSize, new FakeUnwindMemory { DefaultWord = 0x1000 });
        for (var i = 0; i < registers.Length; i++)
        {
            context.Set(registers[i], 0x20000 + ((ulong)i * 0x100));
        }

        var evaluated = 0;
        foreach (var record in SymFixtureRecords.Cfi(fixture))
        {
            var addresses = new List<ulong> { record.Address };
            addresses.AddRange(record.Deltas.Select(d => d.Address));
            foreach (var address in addresses)
            {
                var text = record.RulesAt(address);
                context.ClearCallerRegisters();
                var status = CfiEvaluator.Evaluate(Encoding.ASCII.GetBytes(text), ref context, out _, out _);

                var named = text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
                    .Where(t => t.EndsWith(':'))
                    .Select(t => t.TrimStart('$').TrimEnd(':'))
                    .ToHashSet();
                var expected = !named.Contains(".cfa") ? CfiEvaluationStatus.MissingCfaRule
                    : !named.Contains(".ra") ? CfiEvaluationStatus.MissingReturnAddressRule
                    : CfiEvaluationStatus.Success;
                Assert.True(status == expected, $"{fixture} at 0x{address:x}: {status} for \"{text}\"");
                named.ExceptWith([".cfa", ".ra"]);
                Assert.Equal(status == CfiEvaluationStatus.Success ? named : [], context.CallerRegisters().Keys.ToHashSet());
                evaluated += status == CfiEvaluationStatus.Success ? 1 : 0;
            }
        }

        Assert.True(evaluated > 0);
    }
}
