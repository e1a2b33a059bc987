using System.Text;
using System.Text.RegularExpressions;

namespace Obs.Siggen;

/// <summary>
/// The four signature lists that steer C/C++/Rust signature generation, compiled once:
/// irrelevant frames (skipped), prefix frames (kept, and the walk goes on), sentinels (the
/// stack starts at the first one present) and functions that take their line number.
/// </summary>
/// <remarks>
/// Each list is a text file with one entry per line; lines are stripped, and blank lines and
/// lines starting with <c>#</c> are skipped. Regex lists are joined into one anchored pattern,
/// <c>^(?:line1|line2|…)</c>, so each entry matches a prefix of the frame, as Python's
/// <c>re.match</c> does. Sentinels are compared as exact strings. Instances are immutable and
/// thread-safe.
/// </remarks>
public sealed class SignatureLists
{
    /// <summary>File name of the irrelevant-frames list.</summary>
    public const string IrrelevantFileName = "irrelevant_signature_re.txt";

    /// <summary>File name of the prefix-frames list.</summary>
    public const string PrefixFileName = "prefix_signature_re.txt";

    /// <summary>File name of the sentinels list.</summary>
    public const string SentinelsFileName = "signature_sentinels.txt";

    /// <summary>File name of the functions-with-line-numbers list.</summary>
    public const string LineNumbersFileName = "signatures_with_line_numbers_re.txt";

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Compiled;

    private static readonly Lazy<SignatureLists> DefaultLists = new(LoadDefault);

    private SignatureLists(string[] irrelevant, string[] prefix, string[] sentinels, string[] lineNumbers, SentinelCondition[]? conditionalSentinels, string? directory = null)
    {
        Directory = directory;
        IrrelevantPatterns = irrelevant;
        PrefixPatterns = prefix;
        Sentinels = sentinels;
        LineNumberPatterns = lineNumbers;
        Irrelevant = Compile(irrelevant, IrrelevantFileName);
        Prefix = Compile(prefix, PrefixFileName);
        LineNumbers = Compile(lineNumbers, LineNumbersFileName);
        foreach (var sentinel in sentinels)
        {
            // Socorro compiles every sentinel line too, to reject a broken list early.
            Validate(sentinel, SentinelsFileName);
        }

        ConditionalSentinels = conditionalSentinels ?? [];
        _sentinelSet = new HashSet<string>(sentinels, StringComparer.Ordinal);
        foreach (var sentinel in sentinels)
        {
            _sentinelLengths = Math.Max(_sentinelLengths, sentinel.Length);
        }
    }

    private readonly HashSet<string> _sentinelSet;
    private readonly int _sentinelLengths;

    /// <summary>Socorro's lists (commit 7e28d72b5ffb, MPL-2.0), embedded in this assembly.</summary>
    public static SignatureLists Default => DefaultLists.Value;

    /// <summary>The irrelevant-frame regexes, in file order.</summary>
    public IReadOnlyList<string> IrrelevantPatterns { get; }

    /// <summary>The prefix-frame regexes, in file order.</summary>
    public IReadOnlyList<string> PrefixPatterns { get; }

    /// <summary>The sentinel frames (exact strings), in file order.</summary>
    public IReadOnlyList<string> Sentinels { get; }

    /// <summary>The regexes of functions whose signature carries the line number.</summary>
    public IReadOnlyList<string> LineNumberPatterns { get; }

    internal PrefixMatcher Irrelevant { get; }

    internal PrefixMatcher Prefix { get; }

    internal PrefixMatcher LineNumbers { get; }

    // The folder the lists were read from, for Socorro's debug line "using signature lists from {dir}".
    internal string? Directory { get; }

    // Test hook for Socorro's tuple sentinels ("sentinel", condition): dead in the shipped lists.
    internal IReadOnlyList<SentinelCondition> ConditionalSentinels { get; }

