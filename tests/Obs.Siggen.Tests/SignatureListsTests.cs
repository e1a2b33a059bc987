using Obs.Testing;

namespace Obs.Siggen.Tests;

public sealed class SignatureListsTests
{
    [Fact]
    public void Bundled_lists_have_socorros_entry_counts()
    {
        var lists = SignatureLists.Default;
        Assert.Equal(306, lists.IrrelevantPatterns.Count);
        Assert.Equal(265, lists.PrefixPatterns.Count);
        Assert.Equal(20, lists.Sentinels.Count);
        Assert.Equal(["js_Interpret"], lists.LineNumberPatterns);
        Assert.Contains("core::panicking::panic", lists.Sentinels);
        Assert.DoesNotContain(lists.PrefixPatterns, line => line.StartsWith('#') || line.Trim() != line);
    }

    [Fact]
    public void Bundled_lists_equal_the_shipped_files()
    {
        var folder = Path.Combine(TestFixtures.Root, "..", "..", "src", "Obs.Siggen", "Siglists");
        var fromFiles = SignatureLists.FromDirectory(folder);

        Assert.Equal(SignatureLists.Default.IrrelevantPatterns, fromFiles.IrrelevantPatterns);
        Assert.Equal(SignatureLists.Default.PrefixPatterns, fromFiles.PrefixPatterns);
        Assert.Equal(SignatureLists.Default.Sentinels, fromFiles.Sentinels);
        Assert.Equal(SignatureLists.Default.LineNumberPatterns, fromFiles.LineNumberPatterns);
    }

    [Fact]
    public void Debug_log_says_which_lists_were_used_as_socorro_does()
    {
        var folder = Path.Combine(TestFixtures.Root, "..", "..", "src", "Obs.Siggen", "Siglists");
        const string Crash = """{"threads": [{"frames": [{"function": "f"}]}]}""";

        var fromFolder = new SignatureGenerator(SignatureLists.FromDirectory(folder)).GenerateFromJson(System.Text.Encoding.UTF8.GetBytes(Crash), includeDebugLog: true);
        Assert.Equal("SignatureGenerationRule: using signature lists from " + folder, fromFolder.DebugLog[1]);

        var included = Siggen.Run(Crash, debug: true);
        Assert.Equal("SignatureGenerationRule: using included signature lists", included.DebugLog[1]);
    }

    [Fact]
    public void The_fast_matcher_agrees_with_one_anchored_regex_per_list()
    {
        var lists = SignatureLists.Default;
        var irrelevant = SignatureLists.BuildCombinedRegex(lists.IrrelevantPatterns);
        var prefix = SignatureLists.BuildCombinedRegex(lists.PrefixPatterns);
        var probes = new HashSet<string>(StringComparer.Ordinal)
        {
            "", "@0x0", "@0x1", "@0x", "@0xZ", "abort", "xabort", "x\nabort", "abort\n", "JS::Call", "JS::Call\n", "JS::Call2",
            "handle_error", "handle_error\n", "libc.so.6", "libc-2.31.so", "libxul.so", "XUL", "xul.dll", "foo.dll", "foo.DLL",
            "<name omitted>", "<.plt ELF section in libc.so>", "nsTArray<int>::Foo", "std::list<int>::push", "<lambda>::operator()",
            "{virtual override thunk}", "NtWaitForSingleObjectEx", "WaitForSingleObject", "ZwWaitForAlertByThreadId",
            "system@framework@boot.art", "data@app@org.mozilla.fenix-1.apk@classes.dex", "nsBaseHashtable", "stdext::_Hash",
            "-[NSException raise]", "+[NSException raise:format:arguments:]", "SEC_AsnItem", "wl_proxy_marshal", "lstrcmpiW",
        };
        foreach (var corpusCase in Corpus.Cases)
        {
            var result = Siggen.Default.GenerateFromJson(corpusCase.InputUtf8);
            foreach (var frame in result.NormalizedFrames ?? [])
            {
                probes.Add(frame);
            }
        }

        foreach (var pattern in lists.PrefixPatterns.Concat(lists.IrrelevantPatterns))
        {
            // Each literal pattern itself, and with a suffix, must match both ways.
            var literal = pattern.Replace("\\", string.Empty, StringComparison.Ordinal);
            probes.Add(literal);
            probes.Add(literal + "::x");
            probes.Add("x" + literal);
        }

        var disagreements = probes.Where(p => lists.IsIrrelevant(p) != irrelevant.IsMatch(p) || lists.IsPrefix(p) != prefix.IsMatch(p)).ToList();
        Assert.True(probes.Count > 2000, $"only {probes.Count} probes");
        Assert.Empty(disagreements);
    }

    [Theory]
    [InlineData(@"stdext::_?(h|H)ash", "stdext::")]
    [InlineData(@"libc\.so(\.\d+)?", "libc.so")]
    [InlineData(@"@0x[0-9a-fA-F]{2,}", "@0x")]
    [InlineData(@"JS::Call$", "JS::Call")]
    [InlineData(@"(Nt|Zw)?WaitForKeyedEvent", "")]
    [InlineData(@"ab|cd", "")]
    [InlineData(@"{virtual override thunk}", "")]
    [InlineData(@"\d+x", "")]
    public void Literal_prefix_of_a_pattern_is_what_every_match_starts_with(string pattern, string expected)
    {
        Assert.Equal(expected, PrefixMatcher.LiteralPrefix(pattern));
    }

    [Fact]
    public void List_text_is_stripped_and_comments_and_blank_lines_skipped()
    {
        var lists = SignatureLists.FromText("# comment\r\n  foo  \r\n\r\n  # indented comment\nbar\rbaz", "p", "s1\n s2 ", "js_Interpret");

        Assert.Equal(["foo", "bar", "baz"], lists.IrrelevantPatterns);
        Assert.Equal(["s1", "s2"], lists.Sentinels);
    }

    [Fact]
    public void An_invalid_regex_line_is_rejected_with_its_list_name()
    {
        var error = Assert.Throws<SignatureListException>(() => SignatureLists.Create(["ok", "bad("], [], [], []));
        Assert.Contains("irrelevant_signature_re.txt", error.Message, StringComparison.Ordinal);
        Assert.Contains("bad(", error.Message, StringComparison.Ordinal);
        Assert.Throws<SignatureListException>(() => SignatureLists.Create([], [], ["sentinel["], []));
    }

    [Fact]
    public void An_empty_list_matches_every_frame_as_pythons_empty_pattern_does()
    {
        var lists = SignatureLists.Create([], ["p"], [], ["x"]);
        Assert.True(lists.IsIrrelevant("anything"));
        Assert.False(lists.IsPrefix("q"));
    }

    [Fact]
    public void Custom_lists_drive_the_walk()
    {
        var generator = new SignatureGenerator(SignatureLists.FromText("skip.*", "keep", "", "line_fn"));
        var result = generator.Generate(new CrashData
        {
            Threads = [new CrashThread { Frames = [new CrashFrame { Function = "skip_me" }, new CrashFrame { Function = "keep" }, new CrashFrame { Function = "line_fn", Line = 9 }, new CrashFrame { Function = "never" }] }],
        });

        Assert.Equal("keep | line_fn:9", result.Signature);
    }

    [Fact]
    public void A_missing_list_file_is_reported()
    {
        var folder = Directory.CreateTempSubdirectory("siglists");
        try
        {
            Assert.Throws<FileNotFoundException>(() => SignatureLists.FromDirectory(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
