using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Obs.SymbolFiles.Tests.Reference;
using Obs.Testing;

namespace Obs.SymbolFiles.Tests;

/// <summary>
/// Random, mutated and generated symbol files: the parser returns an index (or, in strict mode,
/// throws <see cref="SymbolFileException"/>) and nothing else, within the allocation bound, and
/// generated files round-trip.
/// </summary>
public sealed class PropertyTests
{
    private static readonly string[] Seeds =
    [
        SymFixtures.Module1,
        SymFixtures.Module2,
        SymFixtures.LinuxInlineOld,
        SymFixtures.LinuxInlineNew,
        "symfiles/tecken/c++filt/B2E65520F14FB5332E38A5A5189839AD0/c++filt.sym",
        "symfiles/tecken/ShowSSEConfig.exe/6A4B9A365000/ShowSSEConfig.sym",
        "symfiles/dump_syms/linux/basic.full.inlines.sym",
    ];

    private static readonly string[] Vocabulary =
    [
        "MODULE", "INFO", "CODE_ID", "FILE", "FUNC", "m", "PUBLIC", "INLINE", "INLINE_ORIGIN", "STACK", "CFI", "INIT", "WIN",
        "0", "1", "4", "ff", "ffffffffffffffff", "fffffffffffffffff", "4294967295", "4294967296", "-1", "1000", "10",
        ".cfa:", ".ra:", "$esp", "^", "+", "name", "\r", "\t", " ", "  ",
    ];

    [Property(MaxTest = 300)]
    public Property Arbitrary_bytes_never_throw_unexpected_exceptions(byte[] data, bool strict) =>
        ParsesWithinBounds(data, strict).ToProperty();

    [Property(MaxTest = 300)]
    public Property Random_token_lines_never_throw_unexpected_exceptions(PositiveInt seed, bool strict)
    {
        var random = new Random(seed.Get);
        var text = new StringBuilder();
        var lines = random.Next(1, 60);
        for (var i = 0; i < lines; i++)
        {
            var words = random.Next(0, 14);
            for (var w = 0; w < words; w++)
            {
                text.Append(Vocabulary[random.Next(Vocabulary.Length)]).Append(random.Next(5) == 0 ? "" : " ");
            }

            text.Append(random.Next(10) == 0 ? "\r\n" : "\n");
        }

        return ParsesWithinBounds(Encoding.UTF8.GetBytes(text.ToString()), strict).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property Mutated_fixtures_never_throw_unexpected_exceptions(PositiveInt seed, bool strict)
    {
        var random = new Random(seed.Get);
        var bytes = TestFixtures.Bytes(Seeds[random.Next(Seeds.Length)]).ToList();
        var mutations = random.Next(1, 20);
        for (var i = 0; i < mutations && bytes.Count > 0; i++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, (byte)"\n \r0f9"[random.Next(6)]);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 64)));
                    break;
                case 3:
                    bytes.InsertRange(at, Encoding.ASCII.GetBytes(Vocabulary[random.Next(Vocabulary.Length)]));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return ParsesWithinBounds([.. bytes], strict).ToProperty();
    }

    [Property(MaxTest = 150)]
    public Property Generated_canonical_files_round_trip(PositiveInt seed)
    {
        var model = GeneratedSymbolFile.Create(new Random(seed.Get), canonical: true);
        var text = model.ToText();

        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text));

        Assert.Equal(0, index.Statistics.SkippedLines);
        Assert.Equal(0, index.Statistics.Repaired);
        IndexAssert.Matches(model.Expected(), index);
        return true.ToProperty();
    }

    [Property(MaxTest = 150)]
    public Property Generated_files_with_overlaps_and_disorder_match_the_reference_policy(PositiveInt seed)
    {
        var model = GeneratedSymbolFile.Create(new Random(seed.Get), canonical: false);
        var text = model.ToText();

        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(text));

        IndexAssert.Matches(ReferenceSymbolFile.Parse(text), index);
        return true.ToProperty();
    }

    [Property(MaxTest = 150)]
    public Property Lookups_match_a_naive_per_depth_search(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var model = GeneratedSymbolFile.Create(random, canonical: true);
        var index = SymbolIndex.Parse(Encoding.UTF8.GetBytes(model.ToText()));

        foreach (var function in model.Expected().Functions)
        {
            for (var probe = 0; probe < 8; probe++)
            {
                var address = function.Address + (ulong)random.NextInt64(function.Size);
                Assert.True(index.TryLookup(address, out var result));
                var expected = NaiveChain(function, address);
                Assert.Equal(expected.Count, result.InlineFrameCount);
                for (var i = 0; i < expected.Count; i++)
                {
                    var frame = result.GetInlineFrame(expected.Count - 1 - i);
                    Assert.Equal((expected[i].Address, expected[i].Origin), (frame.Address, uint.Parse(frame.Name["ns::inlined_".Length..frame.Name.IndexOf('<', StringComparison.Ordinal)], CultureInfo.InvariantCulture)));
                }
            }
        }

        return true.ToProperty();
    }

    /// <summary>rust-minidump's rule, the slow way: per depth, the last range starting at or below the address must cover it.</summary>
    private static List<RefInline> NaiveChain(RefFunction function, ulong address)
    {
        var chain = new List<RefInline>();
        for (uint depth = 0; ; depth++)
        {
            var last = function.Inlines.Where(r => r.Depth == depth && r.Address <= address).LastOrDefault();
            if (last is null || address - last.Address >= last.Size)
            {
                return chain;
            }

            chain.Add(last);
        }
    }

    private static bool ParsesWithinBounds(byte[] data, bool strict)
    {
        // One thread, so that every allocation is on this thread and measured.
        var options = new SymbolParseOptions { Strict = strict, MaxDegreeOfParallelism = 1 };
        SymbolIndex? index = null;
        var allocated = AllocationMeter.Measure(() =>
        {
            try
            {
                index = SymbolIndex.Parse(data, options);
            }
            catch (SymbolFileException ex) when (strict || ex.Reason.StartsWith("no Breakpad records", StringComparison.Ordinal))
            {
                // Lenient mode rejects only inputs without a single record.
            }
        });

        Assert.True(allocated <= AllocationMeter.Bound(data.Length), $"{allocated} bytes allocated for {data.Length} bytes of input");
        if (index is not null)
        {
            // Native tables: at most one 28-byte inline range per 4 bytes of text, plus fixed overhead.
            Assert.True(index.MemoryBytes <= (8L * data.Length) + 4096, $"{index.MemoryBytes} bytes of tables for {data.Length} bytes of input");
            for (ulong address = 0; address < 0x5000; address += 0x3f)
            {
                if (index.TryLookup(address, out var result))
                {
                    _ = InputEquivalenceTests.Describe(result);
                }

                index.TryFindCfiRules(address, out _);
                index.TryFindStackWin(address, out _);
            }
        }

        return true;
    }
}

