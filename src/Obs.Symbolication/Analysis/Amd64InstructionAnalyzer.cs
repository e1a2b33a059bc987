using Iced.Intel;
using Microsoft.Extensions.Logging;
using Obs.Minidump;

namespace Obs.Symbolication.Analysis;

/// <summary>
/// Decodes the amd64 instruction at a context's rip with Iced and derives what rust-minidump's
/// <c>op_analysis</c> derives from its own disassembler: the text, the memory accesses with their
/// directions and sizes, where the instruction pointer goes, and the properties the crash
/// inconsistency checks ask about. Heuristic like upstream; its quirks are kept on purpose.
/// </summary>
internal static partial class Amd64InstructionAnalyzer
{
    private const int MaximumInstructionLength = 15;

    /// <summary>Analyses the instruction at <c>rip</c> of <paramref name="context"/>.</summary>
    /// <param name="context">An amd64 context.</param>
    /// <param name="findMemory">Finds the captured memory region holding an address (the dump's memory list).</param>
    /// <param name="stackMemory">The crashing thread's stack memory, where a return reads its target.</param>
    /// <param name="logger">Receives why a part could not be analysed, as upstream warns.</param>
    /// <returns>The analysis, or null when no instruction could be decoded at rip.</returns>
    public static InstructionAnalysis? Analyze(MinidumpContext context, Func<ulong, MinidumpMemoryRegion?> findMemory,
        MinidumpMemoryRegion? stackMemory, ILogger logger)
    {
        var rip = context.InstructionPointer;
        if (findMemory(rip) is not { } region || !region.Contains(rip))
        {
            LogNotAnalysed(logger, "failed to read memory at instruction pointer");
            return null;
        }

        var available = region.Bytes.Span[(int)(rip - region.BaseAddress)..];
        var bytes = available[..Math.Min(available.Length, MaximumInstructionLength)].ToArray();
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(bytes), rip, DecoderOptions.None);
        decoder.Decode(out var instruction);
        if (decoder.LastError != DecoderError.None || instruction.IsInvalid)
        {
            LogNotAnalysed(logger, decoder.LastError == DecoderError.NoMoreBytes
                ? "byte slice contained truncated instruction"
                : "failed to decode instruction");
            return null;
        }

        var derivable = IsAccessDerivable(instruction);
        var accesses = FindMemoryAccesses(instruction, context, derivable);
        if (accesses is null)
        {
            LogAccessesUnknown(logger);
        }

        var pointerUpdate = FindPointerUpdate(instruction, context, findMemory, stackMemory, out var registerInvalid);
        if (registerInvalid)
        {
            LogPointerUpdateUnknown(logger);
        }

