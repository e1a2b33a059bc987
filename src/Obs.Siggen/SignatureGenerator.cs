using Obs.Siggen.Rules;

namespace Obs.Siggen;

/// <summary>
/// Generates Socorro crash signatures. Runs a pipeline of <see cref="ISignatureRule"/>s (by
/// default Socorro's, in Socorro's order) over <see cref="CrashData"/> and returns the signature
/// with its notes, debug log and extra data.
/// </summary>
/// <remarks>
/// Build one generator and reuse it: the signature lists are compiled once, and
/// <see cref="Generate(CrashData, bool)"/> is thread-safe.
/// </remarks>
public sealed class SignatureGenerator
{
    private readonly ISignatureRule[] _rules;

    /// <summary>A generator with Socorro's default rules and its bundled signature lists.</summary>
    public SignatureGenerator()
        : this(SignatureLists.Default)
    {
    }

    /// <summary>A generator with Socorro's default rules and custom signature lists.</summary>
    /// <remarks>As in Socorro, the shutdown-hang rule (<c>SignatureRunWatchDog</c>) always regenerates with the bundled lists.</remarks>
    public SignatureGenerator(SignatureLists lists)
        : this(CreateDefaultRules(lists))
    {
    }

    /// <summary>A generator with a custom rule pipeline, run in the given order.</summary>
    public SignatureGenerator(IEnumerable<ISignatureRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules];
        foreach (var rule in _rules)
        {
            ArgumentNullException.ThrowIfNull(rule, nameof(rules));
        }
    }

    /// <summary>The rules this generator runs, in order.</summary>
    public IReadOnlyList<ISignatureRule> Rules => _rules;

    /// <summary>
    /// Socorro's default pipeline over <paramref name="lists"/>: SignatureGenerationRule,
    /// StackwalkerErrorSignatureRule, BadHardware, OOMSignature, AbortSignature,
    /// SignatureShutdownTimeout, SignatureRunWatchDog, SignatureIPCChannelError,
    /// SignatureIPCMessageName, StackOverflowSignature, HungProcess, SigPrintableCharsOnly,
    /// SigFixWhitespace, SigTruncate. Use it to build a custom pipeline around them.
    /// </summary>
    public static IReadOnlyList<ISignatureRule> CreateDefaultRules(SignatureLists lists)
    {
        ArgumentNullException.ThrowIfNull(lists);
        return
        [
            new SignatureGenerationRule(lists),
            new StackwalkerErrorSignatureRule(),
            new BadHardwareRule(),
            new OomSignatureRule(),
            new AbortSignatureRule(),
            new SignatureShutdownTimeoutRule(),
            new SignatureRunWatchDogRule(),
            new SignatureIpcChannelErrorRule(),
            new SignatureIpcMessageNameRule(),
            new StackOverflowSignatureRule(),
            new HungProcessRule(),
            new SigPrintableCharsOnlyRule(),
            new SigFixWhitespaceRule(),
            new SigTruncateRule(),
        ];
    }

    /// <summary>Generates the signature for <paramref name="data"/>.</summary>
    /// <param name="data">The crash data.</param>
    /// <param name="includeDebugLog">Collect <see cref="SignatureResult.DebugLog"/> (slower).</param>
    /// <remarks>
    /// Never throws for odd data: a rule that fails adds the note
    /// <c>"{Rule}: Rule failed: {message}"</c> and the pipeline goes on, as in Socorro.
    /// </remarks>
    public SignatureResult Generate(CrashData data, bool includeDebugLog = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var state = new SignatureState(includeDebugLog);
        foreach (var rule in _rules)
        {
            state.RuleName = rule.Name;
            try
            {
                if (rule.Predicate(data, state))
                {
                    rule.Action(data, state);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Socorro catches everything a rule raises; a custom rule's bug is reported the same way.
                state.AddRuleFailure(ex.Message);
            }
        }

        return state.ToResult();
    }

    /// <summary>Parses crash data from UTF-8 JSON and generates its signature.</summary>
    /// <exception cref="System.Text.Json.JsonException">The text is not a JSON object.</exception>
    public SignatureResult GenerateFromJson(ReadOnlySpan<byte> crashDataUtf8Json, bool includeDebugLog = false) =>
        Generate(CrashData.Parse(crashDataUtf8Json), includeDebugLog);
}
