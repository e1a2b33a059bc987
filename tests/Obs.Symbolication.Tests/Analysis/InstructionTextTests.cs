using Iced.Intel;
using Obs.Symbolication.Analysis;

namespace Obs.Symbolication.Tests.Analysis;

/// <summary>
/// The crashing instruction's text follows yaxpeax-x86's Intel display, which rust-minidump prints:
/// size keywords without <c>ptr</c>, lowercase <c>0x</c> hex, spaced operators with the scale always
/// shown, relative branches as <c>$±offset</c>, string instructions with their implicit operands.
/// </summary>
public sealed class InstructionTextTests
{
    public static TheoryData<string, string> Texts => new()
    {
        // Memory operand forms.
        { "8a03", "mov al, byte [rbx]" },
        { "668b03", "mov ax, word [rbx]" },
        { "488b4310", "mov rax, qword [rbx + 0x10]" },
        { "488b8500f8ffff", "mov rax, qword [rbp - 0x800]" },
        { "8a04b500000000", "mov al, byte [rsi * 4]" },
        { "8a040b", "mov al, byte [rbx + rcx * 1]" },
        { "428a440910", "mov al, byte [rcx + r9 * 1 + 0x10]" },
        { "4a8b4409f0", "mov rax, qword [rcx + r9 * 1 - 0x10]" },
        { "418a84d9ffffff7f", "mov al, byte [r9 + rbx * 8 + 0x7fffffff]" },
        { "488b057f7f7f7f", "mov rax, qword [rip + 0x7f7f7f7f]" },
        { "64488b042528000000", "mov rax, qword fs:[0x28]" },
        { "8b0425ffffffff", "mov eax, dword [0xffffffff]" },
        { "48a11122334455667788", "mov rax, qword [0x8877665544332211]" },
        { "67488b03", "mov rax, qword [ebx]" },
        { "3e488b00", "mov rax, qword [rax]" },
        { "0f1f440000", "nop dword [rax + rax * 1]" },
        { "488d4310", "lea rax, [rbx + 0x10]" },
        { "0fb600", "movzx eax, byte [rax]" },
        { "48634104", "movsxd rax, dword [rcx + 0x4]" },
        { "0f2800", "movaps xmm0, xmmword [rax]" },
        { "c5fc2800", "vmovaps ymm0, ymmword [rax]" },
        { "0f2e00", "ucomiss xmm0, dword [rax]" },
        { "f00fb111", "lock cmpxchg dword [rcx], edx" },

        // Immediates: sign-extended ones signed, the others as written.
        { "4883c0ff", "add rax, -0x1" },
        { "48c700ffffffff", "mov qword [rax], -0x1" },
        { "b8ffffffff", "mov eax, 0xffffffff" },
        { "c600ff", "mov byte [rax], 0xff" },
        { "6aff", "push -0x1" },
        { "48817a0800100000", "cmp qword [rdx + 0x8], 0x1000" },

        // Branches: relative ones as the encoded offset, condition names as yaxpeax's opcodes.
        { "e801000000", "call $+0x1" },
        { "ebfe", "jmp $-0x2" },
        { "74fe", "jz $-0x2" },
        { "7500", "jnz $+0x0" },
        { "7300", "jnb $+0x0" },
        { "7600", "jna $+0x0" },
        { "7c10", "jl $+0x10" },
        { "480f44c1", "cmovz rax, rcx" },
        { "ffd0", "call rax" },
        { "ff20", "jmp qword [rax]" },
        { "ff157f7f7f7f", "call qword [rip + 0x7f7f7f7f]" },
        { "ff18", "callf fword [rax]" },
        { "c3", "ret" },
        { "c20800", "ret 0x8" },
        { "cb", "retf" },

        // String instructions: no size suffix, segments and the accumulator shown.
        { "a4", "movs byte es:[rdi], byte ds:[rsi]" },
        { "f3a4", "rep movs byte es:[rdi], byte ds:[rsi]" },
        { "f348ab", "rep stos qword es:[rdi], rax" },
        { "ac", "lods al, byte ds:[rsi]" },
        { "f2ae", "repnz scas byte es:[rdi], al" },
        { "f3a6", "rep cmps byte ds:[rsi], byte es:[rdi]" },

        // Prefixes that change nothing are not shown.
        { "f3c3", "ret" },
        { "3effe0", "jmp rax" },
        { "f2c3", "ret" },

        // Others.
        { "cc", "int 0x3" },
        { "cd29", "int 0x29" },
        { "0f0b", "ud2" },
        { "48f7f1", "div rcx" },
        { "f77dfc", "idiv dword [rbp - 0x4]" },
        { "fa", "cli" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Instructions_print_as_rust_minidump_prints_them(string code, string text)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(Convert.FromHexString(code)), 0x7ff6_1000_1000);
        decoder.Decode(out var instruction);

        Assert.Equal(text, new InstructionFormatter().Format(instruction));
    }

    [Fact]
    public void A_formatter_can_be_reused()
    {
        var formatter = new InstructionFormatter();
        foreach (var (code, text) in new[] { ("ac", "lods al, byte ds:[rsi]"), ("cb", "retf"), ("488b03", "mov rax, qword [rbx]") })
        {
            var decoder = Decoder.Create(64, new ByteArrayCodeReader(Convert.FromHexString(code)), 0x1000);
            decoder.Decode(out var instruction);
            Assert.Equal(text, formatter.Format(instruction));
        }
    }

    [Fact]
    public void The_crash_info_carries_the_text()
    {
        var crash = CrashScenario.Amd64(0x48, 0x8b, 0x43, 0x10).With("rbx", 0x1000).AccessViolation(0, 0x1010).Analyze();

        Assert.Equal("mov rax, qword [rbx + 0x10]", crash.Instruction);
    }
}
