namespace Obs.Minidump.Synth;

/// <summary>
/// Builders for symbol-store tests: Windows modules with or without a PDB 7.0 CodeView record
/// (a module without one has a code id but no debug file or id, as in dumps written when memory
/// ran out), and threads whose only frame is an instruction in one of them.
/// </summary>
public sealed partial class SyntheticDump
{
    /// <summary>A Windows module for <see cref="AddWindowsModules"/>.</summary>
    /// <param name="BaseAddress">Load address.</param>
    /// <param name="Size">Mapped size; the code id is <c>TIMESTAMP(%08x)SIZE(%x)</c>.</param>
    /// <param name="TimeDateStamp">PE timestamp.</param>
    /// <param name="Path">The code file's full path.</param>
    /// <param name="Pdb">The CodeView record's GUID, age and PDB file name; null for a module without one.</param>
    public sealed record WindowsModule(ulong BaseAddress, uint Size, uint TimeDateStamp, string Path, (Guid Guid, uint Age, string FileName)? Pdb = null);

    /// <summary>A ModuleList stream of Windows modules.</summary>
    public SyntheticDump AddWindowsModules(params IReadOnlyList<WindowsModule> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var entries = new List<Block>(modules.Count);
        foreach (var module in modules)
        {
            var name = AppendString(module.Path);
            (uint Rva, uint Size) codeView = default;
            if (module.Pdb is { } pdb)
            {
                var record = NewBlock().U32(0x53445352).Bytes(pdb.Guid.ToByteArray(BigEndian)).U32(pdb.Age).Ascii(pdb.FileName).U8(0);
                codeView = (Append(record), (uint)record.Length);
            }

            entries.Add(Module(module.BaseAddress, module.Size, name, codeView, module.TimeDateStamp));
        }

        return AddStream(MinidumpStreamType.ModuleList, List(entries));
    }

    /// <summary>
    /// A ThreadList stream with one thread per instruction pointer, each with a context in which
    /// only the instruction pointer is set and no stack memory, so that its walk is that one frame.
    /// </summary>
    public SyntheticDump AddThreadsAt(MinidumpContextFormat format, params IReadOnlyList<ulong> instructionPointers)
    {
        ArgumentNullException.ThrowIfNull(instructionPointers);
        var pointer = format switch
        {
            MinidumpContextFormat.X86 => "eip",
            MinidumpContextFormat.Amd64 => "rip",
            _ => "pc",
        };
        var threads = new List<Block>(instructionPointers.Count);
        for (var i = 0; i < instructionPointers.Count; i++)
        {
            var context = AppendContextWithRegisters(format, new Dictionary<string, ulong> { [pointer] = instructionPointers[i] });
            threads.Add(Thread((uint)(0x1000 + i), context));
        }

        return AddStream(MinidumpStreamType.ThreadList, List(threads));
    }
}
