using System.Globalization;
using System.Text;
using Iced.Intel;

namespace Obs.Symbolication.Analysis;

/// <summary>
/// Formats a decoded amd64 instruction in Intel syntax the way rust-minidump's disassembler
/// (yaxpeax-x86) prints it: <c>mov rax, qword [rbx + 0x10]</c>, <c>rep movs byte es:[rdi], byte ds:[rsi]</c>,
/// <c>call $+0x1c</c>. Iced's <see cref="IntelFormatter"/> does the work; its options give the number,
/// spacing and condition-code style, and a small output filter removes what Iced's Intel syntax adds
/// and yaxpeax's lacks (<c>ptr</c>, branch targets as absolute addresses, size suffixes on string
/// mnemonics, prefixes that have no effect). Not thread-safe: use one instance per thread.
/// </summary>
internal sealed class InstructionFormatter
{
    private readonly IntelFormatter _formatter = Create(alwaysShowSegment: false);

    // yaxpeax writes the segment of every string-instruction operand (es:[rdi]); elsewhere only an override.
    private readonly IntelFormatter _stringFormatter = Create(alwaysShowSegment: true);
    private readonly YaxpeaxStyleOutput _output = new();

    /// <summary>The text of <paramref name="instruction"/>.</summary>
    public string Format(in Instruction instruction)
    {
        _output.Reset();
        (instruction.IsStringInstruction ? _stringFormatter : _formatter).Format(instruction, _output);
        return _output.Finish(instruction);
    }

    private static IntelFormatter Create(bool alwaysShowSegment)
    {
        var formatter = new IntelFormatter(symbolResolver: null, new SignedExtendedImmediates());
        var options = formatter.Options;
        options.HexPrefix = "0x";
        options.HexSuffix = null;
        options.UppercaseHex = false;
        options.SmallHexNumbersInDecimal = false;
        options.AddLeadingZeroToHexNumbers = false;
        options.LeadingZeros = false;
        options.BranchLeadingZeros = false;
        options.DisplacementLeadingZeros = false;
        options.SignedImmediateOperands = false;
        options.SignedMemoryDisplacements = true;
        options.SpaceAfterOperandSeparator = true;
        options.SpaceBetweenMemoryAddOperators = true;
        options.SpaceBetweenMemoryMulOperators = true;
        options.AlwaysShowScale = true;
        options.RipRelativeAddresses = true;
        options.ShowBranchSize = false;
        options.MemorySizeOptions = MemorySizeOptions.Always;
        options.UsePseudoOps = false;
        options.PreferST0 = true;
        options.AlwaysShowSegmentRegister = alwaysShowSegment;

        // yaxpeax names conditions as its jcc opcodes do: jnb, jz, jnz, jna.
        options.CC_b = CC_b.b;
        options.CC_ae = CC_ae.nb;
        options.CC_e = CC_e.z;
        options.CC_ne = CC_ne.nz;
        options.CC_be = CC_be.na;
        options.CC_a = CC_a.a;
        options.CC_p = CC_p.p;
        options.CC_np = CC_np.np;
        options.CC_l = CC_l.l;
        options.CC_ge = CC_ge.ge;
        options.CC_le = CC_le.le;
        options.CC_g = CC_g.g;
        return formatter;
    }

    /// <summary>yaxpeax keeps sign-extended immediates signed (<c>add rax, -0x1</c>) and prints the others unsigned.</summary>
    private sealed class SignedExtendedImmediates : IFormatterOptionsProvider
    {
        public void GetOperandOptions(in Instruction instruction, int operand, int instructionOperand,
            ref FormatterOperandOptions options, ref NumberFormattingOptions numberOptions)
        {
            if (instructionOperand >= 0
                && instruction.GetOpKind(instructionOperand) is OpKind.Immediate8to16 or OpKind.Immediate8to32 or OpKind.Immediate8to64 or OpKind.Immediate32to64)
            {
                numberOptions.SignedNumber = true;
            }
        }
    }

    private sealed class YaxpeaxStyleOutput : FormatterOutput
    {
        private readonly StringBuilder _text = new();
        private bool _dropNextSpace;
        private int _operandsStart;

        public void Reset()
        {
            _text.Clear();
            _dropNextSpace = false;
            _operandsStart = 0;
        }

