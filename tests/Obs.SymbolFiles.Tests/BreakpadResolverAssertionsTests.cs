namespace Obs.SymbolFiles.Tests;

/// <summary>
/// The assertions of Breakpad's basic_source_line_resolver_unittest.cc and rust-minidump's
/// sym_file tests, as listed in tests/fixtures/README.md §6.4.
/// </summary>
public sealed class BreakpadResolverAssertionsTests
{
    [Fact]
    public void Module1_function_line_and_multiple_flag()
    {
        var index = SymFixtures.Load(SymFixtures.Module1);

        Assert.True(index.TryLookup(0x1000, out var result));
        Assert.Equal("Function1_1", result.Function.Name);
        Assert.Equal("file1_1.cc", result.File);
        Assert.Equal(44u, result.Line);
        Assert.Equal(0x1000ul, result.Function.Address);
        Assert.Equal(0x1000ul, result.LineAddress);
        Assert.True(result.Function.IsMultiple);
        Assert.False(result.IsFromPublic);
        Assert.Equal(0, result.InlineFrameCount);

        Assert.True(index.TryFindStackWin(0x1000, out var win));
        Assert.Equal(StackWinFrameType.FrameData, win.Type);
        Assert.Equal("$eip 4 + ^ = $esp $ebp 8 + = $ebp $ebp ^ =", win.ProgramString);
    }

    [Fact]
    public void Module1_gaps_functions_without_lines_and_zero_size_function()
    {
        var index = SymFixtures.Load(SymFixtures.Module1);

        Assert.False(index.TryLookup(0x800, out _));

        Assert.True(index.TryLookup(0x1280, out var noLines));
        Assert.Equal("Function1_3", noLines.Function.Name);
        Assert.Null(noLines.File);
        Assert.Null(noLines.Line);
        Assert.False(index.TryFindStackWin(0x1280, out _));

        Assert.True(index.TryLookup(0x1380, out var withProgram));
        Assert.Equal("Function1_4", withProgram.Function.Name);
        Assert.True(index.TryFindStackWin(0x1380, out var win));
        Assert.Equal(StackWinFrameType.FrameData, win.Type);
        Assert.False(string.IsNullOrEmpty(win.ProgramString));

        // The zero-size FUNC at 0x2000 is ignored, with its line record.
        Assert.False(index.TryLookup(0x2000, out _));
        Assert.False(index.TryFindStackWin(0x2000, out _));

        Assert.True(index.TryLookup(0x2900, out var publicSymbol));
        Assert.Equal("PublicSymbol", publicSymbol.Function.Name);
        Assert.True(publicSymbol.IsFromPublic);
        Assert.True(publicSymbol.Function.IsMultiple);

        Assert.True(index.TryLookup(0x4000, out var large));
        Assert.Equal("LargeFunction", large.Function.Name);
        Assert.Equal(4098359u, large.Line);
    }

    [Fact]
    public void Module1_has_no_cfi_outside_its_init_range()
    {
        var index = SymFixtures.Load(SymFixtures.Module1);

        Assert.False(index.TryFindCfiRules(0x3d3f, out _));
        Assert.False(index.TryFindCfiRules(0x3e9f, out _));
        Assert.True(index.TryFindCfiRules(0x3d40, out _));
    }

    [Fact]
    public void Module1_overlapping_stack_win_records_keep_the_first()
    {
        var index = SymFixtures.Load(SymFixtures.Module1);

        // 1100+8 and 1100+100 start together: the second is dropped, so 0x1180 has none.
        Assert.True(index.TryFindStackWin(0x1104, out var win));
        Assert.Equal(0x1100ul, win.Address);
        Assert.Equal(8u, win.Size);
        Assert.False(index.TryFindStackWin(0x1180, out _));
        Assert.Equal(3, index.Statistics.StackWinFrameData);
    }

    [Fact]
    public void Module1_cfi_rules_accumulate_rows_in_address_order()
    {
        var index = SymFixtures.Load(SymFixtures.Module1);

        Assert.True(index.TryFindCfiRules(0x3d40, out var atInit));
        Assert.Equal(0, atInit.RowCount);
        Assert.Equal(".cfa: $esp 4 + .ra: .cfa 4 - ^", atInit.ToString());

        Assert.True(index.TryFindCfiRules(0x3d43, out var afterTwoRows));
        Assert.Equal(2, afterTwoRows.RowCount);
        Assert.Equal(".cfa: $esp 4 + .ra: .cfa 4 - ^\n.cfa: $esp 8 + \n.cfa: $ebp 8 + $ebp: .cfa 8 - ^", afterTwoRows.ToString());

        Assert.True(index.TryFindCfiRules(0x3dee, out var all));
        Assert.Equal(5, all.RowCount);
        Assert.Equal(0x3d40ul, all.Address);
        Assert.Equal(0xafu, all.Size);
    }

    [Fact]
    public void Module2_function_line_and_public_fallback_rule()
    {
        var index = SymFixtures.Load(SymFixtures.Module2);

        Assert.True(index.TryLookup(0x2181, out var result));
        Assert.Equal("Function2_2", result.Function.Name);
        Assert.Equal("file2_2.cc", result.File);
        Assert.Equal(21u, result.Line);
        Assert.Equal(0x2170ul, result.Function.Address);
        Assert.Equal(0x2180ul, result.LineAddress);
        Assert.False(result.Function.IsMultiple);
        Assert.True(index.TryFindStackWin(0x2181, out var win));
        Assert.Equal(1u, win.PrologueSize);

        Assert.True(index.TryLookup(0x216f, out var public1));
        Assert.Equal("Public2_1", public1.Function.Name);
        Assert.True(public1.IsFromPublic);

        // Function2_2 (0x2170) lies between Public2_1 and 0x219f: the PUBLIC is not used.
        Assert.False(index.TryLookup(0x219f, out _));
        Assert.False(index.TryFindFunction(0x219f, out _));

        Assert.True(index.TryLookup(0x21a0, out var public2));
        Assert.Equal("Public2_2", public2.Function.Name);
    }

