using System.Text;

namespace Obs.Minidump.Synth;

/// <summary>Builders for crash-analysis dumps: chosen registers, captured memory, memory maps and the exception.</summary>
public sealed partial class SyntheticDump
{
    /// <summary>MINIDUMP_MEMORY_INFO protection values.</summary>
    public static class PageProtection
    {
        public const uint NoAccess = 0x01;
        public const uint ReadOnly = 0x02;
        public const uint ReadWrite = 0x04;
        public const uint WriteCopy = 0x08;
        public const uint Execute = 0x10;
        public const uint ExecuteRead = 0x20;
        public const uint ExecuteReadWrite = 0x40;
        public const uint Guard = 0x100;
    }

    /// <summary>
    /// A context of <paramref name="format"/> whose named registers hold the given values and every
    /// other register zero; returns its RVA and size.
    /// </summary>
    public (uint Rva, uint Size) AppendCrashContext(MinidumpContextFormat format, IReadOnlyDictionary<string, ulong> registers)
    {
        var (size, width, flags, offsets) = Layout(format);
        var bytes = new byte[size];
        Put(bytes, format == MinidumpContextFormat.Amd64 ? 48 : 0, format == MinidumpContextFormat.Arm64Old ? 8 : 4, flags);
        foreach (var (name, value) in registers)
        {
            Put(bytes, offsets[name], width, value);
        }

        return (Append(bytes), (uint)bytes.Length);
    }

    /// <summary>A MemoryList stream capturing each region's bytes at its address.</summary>
    public SyntheticDump AddMemoryRegions(params IReadOnlyList<(ulong Address, byte[] Bytes)> regions)
    {
        var rvas = new uint[regions.Count];
        for (var i = 0; i < regions.Count; i++)
        {
            rvas[i] = Append(regions[i].Bytes);
        }

        var block = NewBlock().U32((uint)regions.Count);
        for (var i = 0; i < regions.Count; i++)
        {
            block.U64(regions[i].Address).U32((uint)regions[i].Bytes.Length).U32(rvas[i]);
        }

        return AddStream(MinidumpStreamType.MemoryList, block);
    }

    /// <summary>A MemoryInfoList stream (Microsoft's header and entry sizes) of committed regions with the given protections.</summary>
    public SyntheticDump AddMemoryInfo(params IReadOnlyList<(ulong Address, ulong Size, uint Protection)> regions)
    {
        var block = NewBlock().U32(16).U32(48).U64((ulong)regions.Count);
        foreach (var (address, size, protection) in regions)
        {
            block.U64(address).U64(address).U32(protection).U32(0).U64(size).U32(0x1000).U32(protection).U32(0x20000).U32(0);
        }

        return AddStream(MinidumpStreamType.MemoryInfoList, block);
    }

    /// <summary>A LinuxMaps stream, one <c>/proc/self/maps</c> line per mapping (end exclusive, permissions such as <c>rw-p</c>).</summary>
    public SyntheticDump AddLinuxMappings(params IReadOnlyList<(ulong Start, ulong End, string Permissions)> mappings)
    {
        var text = new StringBuilder();
        foreach (var (start, end, permissions) in mappings)
        {
            text.Append($"{start:x}-{end:x} {permissions} 00000000 00:00 0\n");
        }

        return AddStream(MinidumpStreamType.LinuxMaps, Encoding.ASCII.GetBytes(text.ToString()));
    }

    /// <summary>An exception stream for <paramref name="threadId"/> with the given code, flags, address, parameters and context.</summary>
    public SyntheticDump AddExceptionRecord(uint threadId, uint code, uint flags, ulong address, (uint Rva, uint Size) context,
        params IReadOnlyList<ulong> parameters)
    {
        var block = NewBlock().U32(threadId).U32(0).U32(code).U32(flags).U64(0).U64(address).U32((uint)parameters.Count).U32(0);
        for (var i = 0; i < 15; i++)
        {
            block.U64(i < parameters.Count ? parameters[i] : 0);
        }

        return AddStream(MinidumpStreamType.Exception, block.U32(context.Size).U32(context.Rva));
    }

    /// <summary>A ThreadList stream of one thread whose stack memory is <paramref name="stack"/> at <paramref name="stackStart"/>.</summary>
    public SyntheticDump AddThreadWithStack(uint threadId, (uint Rva, uint Size) context, ulong stackStart, byte[] stack)
    {
        var stackRva = Append(stack);
        return AddStream(MinidumpStreamType.ThreadList, List([Thread(threadId, context, stackStart, (uint)stack.Length, stackRva)]));
    }
}