        return new InstructionAnalysis
        {
            Text = new InstructionFormatter().Format(instruction),
            IsAccessDerivable = derivable,
            IsDivision = instruction.Mnemonic is Mnemonic.Div or Mnemonic.Idiv,
            IsPrivileged = IsPrivileged(instruction),
            IsOnlyGpfWhenNonCanonical = derivable && instruction.Mnemonic != Mnemonic.Movaps,
            MemoryAccesses = accesses,
            PointerUpdate = pointerUpdate,
            Registers = MemoryOperandRegisters(instruction),
        };
    }

    /// <summary>
    /// The opcodes whose memory behaviour upstream models: common in crashes, or known to show up
    /// in inconsistent ones. The others only report their explicit memory operands, direction unknown.
    /// </summary>
    private static bool IsAccessDerivable(in Instruction instruction) => instruction.Mnemonic switch
    {
        Mnemonic.Add or Mnemonic.Cmp or Mnemonic.Dec or Mnemonic.Inc or Mnemonic.Lea or Mnemonic.Mov or Mnemonic.Movaps
            or Mnemonic.Movups or Mnemonic.Pop or Mnemonic.Push or Mnemonic.Ret or Mnemonic.Retf or Mnemonic.Sub or Mnemonic.Ucomiss => true,

        // Near calls only: a far call is a different opcode upstream, and not modelled.
        Mnemonic.Call => IsNearCall(instruction),

        // Near and far jumps both are; so are the sixteen conditional jumps.
        Mnemonic.Jmp => true,
        _ => instruction.IsJccShortOrNear,
    };

    private static bool IsNearCall(in Instruction instruction) => instruction.IsCallNear || instruction.IsCallNearIndirect;

    private static bool IsPrivileged(in Instruction instruction) => instruction.Mnemonic switch
    {
        // Upstream's list, which includes instructions that fault only under some privilege settings.
        // Its disassembler decodes int3 as int 3.
        Mnemonic.Cli or Mnemonic.Clts or Mnemonic.Hlt or Mnemonic.In or Mnemonic.Insb or Mnemonic.Insw or Mnemonic.Insd
            or Mnemonic.Int or Mnemonic.Int3 or Mnemonic.Into or Mnemonic.Invd or Mnemonic.Invept or Mnemonic.Invlpg
            or Mnemonic.Invvpid or Mnemonic.Iret or Mnemonic.Iretd or Mnemonic.Iretq or Mnemonic.Lgdt or Mnemonic.Lidt
            or Mnemonic.Lldt or Mnemonic.Lmsw or Mnemonic.Ltr or Mnemonic.Monitor or Mnemonic.Mov or Mnemonic.Mwait
            or Mnemonic.Out or Mnemonic.Outsb or Mnemonic.Outsw or Mnemonic.Outsd or Mnemonic.Rdmsr or Mnemonic.Rdpmc
            or Mnemonic.Rdtsc or Mnemonic.Rdtscp or Mnemonic.Retf or Mnemonic.Sti or Mnemonic.Swapgs or Mnemonic.Sysexit
            or Mnemonic.Sysret or Mnemonic.Vmcall or Mnemonic.Vmclear or Mnemonic.Vmlaunch or Mnemonic.Vmptrld
            or Mnemonic.Vmptrst or Mnemonic.Vmread or Mnemonic.Vmresume or Mnemonic.Vmwrite or Mnemonic.Vmxoff
            or Mnemonic.Vmxon or Mnemonic.Wbinvd or Mnemonic.Wrmsr or Mnemonic.Xsetbv => true,
        _ => false,
    };

    /// <summary>
    /// The size of the instruction's memory accesses, and whether it accesses memory at all. One
    /// size serves every access, as upstream's disassembler reports one: the explicit memory
    /// operand's, else the stack slot a push, pop, call or return moves.
    /// </summary>
    private static bool TryGetAccessSize(in Instruction instruction, out byte? size)
    {
        size = null;
        if (Amd64Operands.HasMemoryOperand(instruction))
        {
            size = ToAccessSize(instruction.MemorySize.GetSize());
            return true;
        }

        if (instruction.StackPointerIncrement == 0)
        {
            return false;
        }

        foreach (var used in new InstructionInfoFactory().GetInfo(instruction).GetUsedMemory())
        {
            if (used.Base == Register.RSP)
            {
                size = ToAccessSize(used.MemorySize.GetSize());
                return true;
            }
        }

        return false;
    }

    private static byte? ToAccessSize(int size) => size is > 0 and <= byte.MaxValue ? (byte)size : null;

    private static List<MemoryAccess>? FindMemoryAccesses(in Instruction instruction, MinidumpContext context, bool derivable)
    {
        var accesses = new List<MemoryAccess>();
        if (!TryGetAccessSize(instruction, out var size))
        {
            return accesses;
        }

        for (var operand = 0; operand < instruction.OpCount; operand++)
        {
            if (!Amd64Operands.IsMemory(instruction, operand))
            {
                continue;
            }

            var type = derivable ? ExplicitAccessType(instruction, operand) : MemoryAccessType.Underivable;
            if (type is null)
            {
                continue;
            }

            if (!Amd64Operands.TryComputeAddress(instruction, operand, context, out var address, out var isNullBase))
            {
                return null;
            }

            accesses.Add(new MemoryAccess(address, size, type.Value, isNullBase, IsLikelyGuardPage: false));
        }

        if (derivable)
        {
            AddImplicitStackAccess(instruction, context, size, accesses);
        }

        return accesses;
    }

    /// <summary>The direction of a derivable opcode's explicit memory operand; null when the operand is not accessed (lea).</summary>
    private static MemoryAccessType? ExplicitAccessType(in Instruction instruction, int operand) => instruction.Mnemonic switch
    {
        Mnemonic.Add or Mnemonic.Sub => operand == 0 ? MemoryAccessType.ReadWrite : MemoryAccessType.Read,
        Mnemonic.Dec or Mnemonic.Inc => MemoryAccessType.ReadWrite,
        Mnemonic.Pop => MemoryAccessType.Write,
        Mnemonic.Mov or Mnemonic.Movaps or Mnemonic.Movups => operand == 0 ? MemoryAccessType.Write : MemoryAccessType.Read,
        Mnemonic.Lea => null,

        // call, jmp, push, cmp and ucomiss read their memory operand.
        _ => MemoryAccessType.Read,
    };

    private static void AddImplicitStackAccess(in Instruction instruction, MinidumpContext context, byte? size, List<MemoryAccess> accesses)
    {
        var isPush = instruction.Mnemonic == Mnemonic.Push || (instruction.Mnemonic == Mnemonic.Call && IsNearCall(instruction));
        var isPop = instruction.Mnemonic is Mnemonic.Pop or Mnemonic.Ret or Mnemonic.Retf;
        if ((!isPush && !isPop) || !context.TryGetRegister("rsp", out var rsp))
        {
            return;
        }

        // The fault comes before rsp moves, so a push or call writes just below it.
        var address = isPush ? unchecked(rsp - 8) : rsp;
        accesses.Add(new MemoryAccess(address, size, isPush ? MemoryAccessType.Write : MemoryAccessType.Read, address == 0, IsLikelyGuardPage: false));
    }

    /// <summary>
    /// Where the instruction sends rip: a jump or call through a register or memory (read from the
    /// dump), a return (read from the stack). Null when undeterminable: a relative or absolute
    /// target upstream does not evaluate, unreadable memory, a conditional jump.
    /// </summary>
    private static InstructionPointerUpdate? FindPointerUpdate(in Instruction instruction, MinidumpContext context,
        Func<ulong, MinidumpMemoryRegion?> findMemory, MinidumpMemoryRegion? stackMemory, out bool registerInvalid)
    {
        registerInvalid = false;
        switch (instruction.Mnemonic)
        {
            case Mnemonic.Call or Mnemonic.Jmp or Mnemonic.Jmpe:
                if (instruction.OpCount == 0)
                {
                    return null;
                }

                if (instruction.Op0Kind == OpKind.Register)
                {
                    if (!Amd64Operands.TryRead(context, instruction.Op0Register, out var target))
                    {
                        registerInvalid = true;
                        return null;
                    }

                    return Update(target);
                }

                if (!Amd64Operands.IsMemory(instruction, 0))
                {
                    return null;
                }

                if (!Amd64Operands.TryComputeAddress(instruction, 0, context, out var slot, out _))
                {
                    registerInvalid = true;
                    return null;
                }

                // Upstream reads a pointer-sized target even for a far pointer.
                return findMemory(slot) is { } memory && memory.TryReadUInt64(slot, out var loaded) ? Update(loaded) : null;

            case Mnemonic.Ret or Mnemonic.Retf or Mnemonic.Iret or Mnemonic.Iretd or Mnemonic.Iretq:
                return context.TryGetRegister("rsp", out var rsp) && stackMemory is not null && stackMemory.TryReadUInt64(rsp, out var returnAddress)
                    ? Update(returnAddress)
                    : null;

            default:
                return instruction.IsJccShortOrNear ? null : new InstructionPointerUpdate(false, 0, false);
        }

        static InstructionPointerUpdate Update(ulong address) => new(true, address, address == 0);
    }

    /// <summary>The context registers used as a base or index by any memory operand (lea's included), in ordinal order.</summary>
    private static string[] MemoryOperandRegisters(in Instruction instruction)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        for (var operand = 0; operand < instruction.OpCount; operand++)
        {
            if (!Amd64Operands.IsMemory(instruction, operand))
            {
                continue;
            }

            var (baseRegister, indexRegister) = Amd64Operands.GetRegisters(instruction, operand);
            if (Amd64Operands.ContextName(baseRegister) is { } baseName)
            {
                names.Add(baseName);
            }

            if (Amd64Operands.ContextName(indexRegister) is { } indexName)
            {
                names.Add(indexName);
            }
        }

        return [.. names];
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "failed to analyze the thread context: {Reason}")]
    private static partial void LogNotAnalysed(ILogger logger, string reason);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning,
        Message = "failed to determine instruction memory access: a register used by the instruction had an invalid value")]
    private static partial void LogAccessesUnknown(ILogger logger);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning,
        Message = "failed to determine instruction pointer updates: a register used by the instruction had an invalid value")]
    private static partial void LogPointerUpdateUnknown(ILogger logger);
}
