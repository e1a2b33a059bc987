using System.Globalization;
using System.Text;

namespace Obs.SymbolFiles.Tests;

public sealed class MalformedInputTests
{
    private static SymbolIndex Parse(string text, SymbolParseOptions? options = null) =>
        SymbolIndex.Parse(Encoding.UTF8.GetBytes(text), options);

    [Theory]
    [InlineData("")]
    [InlineData("\n\r\n\n")]
    [InlineData("junk\n")]
    [InlineData("MDMP\u0093\u00a7\0\0 not a symbol file")]
    [InlineData("1000 4 1 1\nSTACK CFI 1000 .cfa: $esp 4 +\n")]
    public void Input_without_a_single_record_is_rejected_in_lenient_mode_too(string text)
    {
        var lenient = Assert.Throws<SymbolFileException>(() => Parse(text));
        Assert.StartsWith("no Breakpad records", lenient.Message, StringComparison.Ordinal);

        var strict = Assert.Throws<SymbolFileException>(() => Parse(text, new SymbolParseOptions { Strict = true }));
        Assert.NotNull(strict.Message);
    }

    [Fact]
    public void Input_with_one_record_among_bad_lines_is_accepted_in_lenient_mode()
    {
        var index = Parse("junk\nPUBLIC 1000 0 f\nmore junk\n");

        Assert.Equal(1, index.Statistics.Publics);
        Assert.Equal(2, index.Statistics.SkippedLines);
    }

