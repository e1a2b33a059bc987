using System.Text;
using System.Text.RegularExpressions;

namespace Obs.Siggen.Rules;

/// <summary>
/// The string helpers behind frame normalization: balanced-slice scanning, type and argument
/// collapsing, prefix/return-type dropping, source-file parsing and character filtering.
/// </summary>
internal static partial class FrameText
{
    /// <summary>Delegate deciding what replaces one top-level enclosed slice.</summary>
    /// <param name="before">Text since the previous slice ended (not the whole prefix).</param>
    /// <param name="slice">The slice with its delimiters.</param>
    public delegate string SliceReplacer(string before, string slice);

    /// <summary>
    /// Yields <c>(start, end)</c> of each top-level balanced slice, delimiters included. A closer
    /// without an opener is plain text; an unclosed opener runs to the end of the text.
    /// </summary>
    public static List<(int Start, int End)> FindEnclosedSlices(string text, char open, char close)
    {
        var slices = new List<(int, int)>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == open)
            {
                if (depth == 0)
                {
                    start = i;
                }

                depth++;
            }
            else if (c == close && depth > 0)
            {
                depth--;
                if (depth == 0)
                {
                    slices.Add((start, i + 1));
                }
            }
        }

        if (depth > 0)
        {
            slices.Add((start, text.Length));
        }

        return slices;
    }

    /// <summary>Replaces each top-level slice with what <paramref name="replace"/> returns for it.</summary>
    public static string ReplaceEnclosedSlices(string text, char open, char close, SliceReplacer replace)
    {
        if (text.IndexOf(open, StringComparison.Ordinal) < 0)
        {
            return text;
        }

        var slices = FindEnclosedSlices(text, open, close);
        var builder = new StringBuilder(text.Length);
        var previous = 0;
        foreach (var (start, end) in slices)
        {
            var before = text[previous..start];
            builder.Append(before).Append(replace(before, text[start..end]));
            previous = end;
        }

        builder.Append(text, previous, text.Length - previous);
        return builder.ToString();
    }

    /// <summary>
    /// C++ template arguments to <c>&lt;T&gt;</c>, keeping <c>&lt;name omitted&gt;</c>, slices with
    /// <c>" as "</c> or <c>" in "</c>, and <c>operator&lt;</c>; recursing into <c>IPC::ParamTraits&lt;…&gt;</c>.
    /// </summary>
    public static string CollapseTypes(string function) =>
        ReplaceEnclosedSlices(function, '<', '>', static (before, slice) =>
        {
            if (slice == "<name omitted>"
                || slice.Contains(" as ", StringComparison.Ordinal)
                || slice.Contains(" in ", StringComparison.Ordinal)
                || before.EndsWith("operator", StringComparison.Ordinal))
            {
                return slice;
            }

            if (before.EndsWith("IPC::ParamTraits", StringComparison.Ordinal))
            {
                return "<" + CollapseTypes(Inner(slice)) + ">";
            }

            return "<T>";
        });

    /// <summary>Rust generics to <c>&lt;T&gt;</c>, keeping slices with <c>" as "</c> (trait impls).</summary>
    public static string CollapseRustTypes(string function) =>
        ReplaceEnclosedSlices(function, '<', '>', static (_, slice) =>
            slice.Contains(" as ", StringComparison.Ordinal) ? slice : "<T>");

    /// <summary>Drops argument lists, keeping <c>(anonymous namespace)</c> and the <c>()</c> of <c>operator()</c>.</summary>
    public static string CollapseArguments(string function) =>
        ReplaceEnclosedSlices(function, '(', ')', static (before, slice) =>
            slice == "(anonymous namespace)" || before.EndsWith("operator", StringComparison.Ordinal) ? slice : string.Empty);

    /// <summary>Drops every top-level argument list (the Rust rule has no exceptions).</summary>
    public static string DropArguments(string function) =>
        ReplaceEnclosedSlices(function, '(', ')', static (_, _) => string.Empty);

    /// <summary>Drops every top-level <c>[…]</c> (PGO <c>[clone .cold]</c> labels).</summary>
    public static string DropBracketed(string function) =>
        ReplaceEnclosedSlices(function, '[', ']', static (_, _) => string.Empty);

    // An unclosed slice has no closer to drop, but Socorro slices [1:-1] regardless.
    private static string Inner(string slice) => slice.Length >= 2 ? slice[1..^1] : string.Empty;

    /// <summary>
    /// Splits on spaces outside <c>() {} [] &lt;&gt;</c> and <c>`'</c> and returns the last token,
    /// joining a trailing <c>(…)</c> or <c>[clone …]</c> token to the one before it.
    /// </summary>
    public static string DropPrefixAndReturnType(string function)
    {
        var tokens = new List<string>();
        var levels = new Stack<char>();
        var current = new StringBuilder();
        foreach (var c in function)
        {
            var closer = CloserOf(c);
            if (closer != '\0')
            {
                levels.Push(closer);
                current.Append(c);
            }
            else if (IsCloser(c))
            {
                // Only the matching closer pops; a stray one is ordinary text.
                if (levels.Count > 0 && levels.Peek() == c)
                {
                    levels.Pop();
                }

                current.Append(c);
            }
            else if (levels.Count > 0 || c != ' ')
            {
                current.Append(c);
            }
            else
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        while (tokens.Count > 1 && (tokens[^1].StartsWith('(') || tokens[^1].StartsWith("[clone", StringComparison.Ordinal)))
        {
            tokens[^2] = tokens[^2] + " " + tokens[^1];
            tokens.RemoveAt(tokens.Count - 1);
        }

        return tokens.Count == 0 ? throw new Python.PyException("list index out of range") : tokens[^1];
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

        var parts = 1;
        foreach (var c in file)
        {
            if (c == ':')
            {
                parts++;
            }
        }

        if (parts == 4)
        {
            return file.Split(':')[2];
        }

        if (parts == 2)
        {
            return file[(file.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }

        return file.StartsWith('/') ? file : null;
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
    [GeneratedRegex(@"::\$_\d+::", RegexOptions.CultureInvariant)]
    public static partial Regex LambdaNumber();

    /// <summary><c>re.sub(r" (?=[\*&amp;,])", "")</c>: no space before <c>*</c>, <c>&amp;</c> or <c>,</c>.</summary>
    [GeneratedRegex(@" (?=[\*&,])", RegexOptions.CultureInvariant)]
    public static partial Regex SpaceBeforePointer();

    /// <summary><c>re.sub(r",(?! )", ", ")</c>: a space after every comma.</summary>
    [GeneratedRegex(@",(?! )", RegexOptions.CultureInvariant)]
    public static partial Regex CommaWithoutSpace();

    /// <summary><c>re.sub(r"::h[0-9a-fA-F]+$", "")</c>: the Rust symbol hash.</summary>
    [GeneratedRegex(@"::h[0-9a-fA-F]+$", RegexOptions.CultureInvariant)]
    public static partial Regex RustHash();
}
