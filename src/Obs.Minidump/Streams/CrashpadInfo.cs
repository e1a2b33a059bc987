using System.Collections.Immutable;
using Obs.Minidump.Internal;

namespace Obs.Minidump;

/// <summary>How a Crashpad annotation object's value is to be read.</summary>
public enum MinidumpAnnotationKind
{
    /// <summary>Type 0: no value.</summary>
    Invalid,
    /// <summary>Type 1: UTF-8 text.</summary>
    Text,
    /// <summary>Types 0x8000 and up: application-defined bytes.</summary>
    UserDefined,
    /// <summary>Types 2–0x7fff: not supported; raw bytes.</summary>
    Unsupported,
}

/// <summary>A Crashpad annotation object (MinidumpAnnotation).</summary>
/// <param name="Name">The annotation name.</param>
/// <param name="Type">The raw type number.</param>
/// <param name="Value">The value's bytes.</param>
public sealed record MinidumpCrashpadAnnotation(string Name, ushort Type, ReadOnlyMemory<byte> Value)
{
    /// <summary>How the value is to be read.</summary>
    public MinidumpAnnotationKind Kind => Type switch
    {
        0 => MinidumpAnnotationKind.Invalid,
        1 => MinidumpAnnotationKind.Text,
        >= 0x8000 => MinidumpAnnotationKind.UserDefined,
        _ => MinidumpAnnotationKind.Unsupported,
    };

    /// <summary>The value as text, for <see cref="MinidumpAnnotationKind.Text"/> annotations.</summary>
    public string? StringValue { get; init; }
}

/// <summary>Crashpad information about one module (MinidumpModuleCrashpadInfo).</summary>
public sealed class MinidumpCrashpadModuleInfo
{
    internal MinidumpCrashpadModuleInfo()
    {
    }

    /// <summary>Index into the module list stream as written.</summary>
    public uint ModuleIndex { get; internal init; }

    /// <summary>Structure version.</summary>
    public uint Version { get; internal init; }

    /// <summary>List annotations, in order.</summary>
    public ImmutableArray<string> ListAnnotations { get; internal init; } = [];

    /// <summary>Simple (key, value) annotations, in file order.</summary>
    public ImmutableArray<KeyValuePair<string, string>> SimpleAnnotations { get; internal init; } = [];

    /// <summary>Annotation objects, in file order.</summary>
    public ImmutableArray<MinidumpCrashpadAnnotation> AnnotationObjects { get; internal init; } = [];
}

/// <summary>CrashpadInfoStream (0x43500001): report and client ids, and annotations.</summary>
public sealed class MinidumpCrashpadInfo : MinidumpStream
{
    private const int Size = 52;

    private MinidumpCrashpadInfo(MinidumpDirectoryEntry entry) : base(entry)
    {
    }

    /// <summary>Structure version (at least 1).</summary>
    public uint Version { get; private init; }

    /// <summary>The report UUID.</summary>
    public Guid ReportId { get; private init; }

    /// <summary>The client UUID.</summary>
    public Guid ClientId { get; private init; }

    /// <summary>Process-wide simple annotations, in file order.</summary>
    public ImmutableArray<KeyValuePair<string, string>> SimpleAnnotations { get; private init; } = [];

    /// <summary>Per-module information.</summary>
    public ImmutableArray<MinidumpCrashpadModuleInfo> Modules { get; private init; } = [];

    /// <summary>The pointer-authentication address mask, when the stream is long enough to hold it (64 bytes).</summary>
    public ulong? AddressMask { get; private init; }

