using System.Buffers.Binary;

using Obs.Minidump.Synth;

namespace Obs.Minidump.Tests;

/// <summary>Streams and CPUs no fixture has, through dumps written by <see cref="SyntheticDump"/>.</summary>
public sealed class SyntheticDumpTests
{
    public static TheoryData<MinidumpContextFormat, bool> Cpus()
    {
        var data = new TheoryData<MinidumpContextFormat, bool>();
        foreach (var format in Enum.GetValues<MinidumpContextFormat>())
        {
            data.Add(format, false);
            data.Add(format, true);
        }

        return data;
    }

    /// <summary>A dump with SystemInfo, one thread (context + stack) and a memory list repeating the stack.</summary>
    internal static SyntheticDump ThreadDump(MinidumpContextFormat format, bool bigEndian, ulong seed = 0x1000_0000_2000)
    {
        var dump = new SyntheticDump(bigEndian);
        dump.AddSystemInfo(SyntheticDump.Architecture(format), 0x8201, "Linux 5.10.0 #1 SMP x86_64", 0, 0, 0);
        var context = dump.AppendContext(format, seed, extra: 16);
        var stack = dump.Append(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());
        dump.AddStream(MinidumpStreamType.ThreadList, dump.List([dump.Thread(0x77, context, 0x7000, 64, stack)]));
        dump.AddStream(MinidumpStreamType.MemoryList, dump.NewBlock().U32(1).U64(0x7000).U32(64).U32(stack));
        return dump;
    }

    [Theory]
    [MemberData(nameof(Cpus))]
    public void Contexts_of_every_cpu_expose_canonical_registers(MinidumpContextFormat format, bool bigEndian)
    {
        const ulong seed = 0x1000_0000_2000;
        using var dump = ThreadDump(format, bigEndian, seed).Read();
        Assert.Equal(bigEndian, dump.IsBigEndian);
        var context = dump.GetThreadList()!.Threads[0].GetContext();
        Assert.Equal(format, context.Format);
        var (size, width, flags, offsets) = SyntheticDump.Layout(format);
        Assert.Equal(width, context.PointerSize);
        Assert.Equal(flags, context.ContextFlags);
        Assert.Equal(size, context.Raw.Length);
        Assert.Equal(offsets.Count, context.RegisterNames.Length);
        foreach (var name in context.RegisterNames)
        {
            Assert.True(context.IsValid(name));
            Assert.Equal(SyntheticDump.ExpectedRegister(format, seed, name), context.GetRegister(name));
        }

        var (ip, sp, fp) = format switch
        {
            MinidumpContextFormat.X86 => ("eip", "esp", "ebp"),
            MinidumpContextFormat.Amd64 => ("rip", "rsp", "rbp"),
            _ => ("pc", "sp", "fp"),
        };
        Assert.Equal(context.GetRegister(ip), context.InstructionPointer);
        Assert.Equal(context.GetRegister(sp), context.StackPointer);
        Assert.Equal(context.GetRegister(fp), context.FramePointer);
        if (format == MinidumpContextFormat.Arm)
        {
            Assert.Equal(context.GetRegister("fp"), context.GetRegister("r11"));
            Assert.Equal(context.GetRegister("pc"), context.GetRegister("r15"));
        }
        else if (format is MinidumpContextFormat.Arm64 or MinidumpContextFormat.Arm64Old)
        {
            Assert.Equal(context.GetRegister("fp"), context.GetRegister("x29"));
            Assert.Equal(context.GetRegister("lr"), context.GetRegister("x30"));
            Assert.Equal(MinidumpCpu.Arm64, dump.GetSystemInfo()!.Cpu);
        }

        Assert.False(context.TryGetRegister("no-such-register", out _));
        var partial = context.WithValidRegisters([ip, sp]);
        Assert.True(partial.IsValid(sp));
        Assert.False(partial.IsValid(context.RegisterNames.First(n => n != ip && n != sp)));
        Assert.Equal([ip, sp], partial.ValidRegisterNames.Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

        var stack = dump.GetThreadList()!.Threads[0].GetStackMemory()!;
        Assert.Equal(0x7000UL, stack.BaseAddress);
        Assert.True(stack.TryReadUInt32(0x7004, out var word));
        Assert.Equal(bigEndian ? 0x04050607u : 0x07060504u, word);
    }

    [Theory]
    [InlineData(MinidumpContextFormat.X86, 0x00100000u)]
    [InlineData(MinidumpContextFormat.Amd64, 0x00010000u)]
    [InlineData(MinidumpContextFormat.Arm, 0x00400000u)]
    [InlineData(MinidumpContextFormat.Arm64, 0x80000000u)]
    [InlineData(MinidumpContextFormat.Arm64Old, 0x00400000u)]
    public void A_context_whose_flags_name_another_cpu_fails_that_thread_only(MinidumpContextFormat format, uint wrongFlags)
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(SyntheticDump.Architecture(format), 2);
        var bad = dump.AppendContext(format, 1, wrongFlags);
        var good = dump.AppendContext(format, 1);
        dump.AddStream(MinidumpStreamType.ThreadList, dump.List([dump.Thread(1, bad), dump.Thread(2, good)]));
        using var file = dump.Read();
        var threads = file.GetThreadList()!.Threads;
        var ex = Assert.Throws<MinidumpException>(() => threads[0].GetContext());
        Assert.Equal(MinidumpErrorKind.ContextReadFailure, ex.Kind);
        Assert.Equal(format, threads[1].GetContext().Format);
    }

