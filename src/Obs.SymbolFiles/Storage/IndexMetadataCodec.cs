using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Obs.SymbolFiles.Storage;

/// <summary>
/// The metadata section of a saved index: the MODULE and INFO records and the parse's
/// diagnostics, as length-prefixed UTF-8 strings and little-endian integers. It is small (a few
/// strings and at most <see cref="SymbolParseOptions.MaxDiagnostics"/> diagnostics), so it is
/// decoded when the file is opened, every length checked against the section.
/// </summary>
internal static class IndexMetadataCodec
{
    public static byte[] Encode(SymbolMetadata metadata, IReadOnlyList<SymbolFileDiagnostic> diagnostics)
    {
        var output = new ArrayBufferWriter<byte>();
        var module = metadata.Module;
        WriteInt(output, module is null ? 0 : 1);
        if (module is not null)
        {
            WriteString(output, module.OperatingSystem);
            WriteString(output, module.Architecture);
            WriteString(output, module.Id);
            WriteString(output, module.Name);
        }

        WriteString(output, metadata.CodeId);
        WriteString(output, metadata.CodeFile);
        WriteString(output, metadata.Generator);
        WriteString(output, metadata.Url);
        WriteInt(output, metadata.ExtraInfo.Count);
        foreach (var (key, value) in metadata.ExtraInfo)
        {
            WriteString(output, key);
            WriteString(output, value);
        }

        WriteInt(output, diagnostics.Count);
        foreach (var diagnostic in diagnostics)
        {
            WriteLong(output, diagnostic.LineNumber);
            WriteLong(output, diagnostic.ByteOffset);
            WriteInt(output, (int)diagnostic.Kind);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <exception cref="SymbolIndexFormatException">The section is not a valid encoding.</exception>
    public static (SymbolMetadata Metadata, IReadOnlyList<SymbolFileDiagnostic> Diagnostics) Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        SymbolModule? module = null;
        if (reader.Int() != 0)
        {
            module = new SymbolModule(reader.RequiredString(), reader.RequiredString(), reader.RequiredString(), reader.RequiredString());
        }

        var codeId = reader.String();
        var codeFile = reader.String();
        var generator = reader.String();
        var url = reader.String();
        var extra = new List<KeyValuePair<string, string>>();
        for (var count = reader.Count(8); count > 0; count--)
        {
            extra.Add(new(reader.RequiredString(), reader.RequiredString()));
        }

        var diagnostics = new List<SymbolFileDiagnostic>();
        for (var count = reader.Count(20); count > 0; count--)
        {
            var line = reader.Long();
            var offset = reader.Long();
            var kind = reader.Int();
            if (!Enum.IsDefined((SymbolFileDiagnosticKind)kind))
            {
                ThrowHelper.ThrowCorruptIndex("unknown diagnostic kind in the metadata");
            }

            diagnostics.Add(new SymbolFileDiagnostic(line, offset, (SymbolFileDiagnosticKind)kind));
        }

        if (!reader.AtEnd)
        {
            ThrowHelper.ThrowCorruptIndex("bytes after the metadata");
        }

        return (new SymbolMetadata(module, codeId, codeFile, generator, url, extra), diagnostics);
    }

    private static void WriteInt(ArrayBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteLong(ArrayBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string? value)
    {
        if (value is null)
        {
            WriteInt(output, -1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt(output, length);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public readonly bool AtEnd => _rest.IsEmpty;

        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        /// <summary>A count of items of at least <paramref name="itemSize"/> bytes each, checked against the bytes left.</summary>
        public int Count(int itemSize)
        {
            var count = Int();
            if (count < 0 || (long)count * itemSize > _rest.Length)
            {
                ThrowHelper.ThrowCorruptIndex("a metadata count exceeds the section");
            }

            return count;
        }

        public string? String()
        {
            var length = Int();
            return length == -1 ? null : Encoding.UTF8.GetString(Take(length));
        }

        public string RequiredString() => String() ?? throw new SymbolIndexFormatException("corrupt symbol index: a required metadata string is missing");

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length < 0 || length > _rest.Length)
            {
                ThrowHelper.ThrowCorruptIndex("the metadata is truncated");
            }

            var taken = _rest[..length];
            _rest = _rest[length..];
            return taken;
        }
    }
}