    /// <summary>Loads the four list files from a folder (see the <c>*FileName</c> constants).</summary>
    /// <exception cref="FileNotFoundException">A list file is missing.</exception>
    /// <exception cref="SignatureListException">A line is not a valid regular expression.</exception>
    public static SignatureLists FromDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string[] Load(string name) => ParseLines(File.ReadAllText(Path.Combine(path, name), new UTF8Encoding(false, true)));
        return new(Load(IrrelevantFileName), Load(PrefixFileName), Load(SentinelsFileName), Load(LineNumbersFileName), null, path);
    }

    /// <summary>
    /// Builds lists from text, each in the file format (one entry per line, <c>#</c> comments
    /// and blank lines ignored).
    /// </summary>
    /// <exception cref="SignatureListException">A line is not a valid regular expression.</exception>
    public static SignatureLists FromText(string irrelevant, string prefix, string sentinels, string lineNumbers)
    {
        ArgumentNullException.ThrowIfNull(irrelevant);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(sentinels);
        ArgumentNullException.ThrowIfNull(lineNumbers);
        return new(ParseLines(irrelevant), ParseLines(prefix), ParseLines(sentinels), ParseLines(lineNumbers), null);
    }

    /// <summary>Builds lists from entries (each one regex, or one sentinel string); entries are used as given.</summary>
    /// <exception cref="SignatureListException">An entry is not a valid regular expression.</exception>
    public static SignatureLists Create(IEnumerable<string> irrelevant, IEnumerable<string> prefix, IEnumerable<string> sentinels, IEnumerable<string> lineNumbers)
    {
        ArgumentNullException.ThrowIfNull(irrelevant);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(sentinels);
        ArgumentNullException.ThrowIfNull(lineNumbers);
        return new([.. irrelevant], [.. prefix], [.. sentinels], [.. lineNumbers], null);
    }

    internal static SignatureLists CreateWithConditionalSentinels(string[] irrelevant, string[] prefix, string[] sentinels, string[] lineNumbers, SentinelCondition[] conditional) =>
        new(irrelevant, prefix, sentinels, lineNumbers, conditional);

    internal bool IsSentinel(string frame) => frame.Length <= _sentinelLengths && _sentinelSet.Contains(frame);

    internal bool IsIrrelevant(string frame) => Irrelevant.IsMatch(frame);

    internal bool IsPrefix(string frame) => Prefix.IsMatch(frame);

    internal bool TakesLineNumber(string function) => LineNumbers.IsMatch(function);

    /// <summary>Splits a list file into entries: stripped lines, without blanks and <c>#</c> comments.</summary>
    internal static string[] ParseLines(string text)
    {
        var lines = new List<string>();
        // Python reads the file with universal newlines: \n, \r\n and \r end a line.
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n'))
        {
            var stripped = Python.PyText.Strip(line);
            if (stripped.Length > 0 && stripped[0] != '#')
            {
                lines.Add(stripped);
            }
        }

        return [.. lines];
    }

    private static PrefixMatcher Compile(string[] patterns, string listName)
    {
        foreach (var pattern in patterns)
        {
            Validate(pattern, listName);
        }

        // Equivalent to Regex("^(?:" + string.Join('|', patterns) + ")", Options).IsMatch.
        return new PrefixMatcher(patterns, Options);
    }

    /// <summary>The single anchored regex Socorro builds for a list; the matcher must agree with it.</summary>
    internal static Regex BuildCombinedRegex(IReadOnlyList<string> patterns) =>
        new("^(?:" + string.Join('|', patterns) + ")", RegexOptions.CultureInvariant);

    private static void Validate(string pattern, string listName)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            throw new SignatureListException($"{listName}: invalid regular expression \"{pattern}\": {ex.Message}", ex);
        }
    }

    private static SignatureLists LoadDefault()
    {
        var assembly = typeof(SignatureLists).Assembly;
        string[] Load(string name)
        {
            using var stream = assembly.GetManifestResourceStream("Obs.Siggen.Siglists." + name)
                ?? throw new InvalidOperationException("missing embedded siglist " + name);
            using var reader = new StreamReader(stream, new UTF8Encoding(false, true));
            return ParseLines(reader.ReadToEnd());
        }

        return new(Load(IrrelevantFileName), Load(PrefixFileName), Load(SentinelsFileName), Load(LineNumbersFileName), null);
    }
}

/// <summary>A sentinel that counts only when its condition holds for the frame list.</summary>
internal sealed record SentinelCondition(string Sentinel, Func<IReadOnlyList<string>, bool> Condition);

/// <summary>A signature list could not be loaded: a line is not a valid regular expression.</summary>
public sealed class SignatureListException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SignatureListException() { }

    /// <summary>Creates the exception with a message.</summary>
    public SignatureListException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying regex error.</summary>
    public SignatureListException(string message, Exception innerException) : base(message, innerException) { }
}