    [Fact]
    public void Context_errors_have_their_own_kinds()
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(0x8004, 0x8201); // MIPS64: no context layout
        var context = dump.AppendContext(MinidumpContextFormat.Amd64, 1);
        dump.AddStream(MinidumpStreamType.ThreadList, dump.List([dump.Thread(1, context), dump.Thread(2, (context.Rva, 100))]));
        using var file = dump.Read();
        Assert.Equal(MinidumpErrorKind.UnknownCpuContext, Assert.Throws<MinidumpException>(() => file.GetThreadList()!.Threads[0].GetContext()).Kind);

        var amd = new SyntheticDump();
        amd.AddSystemInfo(9, 2);
        var ctx = amd.AppendContext(MinidumpContextFormat.Amd64, 1);
        amd.AddStream(MinidumpStreamType.ThreadList, amd.List([amd.Thread(2, (ctx.Rva, 1000)), amd.Thread(3, (0xfffffff0, 1232))]));
        using var amdFile = amd.Read();
        var threads = amdFile.GetThreadList()!.Threads;
        Assert.Equal(MinidumpErrorKind.ContextReadFailure, Assert.Throws<MinidumpException>(() => threads[0].GetContext()).Kind);
        Assert.Equal(MinidumpErrorKind.ContextReadFailure, Assert.Throws<MinidumpException>(() => threads[1].GetContext()).Kind);

