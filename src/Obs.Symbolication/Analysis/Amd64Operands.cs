using Iced.Intel;
using Obs.Minidump;

namespace Obs.Symbolication.Analysis;

/// <summary>
/// The memory operands of a decoded amd64 instruction, in the shape rust-minidump reads them from
/// its disassembler (an optional base and index register, a scale and a displacement), and the
/// address they name under a thread's registers.
/// </summary>
internal static class Amd64Operands
{
    /// <summary>Whether operand <paramref name="operand"/> refers to memory (string operands included).</summary>
    public static bool IsMemory(in Instruction instruction, int operand) => instruction.GetOpKind(operand) is OpKind.Memory
        or OpKind.MemorySegSI or OpKind.MemorySegESI or OpKind.MemorySegRSI
        or OpKind.MemorySegDI or OpKind.MemorySegEDI or OpKind.MemorySegRDI
        or OpKind.MemoryESDI or OpKind.MemoryESEDI or OpKind.MemoryESRDI;

    /// <summary>Whether any operand refers to memory.</summary>
    public static bool HasMemoryOperand(in Instruction instruction)
    {
        for (var i = 0; i < instruction.OpCount; i++)
        {
            if (IsMemory(instruction, i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The <c>mov</c> forms with a full-width absolute address (the moffs forms).</summary>
    public static bool IsMemoryOffsetMove(Code code) => code is Code.Mov_AL_moffs8 or Code.Mov_AX_moffs16 or Code.Mov_EAX_moffs32
        or Code.Mov_RAX_moffs64 or Code.Mov_moffs8_AL or Code.Mov_moffs16_AX or Code.Mov_moffs32_EAX or Code.Mov_moffs64_RAX;

    /// <summary>The base and index registers of memory operand <paramref name="operand"/>; <see cref="Register.None"/> where absent.</summary>
    public static (Register Base, Register Index) GetRegisters(in Instruction instruction, int operand) => instruction.GetOpKind(operand) switch
    {
        OpKind.Memory => (instruction.MemoryBase, instruction.MemoryIndex),
        OpKind.MemorySegSI => (Register.SI, Register.None),
        OpKind.MemorySegESI => (Register.ESI, Register.None),
        OpKind.MemorySegRSI => (Register.RSI, Register.None),
        OpKind.MemorySegDI or OpKind.MemoryESDI => (Register.DI, Register.None),
        OpKind.MemorySegEDI or OpKind.MemoryESEDI => (Register.EDI, Register.None),
        OpKind.MemorySegRDI or OpKind.MemoryESRDI => (Register.RDI, Register.None),
        _ => (Register.None, Register.None),
    };

    /// <summary>
    /// The context register name of <paramref name="register"/>, or null. An amd64 context knows
    /// the full-width general registers and rip only, so rust-minidump fails to read any other
    /// register (a narrower address register, a vector index) and so does this.
    /// </summary>
    public static string? ContextName(Register register) => register switch
    {
        Register.RAX => "rax",
        Register.RCX => "rcx",
        Register.RDX => "rdx",
        Register.RBX => "rbx",
        Register.RSP => "rsp",
        Register.RBP => "rbp",
        Register.RSI => "rsi",
        Register.RDI => "rdi",
        Register.R8 => "r8",
        Register.R9 => "r9",
        Register.R10 => "r10",
        Register.R11 => "r11",
        Register.R12 => "r12",
        Register.R13 => "r13",
        Register.R14 => "r14",
        Register.R15 => "r15",
        Register.RIP => "rip",
        _ => null,
    };

    /// <summary>Reads <paramref name="register"/> from the context; false when the context has no valid value for it.</summary>
    public static bool TryRead(MinidumpContext context, Register register, out ulong value)
    {
        if (ContextName(register) is { } name)
        {
            return context.TryGetRegister(name, out value);
        }

        value = 0;
        return false;
    }

    /// <summary>
    /// The address memory operand <paramref name="operand"/> names, computed as rust-minidump
    /// computes it: base + index × scale + displacement, wrapping, with segment bases ignored. A
    /// rip-relative operand adds its displacement to the crashing instruction's own rip (not the
    /// next instruction's), and a short absolute address field is sign-extended, as upstream does.
    /// </summary>
    /// <returns>False when a register the operand uses has no valid value.</returns>
    public static bool TryComputeAddress(in Instruction instruction, int operand, MinidumpContext context,
        out ulong address, out bool isNullBase)
    {
        address = 0;
        isNullBase = false;
        var (baseRegister, indexRegister) = GetRegisters(instruction, operand);
        var isModRmMemory = instruction.GetOpKind(operand) == OpKind.Memory;

        if (baseRegister != Register.None)
        {
            if (!TryRead(context, baseRegister, out var baseValue))
            {
                return false;
            }

            address = baseValue;
            isNullBase = baseValue == 0;
        }

        if (indexRegister != Register.None)
        {
            if (!TryRead(context, indexRegister, out var indexValue))
            {
                return false;
            }

            address = unchecked(address + (indexValue * (ulong)instruction.MemoryIndexScale));
        }

        if (isModRmMemory)
        {
            address = unchecked(address + Displacement(instruction, baseRegister, indexRegister));
        }

        return true;
    }

    private static ulong Displacement(in Instruction instruction, Register baseRegister, Register indexRegister)
    {
        var displacement = instruction.MemoryDisplacement64;
        if (baseRegister is Register.RIP or Register.EIP)
        {
            // Iced resolves the target from the next instruction; recover the encoded displacement.
            return unchecked(displacement - instruction.NextIP);
        }

        if (baseRegister == Register.None && indexRegister == Register.None && !IsMemoryOffsetMove(instruction.Code))
        {
            return unchecked((ulong)(long)(int)(uint)displacement);
        }

        return displacement;
    }
}