    [Fact]
    public void A_large_file_of_orphan_line_records_split_into_chunks_has_no_records()
    {
        // Chunks after the first read leading line records as the continuation of a FUNC block;
        // with no block open before them they are orphans, and count as no record.
        var text = new StringBuilder();
        while (text.Length < 300_000)
        {
            text.Append("1000 4 1 1\n");
        }

        var options = new SymbolParseOptions { MaxDegreeOfParallelism = 4, ParallelThreshold = 64 * 1024 };
        var ex = Assert.Throws<SymbolFileException>(() => Parse(text.ToString(), options));
        Assert.StartsWith("no Breakpad records", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("junk\n", SymbolFileDiagnosticKind.UnknownRecord)]
    [InlineData("MODULE Linux x86_64 XYZ name\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("MODULE Linux x86_64\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("FILE x name\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("FILE 1\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("FUNC xx 1 0 f\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("FUNC 1000\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("FUNC 1000 10 0\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("FUNC 11112222333344445 10 0 too_many_hex_digits\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("FUNC 1000 111122223 0 size_over_32_bits\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("PUBLIC 1000\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("1000 4 1 1\n", SymbolFileDiagnosticKind.OrphanFunctionLine)]
    [InlineData("INLINE 0 1 1 1 1000 4\n", SymbolFileDiagnosticKind.OrphanFunctionLine)]
    [InlineData("STACK CFI 1000 .cfa: $esp 4 +\n", SymbolFileDiagnosticKind.OrphanCfiRow)]
    [InlineData("STACK CFI INIT 1000 10\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("STACK WIN 4 1000 10\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("STACK WIN 44 1000 10 0 0 0 0 0 0 1 $eip\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("STACK WIN 0 1000 10 0 0 0 0 0 0 0\n", SymbolFileDiagnosticKind.MalformedRecord)]
    [InlineData("INFO\n", SymbolFileDiagnosticKind.UnknownRecord)]
    [InlineData("FILE 1 a.c\nMODULE Linux x86 AB name\n", SymbolFileDiagnosticKind.MisplacedModule)]
    public void Bad_line_is_skipped_and_reported_or_rejected_in_strict_mode(string text, SymbolFileDiagnosticKind kind)
    {
        // A record after the bad line: a file without any is rejected whole.
        var index = Parse(text + "PUBLIC 2000 0 after\n");

        Assert.Equal(1, index.Statistics.SkippedLines);
        var diagnostic = Assert.Single(index.Diagnostics);
        Assert.Equal(kind, diagnostic.Kind);

        var ex = Assert.Throws<SymbolFileException>(() => Parse(text, new SymbolParseOptions { Strict = true }));
        Assert.Equal(diagnostic.LineNumber, ex.LineNumber);
        Assert.Equal(diagnostic.ByteOffset, ex.ByteOffset);
    }

    [Fact]
    public void Cfi_block_whose_rules_outgrow_the_line_limit_many_times_is_returned_whole()
    {
        // 600,000 rows of 16 bytes of rules: 9.6 MB of rule text in force at the last row, more
        // than a StringRef can describe (8 MiB), across the chunks of a parallel parse.
        const string initRules = ".cfa: $rsp 8 + .ra: .cfa -8 + ^";
        const string rowRules = ".cfa: $rsp 16 +";
        const int rows = 600_000;
        var text = new StringBuilder($"STACK CFI INIT 1000 1000000 {initRules}\n");
        for (var i = 1; i <= rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"STACK CFI {0x1000 + i:x} {rowRules}\n");
        }

        var index = Parse(text.ToString(), new SymbolParseOptions { ParallelThreshold = 1 << 16 });

        Assert.True(index.TryFindCfiRules(0x1000 + rows, out var all));
        Assert.Equal(rows, all.RowCount);
        Assert.Equal(initRules.Length + (rows * (rowRules.Length + 1)), all.RulesUtf8.Length);
        Assert.EndsWith("\n" + rowRules, all.ToString(), StringComparison.Ordinal);
        Assert.True(index.TryFindCfiRules(0x1002, out var two));
        Assert.Equal($"{initRules}\n{rowRules}\n{rowRules}", two.ToString());
    }

    [Fact]
    public void Strict_error_names_line_and_byte_offset()
    {
        const string text = "MODULE Linux x86_64 AB name\nFILE 0 a.c\nFUNC 1000 10 0 f\n1000 4 1 0\n1004 4 x 0\n";

        var ex = Assert.Throws<SymbolFileException>(() => Parse(text, new SymbolParseOptions { Strict = true }));

        Assert.Equal(5, ex.LineNumber);
        Assert.Equal(text.IndexOf("1004", StringComparison.Ordinal), ex.ByteOffset);
    }

    [Fact]
    public void Permissive_mode_keeps_the_good_records_around_a_bad_line()
    {
        const string text = "FUNC 1000 10 0 f\n1000 4 1 0\nthis is junk\n1004 4 2 0\nFILE 0 a.c\n";

        var index = Parse(text);

        Assert.Equal(1, index.Statistics.SkippedLines);
        Assert.Equal(2, index.Statistics.LineRecords);
        Assert.True(index.TryLookup(0x1005, out var result));
        Assert.Equal(2u, result.Line);
        Assert.Equal("a.c", result.File);
    }

    [Fact]
    public void Line_longer_than_the_limit_is_skipped_and_counted()
    {
        var longName = new string('x', 1000);
        var text = $"FUNC 1000 10 0 f\n1000 4 1 0\nFUNC 2000 10 0 {longName}\n2000 4 2 0\nPUBLIC 3000 0 p\n";

        var index = Parse(text, new SymbolParseOptions { MaxLineLength = 200 });

        Assert.Equal(1, index.Statistics.OversizedLines);
        // The lost FUNC header ends the block: its line record is an orphan, not f's.
        Assert.Equal(2, index.Statistics.SkippedLines);
        Assert.Equal(1, index.Statistics.Functions);
        Assert.Equal(1, index.Statistics.LineRecords);
        Assert.True(index.TryFindFunction(0x3000, out var p));
        Assert.Equal("p", p.Name);
        Assert.Equal(SymbolFileDiagnosticKind.LineTooLong, index.Diagnostics[0].Kind);
        Assert.Equal(3, index.Diagnostics[0].LineNumber);
        Assert.Equal(SymbolFileDiagnosticKind.OrphanFunctionLine, index.Diagnostics[1].Kind);
    }

    [Fact]
    public void Line_longer_than_the_limit_is_not_fatal_in_strict_mode()
    {
        var text = $"FUNC 1000 10 0 f\nPUBLIC 2000 0 {new string('x', 1000)}\nPUBLIC 3000 0 p\n";

        var index = Parse(text, new SymbolParseOptions { MaxLineLength = 200, Strict = true });

        Assert.Equal(1, index.Statistics.OversizedLines);
        Assert.Equal(1, index.Statistics.Publics);
    }

    [Fact]
    public void Overlapping_functions_collapse_to_the_first_by_range()
    {
        // rust-minidump's test_parse_with_overlap: four FUNCs at 0x1000/0x1001 become one.
        const string text = "FUNC 1000 c 0 a\nFUNC 1001 d 0 b\nFUNC 1000 c 0 a\nFUNC 1001 c 0 c\n";

        var index = Parse(text);

        Assert.Equal(1, index.Statistics.Functions);
        Assert.Equal(3, index.Statistics.OverlapsDropped);
        Assert.True(index.TryFindFunction(0x1005, out var function));
        Assert.Equal("a", function.Name);
    }

    [Fact]
    public void Unsorted_records_are_sorted_and_first_in_file_wins_among_equal_ranges()
    {
        const string text = "FUNC 3000 10 0 third\nFUNC 1000 10 0 first\n1008 8 2 0\n1000 8 1 0\nFUNC 1000 10 0 duplicate\nSTACK CFI INIT 2000 10 .cfa: $rsp 8 + .ra: .cfa -8 + ^\nSTACK CFI 2008 .cfa: $rsp 16 +\nSTACK CFI 2004 .cfa: $rsp 12 +\n";

        var index = Parse(text);

        Assert.True(index.TryLookup(0x1000, out var first));
        Assert.Equal("first", first.Function.Name);
        Assert.Equal(1u, first.Line);
        Assert.True(index.TryLookup(0x100f, out var second));
        Assert.Equal(2u, second.Line);
        Assert.True(index.TryFindFunction(0x3000, out var third));
        Assert.Equal("third", third.Name);

        Assert.True(index.TryFindCfiRules(0x2005, out var rules));
        Assert.Equal(".cfa: $rsp 8 + .ra: .cfa -8 + ^\n.cfa: $rsp 12 +", rules.ToString());
        Assert.True(index.TryFindCfiRules(0x200f, out rules));
        Assert.Equal(".cfa: $rsp 8 + .ra: .cfa -8 + ^\n.cfa: $rsp 12 +\n.cfa: $rsp 16 +", rules.ToString());
    }

    [Fact]
    public void Names_keep_their_spaces_and_missing_trailing_newline_is_fine()
    {
        const string text = "MODULE windows x86 ABCDEF0123 my module.pdb\nINFO CODE_ID 5A9832E5 my module.dll\nFUNC 10 20 4 operator new(unsigned int, void *)";

        var index = Parse(text);

        Assert.Equal(new SymbolModule("windows", "x86", "ABCDEF0123", "my module.pdb"), index.Module);
        Assert.Equal("5A9832E5", index.CodeId);
        Assert.Equal("my module.dll", index.CodeFile);
        Assert.True(index.TryFindFunction(0x15, out var function));
        Assert.Equal("operator new(unsigned int, void *)", function.Name);
        Assert.Equal(4u, function.ParameterSize);
    }

    [Fact]
    public void Info_records_are_kept()
    {
        const string text = "MODULE Linux x86_64 AB m\nINFO GENERATOR mozilla/dump_syms 2.3.7\nINFO URL https://symbols.example/m/AB/m.sym\nINFO OTHER some value\n";

        var index = Parse(text);

        Assert.Equal("mozilla/dump_syms 2.3.7", index.Generator);
        Assert.Equal("https://symbols.example/m/AB/m.sym", index.Url);
        Assert.Equal(new KeyValuePair<string, string>("OTHER", "some value"), Assert.Single(index.ExtraInfo));
    }

    [Fact]
    public void Missing_inline_origin_and_file_give_placeholder_and_null()
    {
        const string text = "FILE 0 a.c\nFUNC 1000 100 0 outer\nINLINE 0 7 9 42 1010 10\n1010 10 3 0\n";

        var index = Parse(text);

        Assert.True(index.TryLookup(0x1012, out var result));
        Assert.Equal(7u, result.Line);
        Assert.Null(result.File);
        var inline = Assert.Single(Enumerable.Range(0, result.InlineFrameCount).Select(result.GetInlineFrame));
        Assert.Equal(InlineFrame.MissingOriginName, inline.Name);
        Assert.Equal("a.c", inline.File);
        Assert.Equal(3u, inline.Line);
    }

    [Fact]
    public void Huge_numbers_and_counts_do_not_overflow()
    {
        const string text = "FUNC ffffffffffffffff ffffffff ffffffff wraps\nFUNC fffffffffffffff0 f 0 end_of_space\nfffffffffffffff0 f 4294967295 4294967295\nINLINE 4294967295 1 1 1 fffffffffffffff0 f\n1 1 4294967296 1\n";

        var index = Parse(text);

        Assert.Equal(1, index.Statistics.Functions);
        Assert.Equal(1, index.Statistics.SkippedLines);
        Assert.True(index.TryLookup(0xfffffffffffffffe, out var result));
        Assert.Equal("end_of_space", result.Function.Name);
        Assert.Equal(4294967295u, result.Line);
        Assert.Equal(0, result.InlineFrameCount);
    }
}
