namespace Obs.SymbolFiles;

/// <summary>
/// Tokenizing and arithmetic shared by the STACK CFI and STACK WIN evaluators: both languages
/// are whitespace-separated postfix with the same operators and decimal literals.
/// </summary>
internal static class PostfixSyntax
{
    /// <summary>How an operator application went.</summary>
    internal enum ArithmeticResult : byte
    {
        Ok,
        DivisionByZero,
        InvalidAlignment,
    }

    /// <summary>What a token that is not an operator or a name turned out to be.</summary>
    internal enum NumberKind : byte
    {
        NotANumber,
        Number,
        Invalid,
    }

    /// <summary>
    /// Space separates tokens; so does every other control byte (tab, CR, …) except the
    /// <c>\n</c> that ends a line, so that a rule copied from a CRLF file or written by a
    /// sloppy tool still evaluates. One comparison per byte keeps the scan cheap.
    /// </summary>
    public static bool IsSpace(byte b) => b <= (byte)' ' && b != (byte)'\n';

    /// <summary>
    /// Returns the next token of <paramref name="text"/> at or after <paramref name="position"/>
    /// within the current line and advances past it; an empty span at the end of the line (or
    /// of the text) with <paramref name="position"/> left on the <c>\n</c>.
    /// </summary>
    public static ReadOnlySpan<byte> NextTokenInLine(ReadOnlySpan<byte> text, ref int position, out int tokenStart)
    {
        var i = position;
        while ((uint)i < (uint)text.Length && IsSpace(text[i]))
        {
            i++;
        }

        tokenStart = i;
        while ((uint)i < (uint)text.Length && text[i] > (byte)' ')
        {
            i++;
        }

        position = i;
        return text[tokenStart..i];
    }

    /// <summary>True for the one-byte binary operators <c>+ - * / % @</c>.</summary>
    public static bool IsBinaryOperator(ReadOnlySpan<byte> token) =>
        token.Length == 1 && token[0] is (byte)'+' or (byte)'-' or (byte)'*' or (byte)'/' or (byte)'%' or (byte)'@';

    /// <summary>True for the dereference operator <c>^</c>.</summary>
    public static bool IsDereference(ReadOnlySpan<byte> token) => token.Length == 1 && token[0] == (byte)'^';

    /// <summary>
    /// Parses a decimal literal with an optional sign, as Breakpad and rust-minidump accept them
    /// (no hexadecimal). The value is wrapped to 64 bits two's complement so that <c>-8</c>
    /// becomes <c>0xfffffffffffffff8</c>, which the caller masks to the pointer width.
    /// </summary>
    public static NumberKind ParseNumber(ReadOnlySpan<byte> token, out ulong value)
    {
        value = 0;
        var negative = false;
        var digits = token;
        if (token.Length > 1 && token[0] is (byte)'+' or (byte)'-')
        {
            negative = token[0] == (byte)'-';
            digits = token[1..];
        }

        if (digits.IsEmpty || !char.IsAsciiDigit((char)digits[0]))
        {
            return NumberKind.NotANumber;
        }

        // Accumulate the magnitude; i64 allows one more on the negative side.
        var limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
        ulong magnitude = 0;
        foreach (var b in digits)
        {
            var digit = (uint)(b - (byte)'0');
            if (digit > 9 || magnitude > (limit - digit) / 10)
            {
                return NumberKind.Invalid;
            }

            magnitude = (magnitude * 10) + digit;
        }

        value = negative ? 0 - magnitude : magnitude;
        return NumberKind.Number;
    }

    /// <summary>
    /// Applies a binary operator with unsigned wrapping arithmetic in the width given by
    /// <paramref name="mask"/> (<c>0xffffffff</c> or <c>ulong.MaxValue</c>).
    /// </summary>
    public static ArithmeticResult Apply(byte op, ulong left, ulong right, ulong mask, out ulong result)
    {
        result = 0;
        switch (op)
        {
            case (byte)'+':
                result = (left + right) & mask;
                return ArithmeticResult.Ok;
            case (byte)'-':
                result = (left - right) & mask;
                return ArithmeticResult.Ok;
            case (byte)'*':
                result = (left * right) & mask;
                return ArithmeticResult.Ok;
            case (byte)'/':
                if (right == 0)
                {
                    return ArithmeticResult.DivisionByZero;
                }

                result = left / right;
                return ArithmeticResult.Ok;
            case (byte)'%':
                if (right == 0)
                {
                    return ArithmeticResult.DivisionByZero;
                }

                result = left % right;
                return ArithmeticResult.Ok;
            default:
                // '@' aligns down: a power-of-two alignment keeps the mask meaningful; anything
                // else would silently produce garbage, so it is rejected.
                if (right == 0 || (right & (right - 1)) != 0)
                {
                    return ArithmeticResult.InvalidAlignment;
                }

                result = left & ~(right - 1) & mask;
                return ArithmeticResult.Ok;
        }
    }
}