    internal static MinidumpCrashpadInfo Parse(MinidumpFile dump, MinidumpDirectoryEntry entry, ReadOnlyMemory<byte> memory)
    {
        var data = memory.Span;
        var rva = entry.Location.Rva;
        if (data.Length < Size)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamSizeMismatch, $"CrashpadInfo needs {Size} bytes, the stream has {data.Length}", rva);
        }

        var reader = new SpanReader(data, rva, dump.IsBigEndian);
        var version = reader.ReadUInt32();
        if (version == 0)
        {
            ThrowHelper.Throw(MinidumpErrorKind.VersionMismatch, "CrashpadInfo version 0", rva);
        }

        var reportId = reader.ReadGuid();
        var clientId = reader.ReadGuid();
        var simple = new MinidumpLocation(reader.ReadUInt32(), reader.ReadUInt32());
        var modules = new MinidumpLocation(reader.ReadUInt32(), reader.ReadUInt32());
        ulong? addressMask = null;
        if (data.Length >= 64)
        {
            reader.Skip(4);
            addressMask = reader.ReadUInt64();
        }

        return new MinidumpCrashpadInfo(entry)
        {
            Version = version,
            ReportId = reportId,
            ClientId = clientId,
            SimpleAnnotations = ReadDictionary(dump, simple),
            Modules = ReadModules(dump, modules),
            AddressMask = addressMask,
        };
    }

    /// <summary>Reads a u32-counted list at a location; the location must hold the count and every entry.</summary>
    private static SpanReader OpenList(MinidumpFile dump, MinidumpLocation location, int entrySize, out int count)
    {
        if (!dump.TryGetRange(location.Rva, location.DataSize, out var start, out var length))
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamReadFailure,
                $"a Crashpad list ({location.DataSize} bytes at 0x{location.Rva:x}) lies outside the file", location.Rva);
        }

        var reader = new SpanReader(dump.Span.Slice(start, length), start, dump.IsBigEndian);
        var n = reader.ReadUInt32();
        if (n > (ulong)(length - 4) / (ulong)entrySize)
        {
            ThrowHelper.Throw(MinidumpErrorKind.StreamSizeMismatch,
                $"a Crashpad list of {n} entries of {entrySize} bytes does not fit in {length} bytes", start);
        }

        count = (int)n;
        return reader;
    }

    private static string ReadString(MinidumpFile dump, uint rva) =>
        dump.ReadUtf8String(rva) ?? ThrowHelper.Throw<string>(MinidumpErrorKind.DataError,
            $"a Crashpad string at 0x{rva:x} cannot be read", rva);

    private static ImmutableArray<KeyValuePair<string, string>> ReadDictionary(MinidumpFile dump, MinidumpLocation location)
    {
        if (location.DataSize == 0)
        {
            return [];
        }

        var reader = OpenList(dump, location, 8, out var count);
        var builder = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>(count);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString(dump, reader.ReadUInt32());
            var value = ReadString(dump, reader.ReadUInt32());
            builder.Add(new KeyValuePair<string, string>(key, value));
        }

        return builder.MoveToImmutable();
    }

    private static ImmutableArray<MinidumpCrashpadModuleInfo> ReadModules(MinidumpFile dump, MinidumpLocation location)
    {
        if (location.DataSize == 0)
        {
            return [];
        }

        var reader = OpenList(dump, location, 12, out var count);
        var builder = ImmutableArray.CreateBuilder<MinidumpCrashpadModuleInfo>(count);
        for (var i = 0; i < count; i++)
        {
            var moduleIndex = reader.ReadUInt32();
            var info = new MinidumpLocation(reader.ReadUInt32(), reader.ReadUInt32());
            if (!dump.TryGetRange(info.Rva, info.DataSize, out var start, out var length))
            {
                ThrowHelper.Throw(MinidumpErrorKind.StreamReadFailure,
                    $"Crashpad module info {i} ({info.DataSize} bytes at 0x{info.Rva:x}) lies outside the file", info.Rva);
            }

            var module = new SpanReader(dump.Span.Slice(start, length), start, dump.IsBigEndian);
            var version = module.ReadUInt32();
            var list = new MinidumpLocation(module.ReadUInt32(), module.ReadUInt32());
            var simple = new MinidumpLocation(module.ReadUInt32(), module.ReadUInt32());
            var objects = new MinidumpLocation(module.ReadUInt32(), module.ReadUInt32());
            builder.Add(new MinidumpCrashpadModuleInfo
            {
                ModuleIndex = moduleIndex,
                Version = version,
                ListAnnotations = ReadStringList(dump, list),
                SimpleAnnotations = ReadDictionary(dump, simple),
                AnnotationObjects = ReadAnnotations(dump, objects),
            });
        }

        return builder.MoveToImmutable();
    }

    private static ImmutableArray<string> ReadStringList(MinidumpFile dump, MinidumpLocation location)
    {
        if (location.DataSize == 0)
        {
            return [];
        }

        var reader = OpenList(dump, location, 4, out var count);
        var builder = ImmutableArray.CreateBuilder<string>(count);
        for (var i = 0; i < count; i++)
        {
            builder.Add(ReadString(dump, reader.ReadUInt32()));
        }

        return builder.MoveToImmutable();
    }

    private static ImmutableArray<MinidumpCrashpadAnnotation> ReadAnnotations(MinidumpFile dump, MinidumpLocation location)
    {
        if (location.DataSize == 0)
        {
            return [];
        }

        var reader = OpenList(dump, location, 12, out var count);
        var builder = ImmutableArray.CreateBuilder<MinidumpCrashpadAnnotation>(count);
        for (var i = 0; i < count; i++)
        {
            var nameRva = reader.ReadUInt32();
            var type = reader.ReadUInt16();
            reader.Skip(2);
            var valueRva = reader.ReadUInt32();
            var name = ReadString(dump, nameRva);
            ReadOnlyMemory<byte> value = default;
            string? text = null;
            if (type != 0)
            {
                if (!dump.TryReadByteArray(valueRva, out value))
                {
                    ThrowHelper.Throw(MinidumpErrorKind.DataError, $"the value of annotation '{name}' at 0x{valueRva:x} cannot be read", valueRva);
                }

                if (type == 1)
                {
                    text = dump.DecodeUtf8Strict(value.Span, valueRva + 4)
                        ?? ThrowHelper.Throw<string>(MinidumpErrorKind.DataError, $"the value of annotation '{name}' is not UTF-8", valueRva + 4);
                }
            }

            builder.Add(new MinidumpCrashpadAnnotation(name, type, value) { StringValue = text });
        }

        return builder.MoveToImmutable();
    }
}