        var noSystem = new SyntheticDump();
        var c = noSystem.AppendContext(MinidumpContextFormat.X86, 1);
        noSystem.AddStream(MinidumpStreamType.ThreadList, noSystem.List([noSystem.Thread(1, c)]));
        using var noSystemFile = noSystem.Read();
        Assert.Equal(MinidumpErrorKind.UnknownCpuContext,
            Assert.Throws<MinidumpException>(() => noSystemFile.GetThreadList()!.Threads[0].GetContext()).Kind);
    }

    [Fact]
    public void Big_and_little_endian_dumps_read_the_same()
    {
        MinidumpFile Build(bool bigEndian)
        {
            var dump = ThreadDump(MinidumpContextFormat.Amd64, bigEndian);
            var name = dump.AppendString("C:\\Windows\\ntdll.dll");
            var cv = dump.Append(dump.NewBlock().U32(0x53445352).Guid(0x36515fb5, 0xd043, 0x45e4, [0x91, 0xf6, 0x72, 0xfa, 0x2e, 0x28, 0x78, 0xc0])
                .U32(2).Ascii("ntdll.pdb").U8(0));
            dump.AddStream(MinidumpStreamType.ModuleList,
                dump.List([dump.Module(0x7c900000, 0xb0000, name, (cv, 34), 0x411096b4, (0x50001, 0xa280884))]));
            return dump.Read();
        }

        using var little = Build(false);
        using var big = Build(true);
        Assert.True(big.IsBigEndian);
        foreach (var file in new[] { little, big })
        {
            var module = file.GetModuleList()!.Modules.Single();
            Assert.Equal("C:\\Windows\\ntdll.dll", module.CodeFile);
            Assert.Equal("36515FB5D04345E491F672FA2E2878C02", module.DebugId);
            Assert.Equal("ntdll.pdb", module.DebugFile);
            // Linux platform: ELF-style version text.
            Assert.Equal("327681.170395780.327681.170395780", module.Version);
            // PDB 7.0 outside Apple platforms: the PE timestamp and size.
            Assert.Equal("411096b4b0000", module.CodeId);
            Assert.Equal("5.10.0 #1 SMP", file.GetSystemInfo()!.OsVersion);
        }

        Assert.Equal(little.GetThreadList()!.Threads[0].GetContext().InstructionPointer,
            big.GetThreadList()!.Threads[0].GetContext().InstructionPointer);
    }

    [Theory]
    [InlineData(MinidumpStreamType.ThreadList)]
    [InlineData(MinidumpStreamType.ModuleList)]
    [InlineData(MinidumpStreamType.MemoryList)]
    [InlineData(MinidumpStreamType.ThreadNames)]
    public void Classic_lists_accept_the_four_byte_pad_and_nothing_else(MinidumpStreamType type)
    {
        MinidumpFile Build(int extra, bool pad)
        {
            var dump = new SyntheticDump();
            dump.AddSystemInfo(9, 2);
            var name = dump.AppendString("a.dll");
            var entry = type switch
            {
                MinidumpStreamType.ThreadList => dump.Thread(1, (0, 0)),
                MinidumpStreamType.ModuleList => dump.Module(0x1000, 0x1000, name),
                MinidumpStreamType.MemoryList => dump.NewBlock().U64(0x1000).U32(4).U32(name),
                _ => dump.NewBlock().U32(1).U64(name),
            };
            var list = dump.List([entry, entry], pad);
            list.Zeros(extra);
            dump.AddStream(type, list);
            return dump.Read();
        }

        using var exact = Build(0, pad: false);
        using var padded = Build(0, pad: true);
        using var wrong = Build(2, pad: false);
        using var tooMuch = Build(4, pad: true);
        foreach (var file in new[] { exact, padded })
        {
            Assert.True(file.TryGetEntry(type, out var entry));
            var stream = file.GetStream(entry);
            var count = stream switch
            {
                MinidumpThreadList t => t.Threads.Length,
                MinidumpModuleList m => m.Modules.Length,
                MinidumpMemoryList l => l.Regions.Length,
                MinidumpThreadNames n => n.Names.Length,
                _ => -1,
            };
            Assert.Equal(2, count);
        }

        foreach (var file in new[] { wrong, tooMuch })
        {
            Assert.True(file.TryGetEntry(type, out var entry));
            Assert.Equal(MinidumpErrorKind.StreamSizeMismatch, Assert.Throws<MinidumpException>(() => file.GetStream(entry)).Kind);
        }
    }

    [Fact]
    public void Duplicate_stream_types_use_the_last_one_and_warn()
    {
        var dump = new SyntheticDump();
        dump.AddStream(MinidumpStreamType.BreakpadInfo, dump.NewBlock().U32(3).U32(1).U32(2));
        dump.AddStream(MinidumpStreamType.BreakpadInfo, dump.NewBlock().U32(3).U32(10).U32(20));
        dump.AddEntry(MinidumpStreamType.Unused, 0, 0).AddEntry(MinidumpStreamType.Unused, 0, 0);
        using var file = dump.Read();
        Assert.Equal(10u, file.GetBreakpadInfo()!.DumpThreadId);
        Assert.Equal(2, file.Warnings.Count);
        Assert.Contains("BreakpadInfoStream", file.Warnings[0], StringComparison.Ordinal);
        Assert.Contains("UnusedStream", file.Warnings[1], StringComparison.Ordinal);
        // The shadowed entry is still readable through the directory.
        Assert.Equal(1u, ((MinidumpBreakpadInfo)file.GetStream(file.Directory[0])).DumpThreadId);
    }

    [Fact]
    public void Memory64_list_regions_are_contiguous_and_preferred_over_the_memory_list()
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(9, 2);
        var small = dump.Append(new byte[] { 0xee, 0xee, 0xee, 0xee });
        dump.AddStream(MinidumpStreamType.MemoryList, dump.NewBlock().U32(1).U64(0x1000).U32(4).U32(small));
        var baseRva = dump.Append(Enumerable.Range(0, 48).Select(i => (byte)i).ToArray());
        dump.AddStream(MinidumpStreamType.Memory64List,
            dump.NewBlock().U64(3).U64(baseRva).U64(0x1000).U64(16).U64(0x5000).U64(0).U64(0x9000).U64(32));
        using var file = dump.Read();
        var full = file.GetMemory64List()!;
        Assert.Equal(baseRva, full.BaseRva);
        Assert.Equal([0x1000UL, 0x5000UL, 0x9000UL], full.Regions.Select(r => r.BaseAddress));
        Assert.Equal(baseRva + 16, full.Regions[2].FileOffset);
        Assert.Same(full, file.GetMemory());
        Assert.True(file.FindMemoryRegion(0x1000)!.TryReadUInt32(0x1000, out var value));
        Assert.Equal(0x03020100u, value);
        Assert.Null(file.FindMemoryRegion(0x5000));
        Span<byte> two = stackalloc byte[2];
        Assert.True(file.TryReadMemory(0x901e, two));
        Assert.Equal(new byte[] { 46, 47 }, two.ToArray());
        Assert.False(file.TryReadMemory(0x901f, two));
    }

    [Fact]
    public void Memory64_list_damage_fails_the_stream_and_falls_back_to_the_memory_list()
    {
        var dump = new SyntheticDump();
        var small = dump.Append(new byte[] { 1, 2, 3, 4 });
        dump.AddStream(MinidumpStreamType.MemoryList, dump.NewBlock().U32(1).U64(0x1000).U32(4).U32(small));
        dump.AddStream(MinidumpStreamType.Memory64List, dump.NewBlock().U64(1).U64(small).U64(0x1000).U64(1 << 20));
        using var file = dump.Read();
        Assert.Equal(MinidumpErrorKind.StreamReadFailure, Assert.Throws<MinidumpException>(() => file.GetMemory64List()).Kind);
        Assert.IsType<MinidumpMemoryList>(file.GetMemory());

        var sized = new SyntheticDump();
        sized.AddStream(MinidumpStreamType.Memory64List, sized.NewBlock().U64(2).U64(0).U64(0x1000).U64(0));
        using var sizedFile = sized.Read();
        Assert.Equal(MinidumpErrorKind.StreamSizeMismatch, Assert.Throws<MinidumpException>(() => sizedFile.GetMemory64List()).Kind);
    }

    [Fact]
    public void Thread_stack_falls_back_to_the_memory_list_and_last_error_reads_the_teb()
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(0, 2);
        var context = dump.AppendContext(MinidumpContextFormat.X86, 1);
        var stack = dump.Append(new byte[64]);
        var teb = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(teb.AsSpan(13 * 4), 0x57);
        var tebRva = dump.Append(teb);
        dump.AddStream(MinidumpStreamType.ThreadList, dump.List([dump.Thread(5, context, 0x20000, 64, 0, teb: 0x7ffd0000)]));
        dump.AddStream(MinidumpStreamType.MemoryList, dump.NewBlock().U32(2).U64(0x20000).U32(64).U32(stack).U64(0x7ffd0000).U32(64).U32(tebRva));
        using var file = dump.Read();
        var thread = file.GetThreadList()!.Threads[0];
        var memory = thread.GetStackMemory()!;
        Assert.Equal(stack, memory.FileOffset);
        Assert.Equal(0x57u, thread.GetLastError());
    }

    [Fact]
    public void Module_identity_follows_the_reference_for_every_codeview_kind()
    {
        var dump = new SyntheticDump();
        dump.AddSystemInfo(9, 0x8201);
        var name = dump.AppendString("/usr/lib/libfoo.so");
        var shortElf = dump.Append(dump.NewBlock().U32(0x4270454c).Bytes([0, 1, 2, 3, 4, 5, 6, 7]));
        var longElf = dump.Append(dump.NewBlock().U32(0x4270454c).Bytes(Enumerable.Range(0, 24).Select(i => (byte)i).ToArray()));
        var zeroElf = dump.Append(dump.NewBlock().U32(0x4270454c).Zeros(20));
        var pdb20 = dump.Append(dump.NewBlock().U32(0x3031424e).U32(0).U32(0xabcd1234).U32(1).Ascii("foo.pdb").U8(0));
        var nilPdb70 = dump.Append(dump.NewBlock().U32(0x53445352).Zeros(16).U32(5).Ascii("nil.pdb").U8(0));
        var nb11 = dump.Append(dump.NewBlock().U32(0x3131424e).Zeros(12));
        dump.AddStream(MinidumpStreamType.ModuleList, dump.List([
            dump.Module(0x1000, 0x1000, name, (shortElf, 12)),
            dump.Module(0x2000, 0x1000, name, (longElf, 28)),
            dump.Module(0x3000, 0x1000, name, (zeroElf, 24)),
            dump.Module(0x4000, 0, name),                     // dropped: size 0
            dump.Module(ulong.MaxValue - 10, 0x1000, name),   // dropped: overflow
            dump.Module(0x5000, 0x1000, name, (pdb20, 24), 0x11223344),
            dump.Module(0x6000, 0x1000, name, (nilPdb70, 32)),
            dump.Module(0x7000, 0x1000, name, (nb11, 16)),
            dump.Module(0x7800, 0x1000, name),                // overlaps the previous one: not found by address
        ]));
        using var file = dump.Read();
        var list = file.GetModuleList()!;
        var m = list.Modules;
        Assert.Equal(7, m.Length);
        Assert.Equal(2, list.Warnings.Count);
        Assert.Equal("0001020304050607", m[0].CodeId);
        Assert.Equal("030201000504070600000000000000000", m[0].DebugId);
        Assert.Equal("/usr/lib/libfoo.so", m[0].DebugFile);
        Assert.Equal(Convert.ToHexStringLower(Enumerable.Range(0, 24).Select(i => (byte)i).ToArray()), m[1].CodeId);
        Assert.Equal("030201000504070608090A0B0C0D0E0F0", m[1].DebugId);
        Assert.Null(m[2].CodeId);
        Assert.Null(m[2].DebugId);
        Assert.Equal("ABCD12341", m[3].DebugId);
        Assert.Equal("112233441000", m[3].CodeId);
        Assert.Equal("foo.pdb", m[3].DebugFile);
        Assert.Null(m[4].DebugId);
        Assert.Equal(MinidumpCodeViewFormat.Unknown, m[5].CodeView!.Format);
        Assert.Null(m[5].CodeId);
        Assert.Null(m[5].DebugFile);
        Assert.Same(m[5], list.FindModule(0x7800));
        Assert.Same(m[5], list.FindModule(0x7fff));
        Assert.Null(list.FindModule(0x8000));
        Assert.Same(m[0], list.MainModule);
    }

    [Fact]
    public void Apple_modules_use_the_mach_uuid_and_windows_modules_without_codeview_use_pe_ids()
    {
        var mac = new SyntheticDump();
        mac.AddSystemInfo(12, 0x8101);
        var name = mac.AppendString("/usr/lib/dyld");
        var cv = mac.Append(mac.NewBlock().U32(0x53445352).Guid(0xaabbccdd, 0xeeff, 0x0011, [0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99]).U32(0).U8(0));
        mac.AddStream(MinidumpStreamType.ModuleList, mac.List([mac.Module(0x1000, 0x1000, name, (cv, 25), fileVersion: (0x18410000, 0))]));
        using var macFile = mac.Read();
        var module = macFile.GetModuleList()!.Modules[0];
        Assert.Equal("aabbccddeeff00112233445566778899", module.CodeId);
        Assert.Equal("AABBCCDDEEFF001122334455667788990", module.DebugId);
        Assert.Equal("6209.0.0.0", module.Version);

        var win = new SyntheticDump();
        win.AddSystemInfo(9, 2);
        var winName = win.AppendString("C:\\a.dll");
        win.AddStream(MinidumpStreamType.ModuleList, win.List([win.Module(0x1000, 0x2d000, winName, default, 0x45d35f6c)]));
        using var winFile = win.Read();
        Assert.Equal("45d35f6c2d000", winFile.GetModuleList()!.Modules[0].CodeId);
        Assert.Null(winFile.GetModuleList()!.Modules[0].DebugId);
    }

    [Fact]
    public void Module_list_fails_on_an_unreadable_name_or_codeview_record()
    {
        var badName = new SyntheticDump();
        badName.AddStream(MinidumpStreamType.ModuleList, badName.List([badName.Module(0x1000, 0x1000, 0xfffffff0)]));
        using var badNameFile = badName.Read();
        Assert.Equal(MinidumpErrorKind.CodeViewReadFailure, Assert.Throws<MinidumpException>(() => badNameFile.GetModuleList()).Kind);

        var shortCv = new SyntheticDump();
        var name = shortCv.AppendString("a");
        var cv = shortCv.Append(shortCv.NewBlock().U32(0x53445352).U32(1));
        shortCv.AddStream(MinidumpStreamType.ModuleList, shortCv.List([shortCv.Module(0x1000, 0x1000, name, (cv, 8))]));
        using var shortCvFile = shortCv.Read();
        var ex = Assert.Throws<MinidumpException>(() => shortCvFile.GetModuleList());
        Assert.Equal(MinidumpErrorKind.CodeViewReadFailure, ex.Kind);
        Assert.Equal(cv + 8, ex.Offset);
    }

    [Fact]
    public void Unloaded_modules_allow_overlaps_and_fail_on_a_bad_size()
    {
        var dump = new SyntheticDump();
        var a = dump.AppendString("many.dll");
        var b = dump.AppendString("solo.dll");
        dump.AddStream(MinidumpStreamType.UnloadedModuleList, dump.NewBlock().U32(12).U32(24).U32(2)
            .U64(0x2000).U32(0x2000).U32(0).U32(0x11).U32(a)
            .U64(0x1000).U32(0x1800).U32(0).U32(0x22).U32(b));
        using var file = dump.Read();
        var list = file.GetUnloadedModuleList()!;
        Assert.Equal(["many.dll", "solo.dll"], list.Modules.Select(m => m.CodeFile));
        Assert.Equal(["solo.dll", "many.dll"], list.FindModules(0x2400).Select(m => m.CodeFile));
        Assert.Equal("000000221800", list.Modules[1].CodeId);

        var bad = new SyntheticDump();
        var n = bad.AppendString("x.dll");
        bad.AddStream(MinidumpStreamType.UnloadedModuleList, bad.NewBlock().U32(12).U32(24).U32(1).U64(0x1000).U32(0).U32(0).U32(0).U32(n));
        using var badFile = bad.Read();
        Assert.Equal(MinidumpErrorKind.ModuleReadFailure, Assert.Throws<MinidumpException>(() => badFile.GetUnloadedModuleList()).Kind);

        var entrySize = new SyntheticDump();
        entrySize.AddStream(MinidumpStreamType.UnloadedModuleList, entrySize.NewBlock().U32(12).U32(28).U32(0));
        using var entrySizeFile = entrySize.Read();
        Assert.Equal(MinidumpErrorKind.StreamReadFailure, Assert.Throws<MinidumpException>(() => entrySizeFile.GetUnloadedModuleList()).Kind);
    }

    [Fact]
    public void Handle_data_reads_both_descriptor_versions_and_stops_object_chains()
    {
        var dump = new SyntheticDump();
        var type = dump.AppendString("Event");
        var objectName = dump.AppendString("\\BaseNamedObjects\\x");
        // A two-entry chain whose second entry points back at the first.
        var first = dump.Position;
        dump.Append(dump.NewBlock().U32(first + 16).U32(6).U32(16).U32(0xaaaa));
        dump.Append(dump.NewBlock().U32(first).U32(1).U32(12));
        dump.AddStream(MinidumpStreamType.HandleData, dump.NewBlock().U32(16).U32(40).U32(2).U32(0)
            .U64(0x4).U32(type).U32(objectName).U32(0).U32(0x1f0003).U32(2).U32(3).U32(first).U32(0)
            .U64(0x8).U32(0).U32(0).U32(0).U32(0).U32(0).U32(0).U32(0).U32(0));
        using var file = dump.Read();
        var handles = file.GetHandleData()!;
        Assert.Equal(40u, handles.DescriptorSize);
        Assert.Equal("Event", handles.Handles[0].TypeName);
        Assert.Equal("\\BaseNamedObjects\\x", handles.Handles[0].ObjectName);
        Assert.Equal([6u, 1u], handles.Handles[0].ObjectInfos.Select(o => o.InfoType));
        Assert.Equal(4, handles.Handles[0].ObjectInfos[0].Data.Length);
        Assert.Null(handles.Handles[1].TypeName);

        var v1 = new SyntheticDump();
        v1.AddStream(MinidumpStreamType.HandleData, v1.NewBlock().U32(16).U32(32).U32(1).U32(0).U64(0x10).Zeros(24));
        using var v1File = v1.Read();
        Assert.Equal(0x10UL, v1File.GetHandleData()!.Handles[0].Handle);

        var bad = new SyntheticDump();
        bad.AddStream(MinidumpStreamType.HandleData, bad.NewBlock().U32(16).U32(36).U32(1).U32(0).Zeros(36));
        using var badFile = bad.Read();
        Assert.Equal(MinidumpErrorKind.StreamReadFailure, Assert.Throws<MinidumpException>(() => badFile.GetHandleData()).Kind);
    }

    private static SyntheticDump MacCrashInfo(ulong[] versions, uint recordStartSize = 40, uint? recordCount = null)
    {
        var dump = new SyntheticDump();
        var records = new List<(uint Rva, uint Size)>();
        foreach (var version in versions)
        {
            var record = dump.NewBlock().U64(0x4d7a0001).U64(version);
            if (version >= 4)
            {
                record.U64(0x1234).U64(0).U64(version >= 5 ? 7UL : 0).Zeros(Math.Max(0, (int)recordStartSize - 40));
                record.Ascii("/usr/lib/libsystem.dylib").U8(0).Ascii("abort() called").U8(0).U8(0).Ascii("bt").U8(0).U8(0);
            }

            var bytes = record.ToArray();
            records.Add((dump.Append(bytes), (uint)bytes.Length));
        }

        var header = dump.NewBlock().U32(0x4d7a0001).U32(recordCount ?? (uint)versions.Length).U32(recordStartSize);
        for (var i = 0; i < 20; i++)
        {
            var (rva, size) = i < records.Count ? records[i] : (0u, 0u);
            header.U32(size).U32(rva);
        }

        return dump.AddStream(MinidumpStreamType.MozMacosCrashInfo, header);
    }

    [Theory]
    [InlineData(1ul, 1)]
    [InlineData(3ul, 1)]
    [InlineData(4ul, 4)]
    [InlineData(5ul, 5)]
    [InlineData(7ul, 5)]
    public void Mac_crash_info_reads_each_record_version(ulong version, int chosen)
    {
        using var file = MacCrashInfo([version, 0, version]).Read();
        var info = file.GetMacCrashInfo()!;
        Assert.Equal(chosen, info.Version);
        Assert.Equal(2, info.Records.Length);
        var record = info.Records[0];
        Assert.Equal(version, record.Version);
        if (chosen >= 4)
        {
            Assert.Equal(0x1234UL, record.Thread);
            Assert.Null(record.DialogMode);
            Assert.Equal("/usr/lib/libsystem.dylib", record.ModulePath);
            Assert.Equal("abort() called", record.Message);
            Assert.Null(record.SignatureString);
            Assert.Equal("bt", record.Backtrace);
            Assert.Null(record.Message2);
            Assert.Equal(chosen == 5 ? 7UL : null, record.AbortCause);
        }
        else
        {
            Assert.Null(record.ModulePath);
        }
    }

    [Fact]
    public void Mac_crash_info_rejects_mixed_versions_short_fixed_parts_and_caps_the_record_count()
    {
        using var mixed = MacCrashInfo([4, 5]).Read();
        Assert.Equal(MinidumpErrorKind.VersionMismatch, Assert.Throws<MinidumpException>(() => mixed.GetMacCrashInfo()).Kind);
        using var shortFixed = MacCrashInfo([5], recordStartSize: 40).Read();
        Assert.NotNull(shortFixed.GetMacCrashInfo());
        using var tooShort = MacCrashInfo([4], recordStartSize: 24).Read();
        Assert.Equal(MinidumpErrorKind.DataError, Assert.Throws<MinidumpException>(() => tooShort.GetMacCrashInfo()).Kind);
        // A bogus record count reads the 20 slots the header has; an empty slot is unreadable.
        using var bogusCount = MacCrashInfo([.. Enumerable.Repeat(1UL, 20)], recordCount: 0xffffffff).Read();
        Assert.Equal(20, bogusCount.GetMacCrashInfo()!.Records.Length);
        using var emptySlot = MacCrashInfo([1], recordCount: 2).Read();
        Assert.Equal(MinidumpErrorKind.StreamReadFailure, Assert.Throws<MinidumpException>(() => emptySlot.GetMacCrashInfo()).Kind);
    }

    [Fact]
    public void Mac_bootargs_linux_limits_and_soft_errors()
    {
        var dump = new SyntheticDump(bigEndian: false);
        var args = dump.AppendString("-v keepsyms=1");
        dump.AddStream(MinidumpStreamType.MozMacosBootargs, dump.NewBlock().U32(0x4d7a0002).U64(args));
        dump.AddStream(MinidumpStreamType.MozLinuxLimits, dump.NewBlock().Ascii("Limit Soft Hard Units\nMax cpu time unlimited unlimited seconds\n"));
        dump.AddStream(MinidumpStreamType.MozSoftErrors, dump.NewBlock().Bytes([0x5b, 0xff, 0x5d]));
        using var file = dump.Read();
        Assert.Equal("-v keepsyms=1", file.GetMacBootargs()!.Bootargs);
        var limits = file.GetTextStream(MinidumpStreamType.MozLinuxLimits)!;
        Assert.Equal(["Limit Soft Hard Units", "Max cpu time unlimited unlimited seconds"], limits.GetLines());
        Assert.Empty(limits.GetKeyValuePairs());
        Assert.Equal(MinidumpErrorKind.DataError,
            Assert.Throws<MinidumpException>(() => file.GetTextStream(MinidumpStreamType.MozSoftErrors)).Kind);

        var missing = new SyntheticDump();
        missing.AddStream(MinidumpStreamType.MozMacosBootargs, missing.NewBlock().U32(0x4d7a0002).U64(ulong.MaxValue));
        using var missingFile = missing.Read();
        Assert.Null(missingFile.GetMacBootargs()!.Bootargs);
    }

    [Fact]
    public void Misc_info_v5_gates_fields_by_flag()
    {
        var dump = new SyntheticDump();
        var block = dump.NewBlock().U32(1364).U32(0x1 | 0x4 | 0x40 | 0x200).U32(1234).U32(5).U32(6).U32(7)
            .U32(3000).U32(2500).U32(3000).U32(1).U32(0)   // processor power
            .U32(0x2000).U32(1).U32(0).U32(2)                // integrity, execute, protected, tz id
            .U32(unchecked((uint)-60));
        var standard = new byte[64];
        System.Text.Encoding.Unicode.GetBytes("W. Europe Standard Time").CopyTo(standard, 0);
        block.Bytes(standard).Zeros(16).U32(0).Zeros(64).Zeros(16).U32(unchecked((uint)-60));
        block.Zeros(520 + 80);
        block.U32(528).U32(0x400).U64(0b101);
        for (var i = 0; i < 64; i++)
        {
            block.U32((uint)(i * 16)).U32(16);
        }

        block.U32(0xc00c1e);
        dump.AddStream(MinidumpStreamType.MiscInfo, block);
        using var file = dump.Read();
        var misc = file.GetMiscInfo()!;
        Assert.Equal(5, misc.Version);
        Assert.Equal(1234u, misc.ProcessId);
        Assert.Null(misc.ProcessCreateTime);
        Assert.Equal(3000u, misc.ProcessorMaxMhz);
        Assert.Null(misc.ProcessIntegrityLevel);
        Assert.Equal(2u, misc.TimeZoneId);
        Assert.Equal("W. Europe Standard Time", misc.TimeZone!.StandardName);
        Assert.Equal(-60, misc.TimeZone.Bias);
        Assert.Null(misc.BuildString);
        Assert.Equal([0, 2], misc.XStateData!.Features.Select(f => f.Index));
        Assert.Equal(32u, misc.XStateData.Features[1].Offset);
        Assert.Equal(0xc00c1eu, misc.ProcessCookie);
    }

    [Fact]
    public void Header_and_directory_errors_have_their_kinds()
    {
        var valid = new SyntheticDump().Build();
        Assert.Equal(MinidumpErrorKind.MissingHeader, Assert.Throws<MinidumpException>(() => MinidumpFile.Read(valid.AsMemory(0, 31))).Kind);
        var badSignature = (byte[])valid.Clone();
        badSignature[0] = (byte)'X';
        Assert.Equal(MinidumpErrorKind.HeaderMismatch, Assert.Throws<MinidumpException>(() => MinidumpFile.Read(badSignature)).Kind);
        var badVersion = new SyntheticDump { Version = 0x1234 }.Build();
        var versionError = Assert.Throws<MinidumpException>(() => MinidumpFile.Read(badVersion));
        Assert.Equal(MinidumpErrorKind.VersionMismatch, versionError.Kind);
        Assert.Equal(4, versionError.Offset);
        var highVersion = new SyntheticDump { Version = 0x5128a793 }.Build();
        Assert.Equal(0x5128a793u, MinidumpFile.Read(highVersion).Header.Version);
        var directory = new SyntheticDump().AddEntry(MinidumpStreamType.ThreadList, 4, 0).Build();
        var truncated = directory.AsMemory(0, directory.Length - 1);
        Assert.Equal(MinidumpErrorKind.MissingDirectory, Assert.Throws<MinidumpException>(() => MinidumpFile.Read(truncated)).Kind);

        var outside = new SyntheticDump().AddEntry(MinidumpStreamType.LinuxMaps, 0x100, 0xffffff00).Read();
        var ex = Assert.Throws<MinidumpException>(() => outside.GetLinuxMaps());
        Assert.Equal(MinidumpErrorKind.StreamReadFailure, ex.Kind);
    }

    [Fact]
    public void Unknown_streams_are_listed_as_raw_with_their_vendor()
    {
        var dump = new SyntheticDump();
        dump.AddStream((MinidumpStreamType)0x4b6b0002, [1, 2, 3]);
        dump.AddStream((MinidumpStreamType)0x12345678, [4]);
        dump.AddStream(MinidumpStreamType.CommentW, [5, 0]);
        using var file = dump.Read();
        var raw = file.Directory.Select(file.GetStream).Cast<MinidumpRawStream>().ToList();
        Assert.Equal([3, 1, 2], raw.Select(r => r.Data.Length));
        Assert.Equal("StabilityReportStream", MinidumpStreamTypes.GetName(raw[0].StreamType));
        Assert.Equal("Unknown Extension", MinidumpStreamTypes.GetVendor(raw[0].StreamType));
        Assert.Null(MinidumpStreamTypes.GetName(raw[1].StreamType));
        Assert.Equal("Official", MinidumpStreamTypes.GetVendor(MinidumpStreamType.CommentW));
        Assert.Equal("Google Extension", MinidumpStreamTypes.GetVendor(MinidumpStreamType.LinuxMaps));
        Assert.Equal("Mozilla Extension", MinidumpStreamTypes.GetVendor(MinidumpStreamType.MozSoftErrors));
    }

    [Fact]
    public void Thread_names_drop_unreadable_names_one_by_one()
    {
        var dump = new SyntheticDump();
        var name = dump.AppendString("worker");
        var odd = dump.Append(dump.NewBlock().U32(3).Bytes([0x61, 0, 0x62]));
        var surrogate = dump.Append(dump.NewBlock().U32(2).U16(0xd800));
        dump.AddStream(MinidumpStreamType.ThreadNames, dump.List([
            dump.NewBlock().U32(1).U64(name),
            dump.NewBlock().U32(2).U64(ulong.MaxValue),
            dump.NewBlock().U32(3).U64(odd),
            dump.NewBlock().U32(4).U64(surrogate),
        ]));
        using var file = dump.Read();
        var names = file.GetThreadNames()!;
        Assert.Equal([new MinidumpThreadName(1, "worker")], names.Names);
        Assert.Equal(3, names.Warnings.Count);
        Assert.Null(names.GetName(2));
    }

    [Fact]
    public void Open_maps_a_file_and_dispose_releases_it()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, ThreadDump(MinidumpContextFormat.Amd64, false).Build());
            MinidumpMemoryRegion stack;
            using (var file = MinidumpFile.Open(path))
            {
                stack = file.GetThreadList()!.Threads[0].GetStackMemory()!;
                Assert.Equal(64UL, stack.Size);
            }

            Assert.Throws<ObjectDisposedException>(() => stack.Bytes.Span.ToArray());
            File.WriteAllBytes(path, []);
            Assert.Equal(MinidumpErrorKind.MissingHeader, Assert.Throws<MinidumpException>(() => MinidumpFile.Open(path)).Kind);
            Assert.Equal(MinidumpErrorKind.IoError, Assert.Throws<MinidumpException>(() => MinidumpFile.Open(path + ".missing")).Kind);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