        public override void Write(string text, FormatterTextKind kind)
        {
            if (kind == FormatterTextKind.Keyword && text is "ptr" or "far")
            {
                _dropNextSpace = true;
                return;
            }

            if (_dropNextSpace)
            {
                _dropNextSpace = false;
                if (text == " ")
                {
                    return;
                }
            }

            _text.Append(text);
        }

        public override void WritePrefix(in Instruction instruction, string text, PrefixKind kind)
        {
            // yaxpeax prints lock, and rep/repnz on string instructions; it drops hints, notrack, bnd,
            // xacquire and size or segment prefixes that change nothing.
            if (kind == PrefixKind.Lock || (instruction.IsStringInstruction && kind is PrefixKind.Rep or PrefixKind.Repe or PrefixKind.Repne))
            {
                Write(kind switch { PrefixKind.Repe => "rep", PrefixKind.Repne => "repnz", _ => text }, FormatterTextKind.Prefix);
            }
            else
            {
                _dropNextSpace = true;
            }
        }

        public override void WriteMnemonic(in Instruction instruction, string text)
        {
            // Iced writes far transfers as two mnemonic words (call far); yaxpeax has one (callf).
            if (text == "far")
            {
                _dropNextSpace = true;
                return;
            }

            if (instruction.IsStringInstruction)
            {
                // movsb, stosq, ...: yaxpeax names the operation and shows the size on the operands.
                text = text[..^1];
            }
            else if (instruction.Mnemonic == Mnemonic.Int3)
            {
                text = "int 0x3";
            }
            else if (instruction.Mnemonic == Mnemonic.Retf)
            {
                text = "retf";
            }
            else if (instruction.IsCallFarIndirect)
            {
                text = "callf";
            }
            else if (instruction.IsJmpFarIndirect)
            {
                text = "jmpf";
            }

            Write(text, FormatterTextKind.Mnemonic);
            _operandsStart = _text.Length + 1;
        }

        public override void WriteNumber(in Instruction instruction, int operand, int instructionOperand, string text, ulong value,
            NumberKind numberKind, FormatterTextKind kind)
        {
            var opKind = instructionOperand >= 0 ? instruction.GetOpKind(instructionOperand) : OpKind.Register;
            if (opKind is OpKind.NearBranch16 or OpKind.NearBranch32 or OpKind.NearBranch64)
            {
                // yaxpeax shows the encoded displacement from the next instruction, not the target.
                var relative = unchecked((long)(value - instruction.NextIP));
                text = relative < 0
                    ? "$-0x" + unchecked((ulong)-relative).ToString("x", CultureInfo.InvariantCulture)
                    : "$+0x" + relative.ToString("x", CultureInfo.InvariantCulture);
            }
            else if (opKind == OpKind.Memory && instruction.MemoryBase == Register.None && instruction.MemoryIndex == Register.None
                && !Amd64Operands.IsMemoryOffsetMove(instruction.Code))
            {
                // An absolute ModRM address is a short field that yaxpeax prints as written, unextended.
                text = "0x" + unchecked((uint)value).ToString("x", CultureInfo.InvariantCulture);
            }

            Write(text, kind);
        }

        public string Finish(in Instruction instruction)
        {
            // Iced leaves out the accumulator of stos, scas and lods; yaxpeax lists it.
            switch (instruction.Mnemonic)
            {
                case Mnemonic.Stosb or Mnemonic.Stosw or Mnemonic.Stosd or Mnemonic.Stosq
                    or Mnemonic.Scasb or Mnemonic.Scasw or Mnemonic.Scasd or Mnemonic.Scasq:
                    _text.Append(", ").Append(AccumulatorName(instruction));
                    break;
                case Mnemonic.Lodsb or Mnemonic.Lodsw or Mnemonic.Lodsd or Mnemonic.Lodsq:
                    _text.Insert(Math.Min(_operandsStart, _text.Length), AccumulatorName(instruction) + ", ");
                    break;
            }

            // A far return has nothing after the dropped "far" but the space before it.
            while (_text.Length > 0 && _text[^1] == ' ')
            {
                _text.Length--;
            }

            return _text.ToString();
        }

        private static string AccumulatorName(in Instruction instruction)
        {
            for (var i = 0; i < instruction.OpCount; i++)
            {
                if (instruction.GetOpKind(i) == OpKind.Register)
                {
                    return instruction.GetOpRegister(i) switch
                    {
                        Register.AL => "al",
                        Register.AX => "ax",
                        Register.EAX => "eax",
                        _ => "rax",
                    };
                }
            }

            return string.Empty;
        }
    }
}