    [Fact]
    public void Module2_line_records_outside_their_function_are_unreachable()
    {
        var index = SymFixtures.Load(SymFixtures.Module2);

        // FUNC 2000 c has line records at 0x1000-0x100b; 0x1000 is in no FUNC.
        Assert.False(index.TryLookup(0x1000, out _));
        Assert.True(index.TryLookup(0x2000, out var function));
        Assert.Equal("Function2_1", function.Function.Name);
        Assert.Null(function.Line);
    }

    [Theory]
    [InlineData(SymFixtures.Module3Bad, SymbolFileDiagnosticKind.MalformedRecord, 3)]
    [InlineData(SymFixtures.Module4Bad, SymbolFileDiagnosticKind.OrphanFunctionLine, 4)]
    public void Bad_modules_load_but_report_corruption(string path, SymbolFileDiagnosticKind kind, long firstBadLine)
    {
        var index = SymFixtures.Load(path);

        Assert.NotNull(index.Module);
        Assert.True(index.Statistics.SkippedLines > 0);
        Assert.Equal(kind, index.Diagnostics[0].Kind);
        Assert.Equal(firstBadLine, index.Diagnostics[0].LineNumber);

        var strict = Assert.Throws<SymbolFileException>(() => SymFixtures.Load(path, new SymbolParseOptions { Strict = true }));
        Assert.Equal(firstBadLine, strict.LineNumber);
    }

    [Theory]
    [InlineData(SymFixtures.LinuxInlineOld, "linux_inline.cpp", "linux_inline.cpp", "linux_inline.cpp")]
    [InlineData(SymFixtures.LinuxInlineNew, "a.cpp", "b.cpp", "c.cpp")]
    public void Linux_inline_chain_in_both_syntaxes(string path, string mainFile, string fooFile, string barFile)
    {
        var index = SymFixtures.Load(path);

        Assert.True(index.TryLookup(0x161b6, out var result));
        Assert.Equal("main", result.Function.Name);
        Assert.Equal(0x15b30ul, result.Function.Address);
        Assert.Equal(42u, result.Line);
        Assert.Equal(mainFile, result.File);
        Assert.Equal(0x161b6ul, result.LineAddress);
        Assert.Equal(3, result.InlineFrameCount);

        // Innermost first: func() <- bar() <- foo() <- main.
        var func = result.GetInlineFrame(0);
        var bar = result.GetInlineFrame(1);
        var foo = result.GetInlineFrame(2);
        Assert.Equal(("func()", 0x15b83ul, 27u, "linux_inline.cpp"), (func.Name, func.Address, func.Line!.Value, func.File));
        Assert.Equal(("bar()", 0x15b72ul, 32u, barFile), (bar.Name, bar.Address, bar.Line!.Value, bar.File));
        Assert.Equal(("foo()", 0x15b45ul, 39u, fooFile), (foo.Name, foo.Address, foo.Line!.Value, foo.File));
    }

    [Theory]
    [InlineData(SymFixtures.TestApp)]
    [InlineData(SymFixtures.TestAppCrlf)]
    public void Test_app_counts_publics_and_functions(string path)
    {
        var index = SymFixtures.Load(path);
        var stats = index.Statistics;

        Assert.Equal(6661, stats.Files);
        Assert.Equal(5, stats.Publics);
        Assert.Equal(1065, stats.Functions);
        Assert.Equal(1556, stats.StackWinFrameData);
        Assert.Equal(259, stats.StackWinFpo);
        Assert.Equal(0, stats.SkippedLines);

        Assert.True(index.TryFindFunction(0x1000, out var at1000));
        Assert.Equal("vswprintf", at1000.Name);
        Assert.True(index.TryFindFunction(0x1012, out var at1012));
        Assert.Equal("vswprintf", at1012.Name);
        Assert.False(index.TryFindFunction(0x1013, out _));

        Assert.True(index.TryFindStackWin(0x41b0, out var frameData));
        Assert.Equal(StackWinFrameType.FrameData, frameData.Type);
        Assert.Equal(0x41b0ul, frameData.Address);
    }

    [Theory]
    [InlineData(0x9b07ul, "_NLG_Return")]
    [InlineData(0x142e7ul, "_NLG_Return")]
    [InlineData(0x23b06ul, "__from_strstr_to_strchr")]
    [InlineData(0xFFFFFFFFul, "__from_strstr_to_strchr")]
    public void Test_app_nearest_public(ulong address, string expected)
    {
        var index = SymFixtures.Load(SymFixtures.TestApp);

        Assert.True(index.TryFindNearestPublic(address, out var nearest));
        Assert.Equal(expected, nearest.Name);
    }

    [Fact]
    public void Linux_gate_stack_win_without_program_is_not_framedata()
    {
        var index = SymFixtures.Load(SymFixtures.LinuxGate);

        // STACK WIN 4 with has_program_string = 0: rust-minidump drops the record.
        Assert.Equal(0, index.Statistics.StackWinFrameData);
        Assert.Equal(1, index.Statistics.StackWinDropped);
        Assert.True(index.TryFindFunction(0x400, out var vsyscall));
        Assert.Equal("__kernel_vsyscall", vsyscall.Name);
    }
}
