using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Obs.Siggen;

/// <summary>
/// Decides whether <c>^(?:p1|p2|…)</c> matches at the start of a frame, as Python's
/// <c>re.match</c> does, without running one big backtracking regex. An anchored alternation
/// matches when any single alternative matches at position 0, so alternatives are split by
/// shape: plain literals become prefix tests, <c>.*literal</c> becomes a substring search on
/// the first line (<c>.</c> stops at <c>\n</c>), and only the rest stay a (much smaller)
/// compiled regex.
/// </summary>
internal sealed class PrefixMatcher
{
    private readonly Dictionary<char, string[]> _literalsByFirstChar;
    private readonly SearchValues<string>? _contained;
    private readonly Regex? _rest;
    private readonly bool _matchesEverything;

    public PrefixMatcher(IReadOnlyList<string> patterns, RegexOptions options)
    {
        var literals = new List<string>();
        var contained = new List<string>();
        var rest = new List<string>();
        foreach (var pattern in patterns)
        {
            if (TryUnescapeLiteral(pattern, out var literal))
            {
                if (literal.Length == 0)
                {
                    _matchesEverything = true;
                }

                literals.Add(literal);
            }
            else if (pattern.StartsWith(".*", StringComparison.Ordinal) && TryUnescapeLiteral(pattern[2..], out var inner) && inner.Length > 0)
            {
                contained.Add(inner);
            }
            else
            {
                rest.Add(pattern);
            }
        }

        // "|".join([]) is "", which matches everything.
        _matchesEverything |= patterns.Count == 0;
        _literalsByFirstChar = literals.Where(l => l.Length > 0).GroupBy(l => l[0]).ToDictionary(g => g.Key, g => g.Distinct().ToArray());
        _contained = contained.Count > 0 ? SearchValues.Create([.. contained.Distinct()], StringComparison.Ordinal) : null;
        _rest = rest.Count > 0 ? new Regex("^(?:" + string.Join('|', rest) + ")", options) : null;
    }

    public bool IsMatch(string text)
    {
        if (_matchesEverything)
        {
            return true;
        }

        if (text.Length > 0 && _literalsByFirstChar.TryGetValue(text[0], out var candidates))
        {
            foreach (var literal in candidates)
            {
                if (text.StartsWith(literal, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        if (_contained is not null)
        {
            var firstLine = text.AsSpan();
            var newline = firstLine.IndexOf('\n');
            if (newline >= 0)
            {
                firstLine = firstLine[..newline];
            }

            if (firstLine.IndexOfAny(_contained) >= 0)
            {
                return true;
            }
        }

        return _rest?.IsMatch(text) == true;
    }

    /// <summary>
    /// A pattern with no metacharacters (escapes of ASCII punctuation allowed) is a literal.
    /// Braces count as metacharacters, so <c>{{closure}}</c> stays a regex.
    /// </summary>
    internal static bool TryUnescapeLiteral(string pattern, out string literal)
    {
        var builder = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 < pattern.Length && IsEscapableLiteral(pattern[i + 1]))
                {
                    builder.Append(pattern[i + 1]);
                    i++;
                    continue;
                }

                literal = string.Empty;
                return false;
            }

            if (c is '.' or '^' or '$' or '*' or '+' or '?' or '{' or '}' or '[' or ']' or '|' or '(' or ')' || (char.IsWhiteSpace(c) && c != ' '))
            {
                literal = string.Empty;
                return false;
            }

            builder.Append(c);
        }

        literal = builder.ToString();
        return true;
    }

    // Both Python and .NET read a backslash before ASCII punctuation (not '_') as that character.
    private static bool IsEscapableLiteral(char c) =>
        c < '\u0080' && c != '_' && (char.IsPunctuation(c) || char.IsSymbol(c) || c == ' ');
}
