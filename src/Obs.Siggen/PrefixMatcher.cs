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
    // Literal prefixes keyed by their first two characters; one-character literals separately.
    private readonly Dictionary<int, string[]> _literalsByFirstTwoChars;
    private readonly HashSet<char> _singleCharLiterals;
    private readonly SearchValues<string>? _contained;
    private readonly Regex? _rest;
    private readonly (string Prefix, Regex Pattern)[] _guarded;
    private readonly bool _matchesEverything;

    public PrefixMatcher(IReadOnlyList<string> patterns, RegexOptions options)
    {
        var literals = new List<string>();
        var contained = new List<string>();
        var rest = new List<string>();
        var guarded = new List<(string, Regex)>();
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
            else if (LiteralPrefix(pattern) is { Length: > 0 } prefix)
            {
                // Only frames starting with the literal prefix can match: test that first.
                guarded.Add((prefix, new Regex("^(?:" + pattern + ")", options)));
            }
            else
            {
                rest.Add(pattern);
            }
        }

        _guarded = [.. guarded];

        // "|".join([]) is "", which matches everything.
        _matchesEverything |= patterns.Count == 0;
        _literalsByFirstTwoChars = literals.Where(l => l.Length > 1).GroupBy(l => Key(l[0], l[1])).ToDictionary(g => g.Key, g => g.Distinct().ToArray());
        _singleCharLiterals = [.. literals.Where(l => l.Length == 1).Select(l => l[0])];
        _contained = contained.Count > 0 ? SearchValues.Create([.. contained.Distinct()], StringComparison.Ordinal) : null;
        _rest = rest.Count > 0 ? new Regex("^(?:" + string.Join('|', rest) + ")", options) : null;
    }

    private static int Key(char first, char second) => (first << 16) | second;

    public bool IsMatch(string text)
    {
        if (_matchesEverything)
        {
            return true;
        }

        if (text.Length > 0 && _singleCharLiterals.Contains(text[0]))
        {
            return true;
        }

        if (text.Length > 1 && _literalsByFirstTwoChars.TryGetValue(Key(text[0], text[1]), out var candidates))
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

        foreach (var (prefix, pattern) in _guarded)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal) && pattern.IsMatch(text))
            {
                return true;
            }
        }

        return _rest?.IsMatch(text) == true;
    }

    /// <summary>
    /// The literal text every match must start with: characters up to the first metacharacter,
    /// minus the last one when a quantifier follows it (<c>ab?</c> only promises <c>a</c>).
    /// A top-level alternation anywhere makes the prefix empty.
    /// </summary>
    internal static string LiteralPrefix(string pattern)
    {
        if (HasTopLevelAlternation(pattern))
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            string piece;
            int next;
            if (c == '\\' && i + 1 < pattern.Length && IsEscapableLiteral(pattern[i + 1]))
            {
                piece = pattern[i + 1].ToString();
                next = i + 2;
            }
            else if (c is '.' or '^' or '$' or '*' or '+' or '?' or '{' or '}' or '[' or ']' or '|' or '(' or ')' or '\\' || char.IsWhiteSpace(c))
            {
                break;
            }
            else
            {
                piece = c.ToString();
                next = i + 1;
            }

            if (next < pattern.Length && pattern[next] is '?' or '*' or '+' or '{')
            {
                break;
            }

            builder.Append(piece);
            i = next;
        }

        return builder.ToString();
    }

    private static bool HasTopLevelAlternation(string pattern)
    {
        var depth = 0;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
            }
            else if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (c == '|' && depth == 0)
            {
                return true;
            }
        }

        return false;
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
