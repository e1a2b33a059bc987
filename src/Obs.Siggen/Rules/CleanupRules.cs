using System.Text;
using Obs.Siggen.Python;

namespace Obs.Siggen.Rules;

/// <summary>Strips the signature and keeps only printable ASCII (U+0020..U+007E), with a note when that changed it.</summary>
internal sealed class SigPrintableCharsOnlyRule : ISignatureRule
{
    public string Name => "SigPrintableCharsOnly";

    public bool Predicate(CrashData data, SignatureState state) => true;

    public void Action(CrashData data, SignatureState state)
    {
        var original = state.Signature;
        var stripped = PyText.Strip(original);
        var printable = FrameText.DropBadCharacters(stripped);
        if (!string.Equals(printable, original, StringComparison.Ordinal))
        {
            state.SetSignature(printable);
            state.AddNote("unprintable characters removed");
        }
    }
}

/// <summary>Strips the signature and collapses each run of whitespace to one space.</summary>
internal sealed class SigFixWhitespaceRule : ISignatureRule
{
    public string Name => "SigFixWhitespace";

    public bool Predicate(CrashData data, SignatureState state) => true;

    public void Action(CrashData data, SignatureState state)
    {
        var original = state.Signature;
        var fixedText = Collapse(PyText.Strip(original));
        if (!string.Equals(fixedText, original, StringComparison.Ordinal))
        {
            state.SetSignature(fixedText);
        }
    }

    // re.sub(r"\s", " ") then re.sub(r"\s\s+", " ").
    internal static string Collapse(string text)
    {
        var needed = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (PyText.IsWhitespace(text[i]) && (text[i] != ' ' || (i + 1 < text.Length && PyText.IsWhitespace(text[i + 1]))))
            {
                needed = true;
                break;
            }
        }

        if (!needed)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var previousSpace = false;
        foreach (var c in text)
        {
            if (PyText.IsWhitespace(c))
            {
                if (!previousSpace)
                {
                    builder.Append(' ');
                }

                previousSpace = true;
            }
            else
            {
                builder.Append(c);
                previousSpace = false;
            }
        }

        return builder.ToString();
    }
}

/// <summary>Cuts signatures longer than 255 code points to 252 plus <c>...</c>.</summary>
internal sealed class SigTruncateRule : ISignatureRule
{
    public string Name => "SigTruncate";

    public bool Predicate(CrashData data, SignatureState state) =>
        PyText.CodePointLength(state.Signature) > SignatureGenerationRule.SignatureMaxLength;

    public void Action(CrashData data, SignatureState state)
    {
        state.SetSignature(PyText.Prefix(state.Signature, SignatureGenerationRule.SignatureMaxLength - 3) + "...");
        state.AddNote("SigTrunc: signature truncated due to length");
    }
}
