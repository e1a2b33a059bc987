namespace Obs.Siggen.Python;

/// <summary>
/// Python operations on JSON values that Socorro's rules perform: <c>in</c>, iteration,
/// hashing. Each works on every JSON type the way CPython does, raising where CPython raises.
/// </summary>
internal static class Py
{
    /// <summary><c>needle in value</c>: substring for str, membership for list, key for dict; TypeError otherwise.</summary>
    public static bool Contains(PyValue value, string needle)
    {
        switch (value.Kind)
        {
            case PyKind.Str:
                return value.Str.Contains(needle, StringComparison.Ordinal);
            case PyKind.List:
                foreach (var item in value.List)
                {
                    if (item.IsStr && item.Str == needle)
                    {
                        return true;
                    }
                }

                return false;
            case PyKind.Dict:
                return value.Dict.ContainsKey(needle);
            default:
                throw PyErrors.NotContainer(value);
        }
    }

    /// <summary>
    /// <c>for item in (value or [])</c>: nothing for a falsy value; list items, str code points
    /// or dict keys otherwise; TypeError for a truthy number.
    /// </summary>
    public static IEnumerable<PyValue> IterateOrEmpty(PyValue value) => value.IsTruthy ? Iterate(value) : [];

    /// <summary><c>for item in value</c>: list items, str code points, dict keys; TypeError otherwise.</summary>
    public static IEnumerable<PyValue> Iterate(PyValue value) => value.Kind switch
    {
        PyKind.List => value.List,
        PyKind.Str => IterateCodePoints(value.Str),
        PyKind.Dict => value.Dict.Items.Select(item => PyValue.FromString(item.Key)),
        _ => throw PyErrors.NotIterable(value),
    };

    /// <summary>Raises as hashing does: a list or dict cannot be (part of) a dictionary key.</summary>
    public static void RequireHashable(PyValue value)
    {
        if (value.Kind is PyKind.List or PyKind.Dict)
        {
            throw PyErrors.Unhashable(value);
        }
    }

    /// <summary>
    /// Socorro's <c>drop_bad_characters</c>: <c>"".join(c for c in text if c in ALLOWED_CHARS)</c>,
    /// where the allowed characters are U+0020..U+007E. For a list the items that are one such
    /// character are kept; for a dict, the keys.
    /// </summary>
    public static string DropBadCharacters(PyValue text)
    {
        switch (text.Kind)
        {
            case PyKind.Str:
                return Rules.FrameText.DropBadCharacters(text.Str);
            case PyKind.List or PyKind.Dict:
                var builder = new System.Text.StringBuilder();
                foreach (var item in Iterate(text))
                {
                    if (item.IsStr && item.Str.Length == 1 && item.Str[0] is >= ' ' and <= '~')
                    {
                        builder.Append(item.Str[0]);
                    }
                }

                return builder.ToString();
            default:
                throw PyErrors.NotIterable(text);
        }
    }

    private static IEnumerable<PyValue> IterateCodePoints(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            yield return PyValue.FromString(text.Substring(i, pair ? 2 : 1));
            if (pair)
            {
                i++;
            }
        }
    }
}
