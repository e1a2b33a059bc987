using System.CommandLine;
using System.Globalization;

namespace Obs.Cli.Infrastructure;

/// <summary>Options that several <c>obs</c> commands share.</summary>
internal static class CliOptions
{
    /// <summary>The largest limit <c>--max-input-bytes</c> takes: the largest array that holds a document.</summary>
    public const long MaxInputLimit = 1L << 30;

    /// <summary>
    /// <c>--max-input-bytes SIZE</c>: the limit on what a command reads into memory at once (a
    /// document, or a line). SIZE is bytes, or a number with a K, M or G suffix (powers of 1024).
    /// </summary>
    /// <param name="defaultValue">The command's default limit, which the help text names in KiB/MiB.</param>
    /// <param name="what">What the limit applies to, for the help text ("a document", "an address line").</param>
    public static Option<long> MaxInputBytes(long defaultValue, string what) => new("--max-input-bytes")
    {
        Description = $"The largest {what} read, in bytes (K, M and G suffixes allowed; default {CliText.Bytes(defaultValue)}): larger input is rejected",
        HelpName = "SIZE",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
            if (TryParseSize(text, out var size) && size is > 0 and <= MaxInputLimit)
            {
                return size;
            }

            result.AddError($"invalid size {CliText.Quote(text)} for --max-input-bytes: expected a number of bytes from 1 to 1G, e.g. 65536, 64K or 256M");
            return 0;
        },
    };

    /// <summary>The value of a <see cref="MaxInputBytes"/> option, or <paramref name="defaultValue"/> when it is not given.</summary>
    public static long GetMaxInputBytes(this ParseResult parse, Option<long> option, long defaultValue) =>
        parse.GetResult(option) is null ? defaultValue : parse.GetValue(option);

    internal static bool TryParseSize(string text, out long size)
    {
        var digits = text.AsSpan();
        var shift = 0;
        if (digits.Length > 0)
        {
            shift = char.ToUpperInvariant(digits[^1]) switch
            {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                _ => 0,
            };
        }

        if (shift > 0)
        {
            digits = digits[..^1];
        }

        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > (long.MaxValue >> shift))
        {
            size = 0;
            return false;
        }

        size = value << shift;
        return true;
    }
}
