using Obs.Minidump.Synth;

namespace Obs.Minidump.Tests;

/// <summary>A synthetic dump with every stream type this library decodes, for one CPU and byte order.</summary>
internal static class RichDump
{
    public const int StreamCount = 28;

    public static byte[] Build(MinidumpContextFormat format, bool bigEndian)
    {
        var dump = new SyntheticDump(bigEndian);
        var is64 = format is not (MinidumpContextFormat.X86 or MinidumpContextFormat.Arm);
        dump.AddSystemInfo(SyntheticDump.Architecture(format), 0x8201, "Linux 6.1.0 #1 SMP PREEMPT x86_64", 0, 0, 0);

        var context1 = dump.AppendContext(format, 0x1000);
        var context2 = dump.AppendContext(format, 0x2000);
        var stack1 = dump.Append(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        var stack2 = dump.Append(new byte[128]);
        dump.AddStream(MinidumpStreamType.ThreadList, dump.List([
            dump.Thread(0x10, context1, 0x7ff000, 256, stack1, teb: 0x7ff000),
            dump.Thread(0x11, context2, 0x9ff000, 128, 0),
        ]));
        var name1 = dump.AppendString("main");
        var name2 = dump.AppendString("worker");
        dump.AddStream(MinidumpStreamType.ThreadNames, dump.List([dump.NewBlock().U32(0x10).U64(name1), dump.NewBlock().U32(0x11).U64(name2)]));
        dump.AddStream(MinidumpStreamType.ThreadInfoList, dump.NewBlock().U32(12).U32(64).U32(1)
            .U32(0x10).U32(0).U32(0).U32(0).U64(1).U64(2).U64(3).U64(4).U64(0x401000).U64(1));

        var exe = dump.AppendString("/opt/app/bin/app");
        var lib = dump.AppendString("/usr/lib/libc.so.6");
        var elf = dump.Append(dump.NewBlock().U32(0x4270454c).Bytes(Enumerable.Range(1, 20).Select(i => (byte)i).ToArray()));
        var pdb = dump.Append(dump.NewBlock().U32(0x53445352).Guid(0x5a9832e5, 0x2872, 0x41c1, [0x83, 0x8e, 0xd9, 0x89, 0x14, 0xe9, 0xb7, 0xff])
            .U32(1).Ascii("app.pdb").U8(0));
        dump.AddStream(MinidumpStreamType.ModuleList, dump.List([
            dump.Module(0x400000, 0x10000, exe, (elf, 24), fileVersion: (0x10002, 0x30004)),
            dump.Module(0x7f0000000000 & (is64 ? ulong.MaxValue : 0xffffffff), 0x20000, lib, (pdb, 32)),
        ]));
        var unloaded = dump.AppendString("gone.so");
        dump.AddStream(MinidumpStreamType.UnloadedModuleList, dump.NewBlock().U32(12).U32(24).U32(1)
            .U64(0x500000).U32(0x1000).U32(0).U32(0x1234).U32(unloaded));

        var code = dump.Append(new byte[64]);
        dump.AddStream(MinidumpStreamType.MemoryList, dump.NewBlock().U32(2)
            .U64(0x7ff000).U32(256).U32(stack1).U64(0x401000).U32(64).U32(code));
        var full = dump.Append(Enumerable.Range(0, 96).Select(i => (byte)(i * 3)).ToArray());
        dump.AddStream(MinidumpStreamType.Memory64List, dump.NewBlock().U64(2).U64(full)
            .U64(0x9ff000).U64(64).U64(0x7ff000).U64(32));
        dump.AddStream(MinidumpStreamType.MemoryInfoList, dump.NewBlock().U32(16).U32(48).U64(1)
            .U64(0x400000).U64(0x400000).U32(0x20).U32(0).U64(0x10000).U32(0x1000).U32(0x20).U32(0x1000000).U32(0));

        var exception = dump.NewBlock().U32(0x10).U32(0).U32(11).U32(1).U64(0).U64(0x45).U32(2).U32(0);
        exception.U64(1).U64(0x45);
        exception.Zeros(13 * 8).U32(context1.Size).U32(context1.Rva);
        dump.AddStream(MinidumpStreamType.Exception, exception);
        dump.AddStream(MinidumpStreamType.MiscInfo, dump.NewBlock().U32(44).U32(7).U32(1234).U32(5).U32(6).U32(7)
            .U32(3000).U32(2000).U32(3000).U32(0).U32(0));
        dump.AddStream(MinidumpStreamType.BreakpadInfo, dump.NewBlock().U32(3).U32(0x11).U32(0x10));
        var assertion = dump.NewBlock();
        foreach (var text in new[] { "x != 0", "main", "app.c" })
        {
            var utf16 = bigEndian ? System.Text.Encoding.BigEndianUnicode.GetBytes(text) : System.Text.Encoding.Unicode.GetBytes(text);
            assertion.Bytes(utf16).Zeros(256 - utf16.Length);
        }

        dump.AddStream(MinidumpStreamType.AssertionInfo, assertion.U32(12).U32(1));

        var key = dump.AppendUtf8("channel");
        var value = dump.AppendUtf8("nightly");
        var dictionary = dump.Append(dump.NewBlock().U32(1).U32(key).U32(value));
        var listItem = dump.AppendUtf8("abort() called");
        var list = dump.Append(dump.NewBlock().U32(1).U32(listItem));
        var annotationName = dump.AppendUtf8("reason");
        var annotationValue = dump.Append(dump.NewBlock().U32(4).Ascii("oops"));
        var annotations = dump.Append(dump.NewBlock().U32(1).U32(annotationName).U16(1).U16(0).U32(annotationValue));
        var moduleInfo = dump.Append(dump.NewBlock().U32(1).U32(8).U32(list).U32(12).U32(dictionary).U32(16).U32(annotations));
        var moduleList = dump.Append(dump.NewBlock().U32(1).U32(0).U32(28).U32(moduleInfo));
        dump.AddStream(MinidumpStreamType.CrashpadInfo, dump.NewBlock().U32(1)
            .Guid(0x42f9de72, 0x518a, 0x43dd, [0x97, 0xd7, 0x8d, 0xdc, 0x32, 0x8d, 0x36, 0x62])
            .Guid(0x6fd2b3b9, 0x9833, 0x4b2f, [0xbb, 0xf7, 0x0b, 0xcf, 0x50, 0x1b, 0xad, 0x7e])
            .U32(12).U32(dictionary).U32(16).U32(moduleList));

        var typeName = dump.AppendString("File");
        var info = dump.Append(dump.NewBlock().U32(0).U32(1).U32(20).U64(42));
        dump.AddStream(MinidumpStreamType.HandleData, dump.NewBlock().U32(16).U32(40).U32(1).U32(0)
            .U64(3).U32(typeName).U32(0).U32(0).U32(0).U32(1).U32(1).U32(info).U32(0));

        dump.AddStream(MinidumpStreamType.LinuxCpuInfo, dump.NewBlock().Ascii("processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme\n"));
        dump.AddStream(MinidumpStreamType.LinuxProcStatus, dump.NewBlock().Ascii("Name:\tapp\nPid:\t1234\n"));
        dump.AddStream(MinidumpStreamType.LinuxLsbRelease, dump.NewBlock().Ascii("DISTRIB_ID=Debian\nDISTRIB_DESCRIPTION=\"Debian 12\"\n"));
        dump.AddStream(MinidumpStreamType.LinuxCmdLine, dump.NewBlock().Ascii("./app\0--flag\0"));
        dump.AddStream(MinidumpStreamType.LinuxEnviron, dump.NewBlock().Ascii("HOME=/root\0LANG=C\0"));
        var auxv = dump.NewBlock();
        foreach (var (type, val) in new (ulong, ulong)[] { (33, 0x7fff0000), (6, 4096), (0, 0) })
        {
            if (is64)
            {
                auxv.U64(type).U64(val);
            }
            else
            {
                auxv.U32((uint)type).U32((uint)val);
            }
        }

        dump.AddStream(MinidumpStreamType.LinuxAuxv, auxv);
        dump.AddStream(MinidumpStreamType.LinuxMaps, dump.NewBlock().Ascii(
            "00400000-00410000 r-xp 00000000 08:01 1234 /opt/app/bin/app\n007fe000-00800000 rw-p 00000000 00:00 0 [stack]\n"));
        var soName = dump.AppendString("/usr/lib/libc.so.6");
        var linkMap = is64
            ? dump.Append(dump.NewBlock().U64(0x7f0000000000).U32(soName).U32(0).U64(0x7f0000001000))
            : dump.Append(dump.NewBlock().U32(0x70000000).U32(soName).U32(0x70001000));
        var dso = dump.NewBlock().U32(1).U32(linkMap).U32(1);
        if (is64)
        {
            dso.U32(0).U64(0x1000).U64(0x2000).U64(0x3000);
        }
        else
        {
            dso.U32(0x1000).U32(0x2000).U32(0x3000);
        }

        dump.AddStream(MinidumpStreamType.LinuxDsoDebug, dso.Zeros(32));

        var recordBlock = dump.NewBlock().U64(0x4d7a0001).U64(5).U64(1).U64(0).U64(9)
            .Ascii("/usr/lib/libsystem.dylib").U8(0).Ascii("message").U8(0).Ascii("sig").U8(0).Ascii("bt").U8(0).Ascii("m2").U8(0);
        var record = dump.Append(recordBlock);
        var crashInfo = dump.NewBlock().U32(0x4d7a0001).U32(1).U32(40).U32((uint)recordBlock.Length).U32(record);
        dump.AddStream(MinidumpStreamType.MozMacosCrashInfo, crashInfo.Zeros(19 * 8));
        var bootargs = dump.AppendString("-v");
        dump.AddStream(MinidumpStreamType.MozMacosBootargs, dump.NewBlock().U32(0x4d7a0002).U64(bootargs));
        dump.AddStream(MinidumpStreamType.MozLinuxLimits, dump.NewBlock().Ascii("Limit Soft Hard Units\nMax stack size 8388608 unlimited bytes\n"));
        dump.AddStream(MinidumpStreamType.MozSoftErrors, dump.NewBlock().Ascii("[{\"InitErrors\":[]}]"));
        dump.AddStream((MinidumpStreamType)0x4b6b0002, dump.NewBlock().Bytes([0x0a, 0x00]));
        return dump.Build();
    }
}