/// <summary>A random symbol file built from records, and the records it must parse back to.</summary>
internal sealed class GeneratedSymbolFile
{
    private readonly List<string> _lines = [];
    private readonly ReferenceSymbolFile _expected = new();

    public static GeneratedSymbolFile Create(Random random, bool canonical)
    {
        var file = new GeneratedSymbolFile();
        file._lines.Add("MODULE Linux x86_64 C0BCC3F19827FE653058404B2831D9E60 generated module");
        var files = random.Next(1, 8);
        for (uint i = 0; i < files; i++)
        {
            var name = $"/src/dir {i}/file{i}.cc";
            file._lines.Add($"FILE {i} {name}");
            file._expected.Files[i] = name;
        }

        var origins = random.Next(0, 8);
        for (uint i = 0; i < origins; i++)
        {
            var name = $"ns::inlined_{i}<T, U>(int)";
            file._lines.Add($"INLINE_ORIGIN {i} {name}");
            file._expected.Origins[i] = name;
        }

        ulong address = (ulong)random.Next(0, 0x1000);
        var functions = new List<(RefFunction Function, List<string> Lines)>();
        var count = random.Next(0, 25);
        for (var f = 0; f < count; f++)
        {
            var size = (uint)random.Next(1, 0x200);
            var function = new RefFunction(address, size, (uint)random.Next(0, 16), $"function {f}(char const*)", random.Next(10) == 0);
            var text = new List<string> { $"FUNC {(function.Multiple ? "m " : "")}{Hex(function.Address)} {Hex(size)} {Hex(function.ParameterSize)} {function.Name}" };

            // Sibling chains of inline ranges, each nested by depth inside the function and
            // written depth-first as dump_syms does (so the parser has to sort them).
            if (origins > 0)
            {
                var chains = random.Next(1, 4);
                for (var c = 0; c < chains; c++)
                {
                    var depth = 0u;
                    var (start, end) = (address, address + size);
                    while (end - start > 2 && random.Next(3) > 0)
                    {
                        var rangeStart = start + (ulong)random.Next(0, (int)(end - start) / 2);
                        var rangeSize = (uint)random.Next(1, (int)(end - rangeStart) + 1);
                        var inline = new RefInline(depth, (uint)random.Next(1, 500), (uint)random.Next(files), (uint)random.Next(origins), rangeStart, rangeSize);
                        var line = $"INLINE {depth} {inline.CallLine} {inline.CallFile} {inline.Origin} {Hex(rangeStart)} {Hex(rangeSize)}";
                        function.Inlines.Add(inline);

                        // Sometimes a second, disjoint range after the first.
                        var secondStart = rangeStart + rangeSize + 1;
                        if (random.Next(3) == 0 && secondStart + 1 < end)
                        {
                            var secondSize = (uint)random.Next(1, (int)(end - secondStart));
                            line += $" {Hex(secondStart)} {Hex(secondSize)}";
                            function.Inlines.Add(inline with { Address = secondStart, Size = secondSize });
                        }

                        text.Add(line);
                        function.InlineRecords++;
                        (start, end) = (rangeStart, rangeStart + rangeSize);
                        depth++;
                    }
                }

                var sorted = function.Inlines.OrderBy(i => i.Depth).ThenBy(i => i.Address).ToList();
                function.Inlines.Clear();
                function.Inlines.AddRange(sorted);
            }

            for (var at = address; at < address + size;)
            {
                var lineSize = (uint)Math.Min(random.Next(1, 0x40), (long)(address + size - at));
                var line = new RefLine(at, lineSize, (uint)random.Next(1, 5000), (uint)random.Next(files));
                text.Add($"{Hex(at)} {Hex(lineSize)} {line.Line} {line.File}");
                function.Lines.Add(line);
                at += lineSize;
            }

            functions.Add((function, text));
            address += size + (ulong)random.Next(0, 0x40);
        }

        if (!canonical)
        {
            // Disorder and conflicts for the policy: shuffle blocks, duplicate and overlap some.
            for (var i = 0; i < functions.Count / 3; i++)
            {
                var (function, text) = functions[random.Next(functions.Count)];
                var shifted = function.Address + (ulong)random.Next(0, (int)function.Size);
                var lines = new List<string>(text) { [0] = $"FUNC {Hex(shifted)} {Hex(function.Size)} 0 overlapping {i}" };
                functions.Add((function with { Address = shifted }, lines));
            }

            functions = [.. functions.OrderBy(_ => random.Next())];
        }

        foreach (var (function, text) in functions)
        {
            file._lines.AddRange(text);
            file._expected.Functions.Add(function);
        }

        var publics = random.Next(0, 6);
        for (var p = 0; p < publics; p++)
        {
            var symbol = new RefPublic(address + (ulong)(p * 16) + 1, (uint)random.Next(0, 8), $"public_{p}", false);
            file._lines.Add($"PUBLIC {Hex(symbol.Address)} {Hex(symbol.ParameterSize)} {symbol.Name}");
            file._expected.Publics.Add(symbol);
        }

        var cfiAddress = (ulong)random.Next(0, 0x100);
        var inits = random.Next(0, 6);
        for (var c = 0; c < inits; c++)
        {
            var size = (uint)random.Next(1, 0x80);
            var cfi = new RefCfi(cfiAddress, size, ".cfa: $rsp 8 + .ra: .cfa -8 + ^");
            file._lines.Add($"STACK CFI INIT {Hex(cfiAddress)} {Hex(size)} {cfi.Rules}");
            var rows = random.Next(0, 4);
            for (var r = 1; r <= rows && r < size; r++)
            {
                var row = (cfiAddress + (ulong)r, $".cfa: $rsp {8 * (r + 1)} +");
                file._lines.Add($"STACK CFI {Hex(row.Item1)} {row.Item2}");
                cfi.Rows.Add(row);
            }

            file._expected.Cfi.Add(cfi);
            cfiAddress += size + (ulong)random.Next(0, 0x10);
        }

        if (canonical)
        {
            file._expected.Publics.Sort((a, b) => a.Address.CompareTo(b.Address));
        }

        return file;
    }

    public string ToText() => string.Join('\n', _lines) + "\n";

    public ReferenceSymbolFile Expected() => _expected;

    private static string Hex(ulong value) => value.ToString("x", CultureInfo.InvariantCulture);
}
