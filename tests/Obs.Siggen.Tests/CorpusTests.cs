using System.Text;

namespace Obs.Siggen.Tests;

/// <summary>Acceptance: every corpus case gives exactly Socorro's signature, notes and extra.</summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    private static readonly SignatureGenerator Generator = new();

    [Fact]
    public void Corpus_has_all_3000_cases()
    {
        Assert.Equal(3000, Corpus.Cases.Count);
    }

    [Fact]
    public void Every_corpus_case_matches_socorro_exactly()
    {
        var mismatches = new List<string>();
        foreach (var corpusCase in Corpus.Cases)
        {
            var result = Generator.GenerateFromJson(corpusCase.InputUtf8);
            var differences = Corpus.Compare(corpusCase.Expected, Corpus.ToJson(result));
            if (differences.Count > 0)
            {
                mismatches.Add($"line {corpusCase.LineNumber}: {string.Join("; ", differences)}");
            }
        }

        output.WriteLine($"corpus: {Corpus.Cases.Count} cases, {mismatches.Count} mismatches");
        Console.WriteLine($"corpus: {Corpus.Cases.Count} cases, {mismatches.Count} mismatches");
        var report = new StringBuilder();
        foreach (var mismatch in mismatches.Take(20))
        {
            report.AppendLine(mismatch);
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {Corpus.Cases.Count} corpus cases differ from Socorro:\n{report}");
    }
}
