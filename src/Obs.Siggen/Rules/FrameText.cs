using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Obs.Siggen.Python;

namespace Obs.Siggen.Rules;

/// <summary>
/// The string helpers behind frame normalization: balanced-slice scanning, type and argument
/// collapsing, prefix/return-type dropping, source-file parsing and character filtering.
/// </summary>
internal static partial class FrameText
{
    /// <summary>Decides what replaces one top-level enclosed slice; null keeps it.</summary>
    /// <param name="before">Text since the previous slice ended (not the whole prefix).</param>
    /// <param name="slice">The slice with its delimiters.</param>
    public delegate string? SliceReplacer(ReadOnlySpan<char> before, ReadOnlySpan<char> slice);

    /// <summary>
    /// Yields <c>(start, end)</c> of each top-level balanced slice, delimiters included. A closer
    /// without an opener is plain text; an unclosed opener runs to the end of the text.
    /// </summary>
    public static List<(int Start, int End)> FindEnclosedSlices(string text, char open, char close)
    {
        var slices = new List<(int, int)>();
        var position = 0;
        while (NextSlice(text, open, close, ref position, out var start))
        {
            slices.Add((start, position));
        }

        return slices;
    }

    // Finds the next top-level slice at or after position; on return position is its end.
    private static bool NextSlice(string text, char open, char close, ref int position, out int start)
    {
        start = text.IndexOf(open, position);
        if (start < 0)
        {
            return false;
        }

        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == open)
            {
                depth++;
            }
            else if (c == close && --depth == 0)
            {
                position = i + 1;
                return true;
            }
        }

        position = text.Length;
        return true;
    }

    /// <summary>Replaces each top-level slice with what <paramref name="replace"/> returns for it.</summary>
    public static string ReplaceEnclosedSlices(string text, char open, char close, SliceReplacer replace)
    {
        StringBuilder? builder = null;
        var copied = 0;
        var previous = 0;
        var position = 0;
        while (NextSlice(text, open, close, ref position, out var start))
        {
            var replacement = replace(text.AsSpan(previous, start - previous), text.AsSpan(start, position - start));
            if (replacement is not null)
            {
                builder ??= StringBuilderCache.Acquire(text.Length);
                builder.Append(text, copied, start - copied).Append(replacement);
                copied = position;
            }

            previous = position;
        }

        return builder is null ? text : StringBuilderCache.GetStringAndRelease(builder.Append(text, copied, text.Length - copied));
    }

    /// <summary>
    /// C++ template arguments to <c>&lt;T&gt;</c>, keeping <c>&lt;name omitted&gt;</c>, slices with
    /// <c>" as "</c> or <c>" in "</c>, and <c>operator&lt;</c>; recursing into <c>IPC::ParamTraits&lt;…&gt;</c>.
    /// </summary>
    public static string CollapseTypes(string function) =>
        ReplaceEnclosedSlices(function, '<', '>', static (before, slice) =>
        {
            if (slice.SequenceEqual("<name omitted>")
                || slice.Contains(" as ", StringComparison.Ordinal)
                || slice.Contains(" in ", StringComparison.Ordinal)
                || before.EndsWith("operator", StringComparison.Ordinal))
            {
                return null;
            }

            if (before.EndsWith("IPC::ParamTraits", StringComparison.Ordinal))
            {
                // Socorro slices [1:-1] even when the slice is unclosed.
                return "<" + CollapseTypes(slice.Length >= 2 ? new string(slice[1..^1]) : string.Empty) + ">";
            }

            return slice.SequenceEqual("<T>") ? null : "<T>";
        });

    /// <summary>Rust generics to <c>&lt;T&gt;</c>, keeping slices with <c>" as "</c> (trait impls).</summary>
    public static string CollapseRustTypes(string function) =>
        ReplaceEnclosedSlices(function, '<', '>', static (_, slice) =>
            slice.Contains(" as ", StringComparison.Ordinal) || slice.SequenceEqual("<T>") ? null : "<T>");

    /// <summary>Drops argument lists, keeping <c>(anonymous namespace)</c> and the <c>()</c> of <c>operator()</c>.</summary>
    public static string CollapseArguments(string function) =>
        ReplaceEnclosedSlices(function, '(', ')', static (before, slice) =>
            slice.SequenceEqual("(anonymous namespace)") || before.EndsWith("operator", StringComparison.Ordinal) ? null : string.Empty);

    /// <summary>Drops every top-level argument list (the Rust rule has no exceptions).</summary>
    public static string DropArguments(string function) =>
        ReplaceEnclosedSlices(function, '(', ')', static (_, _) => string.Empty);

    /// <summary>Drops every top-level <c>[…]</c> (PGO <c>[clone .cold]</c> labels).</summary>
    public static string DropBracketed(string function) =>
        ReplaceEnclosedSlices(function, '[', ']', static (_, _) => string.Empty);

    /// <summary>
    /// Splits on spaces outside <c>() {} [] &lt;&gt;</c> and <c>`'</c> and returns the last token,
    /// joining a trailing <c>(…)</c> or <c>[clone …]</c> token to the one before it.
    /// </summary>
    /// <exception cref="PyException">IndexError for an empty name, which has no last token.</exception>
    public static string DropPrefixAndReturnType(string function)
    {
        if (function.Length == 0)
        {
            throw PyErrors.IndexOutOfRange();
        }

        if (!function.Contains(' ', StringComparison.Ordinal))
        {
            return function;
        }

        // Token start offsets only: a token ends one space before the next one starts.
        Span<int> initialTokens = stackalloc int[32];
        var tokens = new IntList(initialTokens);
        Span<char> initialLevels = stackalloc char[32];
        var levels = new CharStack(initialLevels);
        var tokenStart = 0;
        var text = function.AsSpan();

        // Only delimiters and spaces matter; identifier runs are skipped with a vectorized search.
        for (var i = text.IndexOfAny(DelimitersAndSpace); i >= 0; i = NextSpecial(text, i + 1))
        {
            var c = text[i];
            var closer = CloserOf(c);
            if (closer != '\0')
            {
                levels.Push(closer);
            }
            else if (c == ' ')
            {
                if (levels.Count == 0)
                {
                    tokens.Add(tokenStart);
                    tokenStart = i + 1;
                }
            }
            else if (levels.Count > 0 && levels.Peek() == c)
            {
                // Only the matching closer pops; a stray one is ordinary text.
                levels.Pop();
            }
        }

        // Python appends the final token only when it is not empty.
        var end = function.Length;
        if (tokenStart < function.Length)
        {
            tokens.Add(tokenStart);
        }
        else
        {
            end = function.Length - 1;
        }

        var last = tokens.Count - 1;
        var lastStart = tokens[last];
        while (last > 0 && (StartsWithAt(function, lastStart, "(") || StartsWithAt(function, lastStart, "[clone")))
        {
            last--;
            lastStart = tokens[last];
        }

        return lastStart == 0 && end == function.Length ? function : function[lastStart..end];
    }

    private ref struct IntList(Span<int> initial)
    {
        private Span<int> _items = initial;

        public int Count { get; private set; }

        public readonly int this[int index] => _items[index];

        public void Add(int value)
        {
            if (Count == _items.Length)
            {
                var larger = new int[_items.Length * 2];
                _items.CopyTo(larger);
                _items = larger;
            }

            _items[Count++] = value;
        }
    }

    private static readonly SearchValues<char> DelimitersAndSpace = SearchValues.Create("(){}[]<>`' ");

    private static int NextSpecial(ReadOnlySpan<char> text, int from)
    {
        var next = text[from..].IndexOfAny(DelimitersAndSpace);
        return next < 0 ? -1 : from + next;
    }

    private static bool StartsWithAt(string text, int index, string prefix) =>
        text.AsSpan(index).StartsWith(prefix, StringComparison.Ordinal);

    // A small stack of expected closers, on the stack unless nesting gets deep.
    private ref struct CharStack(Span<char> initial)
    {
        private Span<char> _items = initial;

        public int Count { get; private set; }

        public void Push(char c)
        {
            if (Count == _items.Length)
            {
                var larger = new char[_items.Length * 2];
                _items.CopyTo(larger);
                _items = larger;
            }

            _items[Count++] = c;
        }

        public readonly char Peek() => _items[Count - 1];

        public void Pop() => Count--;
    }

    private static char CloserOf(char c) => c switch
    {
        '(' => ')',
        '{' => '}',
        '[' => ']',
        '<' => '>',
        '`' => '\'',
        _ => '\0',
    };

    private static bool IsCloser(char c) => c is ')' or '}' or ']' or '>' or '\'';

    /// <summary>
    /// The path part of a source file: part 3 of a 4-part VCS string, part 2 of <c>c:path</c>,
    /// an absolute path unchanged, otherwise null.
    /// </summary>
    public static string? ParseSourceFile(string? file)
    {
        if (string.IsNullOrEmpty(file))
        {
            return null;
        }

        var range = SourceFileRange(file);
        return range.Start < 0 ? null : range.Start == 0 && range.Length == file.Length ? file : file.Substring(range.Start, range.Length);
    }

    /// <summary><see cref="ParseSourceFile"/> as a range of <paramref name="file"/>; Start is -1 for null.</summary>
    public static (int Start, int Length) SourceFileRange(string file)
    {
        var parts = file.AsSpan().Count(':') + 1;
        if (parts == 4)
        {
            var first = file.IndexOf(':', StringComparison.Ordinal);
            var second = file.IndexOf(':', first + 1);
            var third = file.IndexOf(':', second + 1);
            return (second + 1, third - second - 1);
        }

        if (parts == 2)
        {
            var colon = file.IndexOf(':', StringComparison.Ordinal);
            return (colon + 1, file.Length - colon - 1);
        }

        return file.StartsWith('/') ? (0, file.Length) : (-1, 0);
    }

    /// <summary>Keeps only characters U+0020..U+007E.</summary>
    public static string DropBadCharacters(string text)
    {
        var clean = true;
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is >= ' ' and <= '~')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary><c>re.sub(r"::\$_\d+::", "::$::")</c>: numbered lambdas become <c>$</c>.</summary>
    /// <remarks>Like <c>re.sub</c>, the search resumes after each match, so matches never overlap.</remarks>
    public static string ReplaceLambdaNumbers(string function)
    {
        StringBuilder? builder = null;
        var copied = 0;
        var from = 0;
        while (from < function.Length)
        {
            var match = function.IndexOf("::$_", from, StringComparison.Ordinal);
            if (match < 0)
            {
                break;
            }

            var digitsEnd = match + 4;
            while (digitsEnd < function.Length && char.IsDigit(function[digitsEnd]))
            {
                digitsEnd++;
            }

            if (digitsEnd == match + 4 || !function.AsSpan(digitsEnd).StartsWith("::", StringComparison.Ordinal))
            {
                from = match + 1;
                continue;
            }

            builder ??= StringBuilderCache.Acquire(function.Length);
            builder.Append(function, copied, match - copied).Append("::$::");
            copied = from = digitsEnd + 2;
        }

        return builder is null ? function : StringBuilderCache.GetStringAndRelease(builder.Append(function, copied, function.Length - copied));
    }

    /// <summary><c>re.sub(r" (?=[\*&amp;,])", "")</c>: no space before <c>*</c>, <c>&amp;</c> or <c>,</c>.</summary>
    public static string RemoveSpaceBeforePointer(string text)
    {
        var index = IndexOfSpaceBeforePointer(text, 0);
        if (index < 0)
        {
            return text;
        }

        var builder = StringBuilderCache.Acquire(text.Length);
        var previous = 0;
        while (index >= 0)
        {
            builder.Append(text, previous, index - previous);
            previous = index + 1;
            index = IndexOfSpaceBeforePointer(text, previous);
        }

        return StringBuilderCache.GetStringAndRelease(builder.Append(text, previous, text.Length - previous));
    }

    private static int IndexOfSpaceBeforePointer(string text, int from)
    {
        for (var i = text.IndexOf(' ', from); i >= 0 && i + 1 < text.Length; i = text.IndexOf(' ', i + 1))
        {
            if (text[i + 1] is '*' or '&' or ',')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary><c>re.sub(r",(?! )", ", ")</c>: a space after every comma.</summary>
    public static string AddSpaceAfterComma(string text)
    {
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return text;
        }

        StringBuilder? builder = null;
        var previous = 0;
        for (; comma >= 0; comma = text.IndexOf(',', comma + 1))
        {
            if (comma + 1 < text.Length && text[comma + 1] == ' ')
            {
                continue;
            }

            builder ??= StringBuilderCache.Acquire(text.Length + 8);
            builder.Append(text, previous, comma + 1 - previous).Append(' ');
            previous = comma + 1;
        }

        return builder is null ? text : StringBuilderCache.GetStringAndRelease(builder.Append(text, previous, text.Length - previous));
    }

    /// <summary><c>re.sub(r"::h[0-9a-fA-F]+$", "")</c>: the Rust symbol hash.</summary>
    [GeneratedRegex(@"::h[0-9a-fA-F]+$", RegexOptions.CultureInvariant)]
    public static partial Regex RustHash();
}
