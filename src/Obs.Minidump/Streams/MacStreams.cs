using System.Collections.Immutable;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>One macOS crash-info record (Mozilla's MozMacosCrashInfo). Zero fields and empty strings are null.</summary>
public sealed class MinidumpMacCrashInfoRecord
{
    internal MinidumpMacCrashInfoRecord()
    {
    }

    /// <summary>The record's stream type field (should repeat 0x4d7a0001).</summary>
    public ulong StreamType { get; internal init; }

    /// <summary>The record version.</summary>
    public ulong Version { get; internal init; }

    /// <summary>v4+: the thread.</summary>
    public ulong? Thread { get; internal init; }

    /// <summary>v4+: the dialog mode.</summary>
    public ulong? DialogMode { get; internal init; }

    /// <summary>v5+: the abort cause.</summary>
    public ulong? AbortCause { get; internal init; }

    /// <summary>v4+: the module path.</summary>
    public string? ModulePath { get; internal init; }

    /// <summary>v4+: the message.</summary>
    public string? Message { get; internal init; }

    /// <summary>v4+: the signature string.</summary>
    public string? SignatureString { get; internal init; }

    /// <summary>v4+: the backtrace.</summary>
    public string? Backtrace { get; internal init; }

    /// <summary>v4+: the second message.</summary>
    public string? Message2 { get; internal init; }
}

/// <summary>MozMacosCrashInfoStream (0x4d7a0001): crash-info records of the macOS libraries.</summary>
public sealed class MinidumpMacCrashInfo : MinidumpStream
{
    private const int HeaderSize = 172;
    private const int MaxRecords = 20;

    private MinidumpMacCrashInfo(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>The header's stream type field.</summary>
    public uint HeaderStreamType { get; private init; }

    /// <summary>The record count as written.</summary>
    public uint RecordCount { get; private init; }

    /// <summary>Size of each record's fixed part: the offset where its strings begin.</summary>
    public uint RecordStartSize { get; private init; }

    /// <summary>The record version all records share (1, 4 or 5; 0 when there is none).</summary>
    public int Version { get; private init; }

    /// <summary>The records (version-0 records skipped).</summary>
    public ImmutableArray<MinidumpMacCrashInfoRecord> Records { get; private init; }

    internal static MinidumpMacCrashInfo Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var rva = entry.Location.Rva;
        var reader = new SpanReader(memory.Span, rva, dump.IsBigEndian, MinidumpErrorKind.StreamSizeMismatch);
        if (memory.Length < HeaderSize)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamSizeMismatch, $"MacCrashInfo needs {HeaderSize} bytes, the stream has {memory.Length}", rva);
        }

        var streamType = reader.ReadUInt32();
        var recordCount = reader.ReadUInt32();
        var startSize = reader.ReadUInt32();
        var used = (int)Math.Min(recordCount, MaxRecords);
        var builder = ImmutableArray.CreateBuilder<MinidumpMacCrashInfoRecord>(used);
        ulong commonVersion = 0;
        var chosen = 0;
        for (var i = 0; i < used; i++)
        {
            var location = new MinidumpLocation(reader.ReadUInt32(), reader.ReadUInt32());
            if (!dump.TryGetRange(location.Rva, location.DataSize, out var start, out var length))
            {
                ThrowHelper.Throw(MinidumpErrorKind.StreamReadFailure,
                    $"crash-info record {i} ({location.DataSize} bytes at 0x{location.Rva:x}) lies outside the file", reader.FileOffset - 8);
            }

            var record = new SpanReader(dump.Span.Slice(start, length), start, dump.IsBigEndian);
            var recordType = record.ReadUInt64();
            var version = record.ReadUInt64();
            if (version == 0)
            {
                continue;
            }

            if (commonVersion != 0 && version != commonVersion)
            {
                ThrowHelper.Throw(MinidumpErrorKind.VersionMismatch,
                    $"crash-info record {i} has version {version}, an earlier one {commonVersion}", start + 8);
            }

            commonVersion = version;
            chosen = version >= 5 ? 5 : version == 4 ? 4 : 1;
            var fixedSize = chosen switch { 5 => 40, 4 => 32, _ => 16 };
            if (fixedSize > startSize)
            {
                ThrowHelper.Throw(MinidumpErrorKind.DataError,
                    $"a version {chosen} record needs {fixedSize} fixed bytes, record_start_size is {startSize}", rva + 8);
            }

            ulong? thread = null, dialog = null, abort = null;
            string?[] strings = new string?[5];
            if (chosen >= 4)
            {
                thread = NonZero(record.ReadUInt64());
                dialog = NonZero(record.ReadUInt64());
                if (chosen >= 5)
                {
                    abort = NonZero(record.ReadUInt64());
                }

                var text = startSize <= (uint)length ? dump.Span.Slice(start + (int)startSize, length - (int)startSize) : [];
                var textOffset = start + (long)startSize;
                for (var s = 0; s < strings.Length && !text.IsEmpty; s++)
                {
                    var nul = text.IndexOf((byte)0);
                    var value = nul < 0 ? text : text[..nul];
                    strings[s] = value.IsEmpty ? null : dump.DecodeUtf8Lossy(value, textOffset);
                    textOffset += value.Length + 1;
                    text = nul < 0 ? [] : text[(nul + 1)..];
                }
            }

            builder.Add(new MinidumpMacCrashInfoRecord
            {
                StreamType = recordType,
                Version = version,
                Thread = thread,
                DialogMode = dialog,
                AbortCause = abort,
                ModulePath = strings[0],
                Message = strings[1],
                SignatureString = strings[2],
                Backtrace = strings[3],
                Message2 = strings[4],
            });
        }

        return new MinidumpMacCrashInfo(entry)
        {
            HeaderStreamType = streamType,
            RecordCount = recordCount,
            RecordStartSize = startSize,
            Version = chosen,
            Records = builder.DrainToImmutable(),
        };
    }

    private static ulong? NonZero(ulong value) => value == 0 ? null : value;
}

/// <summary>MozMacosBootargs (0x4d7a0002): the kernel boot arguments.</summary>
public sealed class MinidumpMacBootargs : MinidumpStream
{
    private MinidumpMacBootargs(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>The stream type field (should repeat 0x4d7a0002).</summary>
    public uint HeaderStreamType { get; private init; }

    /// <summary>File offset of the boot-args string.</summary>
    public ulong BootargsRva { get; private init; }

    /// <summary>The boot arguments, or null when the string cannot be read.</summary>
    public string? Bootargs { get; private init; }

    internal static MinidumpMacBootargs Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var reader = new SpanReader(memory.Span, entry.Location.Rva, dump.IsBigEndian, MinidumpErrorKind.StreamSizeMismatch);
        var type = reader.ReadUInt32();
        var rva = reader.ReadUInt64();
        return new MinidumpMacBootargs(entry)
        {
            HeaderStreamType = type,
            BootargsRva = rva,
            Bootargs = dump.ReadMinidumpString(rva),
        };
    }
}
