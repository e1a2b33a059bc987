namespace Obs.Siggen;

/// <summary>
/// The signature under construction, handed to each <see cref="ISignatureRule"/> in turn
/// (Socorro's <c>Result</c>). Notes and debug lines are prefixed with the running rule's name.
/// </summary>
/// <remarks>A state belongs to one <see cref="SignatureGenerator.Generate(CrashData, bool)"/> call; it is not thread-safe.</remarks>
public sealed class SignatureState
{
    private readonly List<string> _notes = [];
    private readonly List<string>? _debugLog;

    internal SignatureState(bool collectDebugLog)
    {
        _debugLog = collectDebugLog ? [] : null;
    }

    /// <summary>The signature so far; starts empty.</summary>
    public string Signature { get; private set; } = string.Empty;

    /// <summary>Socorro's <c>extra.proto_signature</c>: every normalized frame joined with <c>" | "</c>, or null.</summary>
    public string? ProtoSignature { get; set; }

    /// <summary>Socorro's <c>extra.normalized_frames</c>: the crashing thread's frames after normalization, or null.</summary>
    public IReadOnlyList<string>? NormalizedFrames { get; set; }

    /// <summary>The notes added so far.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Whether debug lines are being collected; check it before building an expensive message.</summary>
    public bool IsDebugEnabled => _debugLog is not null;

    internal string RuleName { get; set; } = string.Empty;

    /// <summary>Replaces the signature, logging <c>change signature: "old" -> "new"</c> to the debug log.</summary>
    public void SetSignature(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (_debugLog is not null)
        {
            AddDebug($"change signature: \"{Signature}\" -> \"{signature}\"");
        }

        Signature = signature;
    }

    /// <summary>Adds the note <c>"{rule}: {message}"</c>.</summary>
    public void AddNote(string message) => _notes.Add(RuleName + ": " + message);

    /// <summary>Adds the debug line <c>"{rule}: {message}"</c> when debug lines are collected.</summary>
    public void AddDebug(string message) => _debugLog?.Add(RuleName + ": " + message);

    internal void AddRuleFailure(string message) => _notes.Add(RuleName + ": Rule failed: " + message);

    internal SignatureResult ToResult() =>
        new(Signature, Freeze(_notes), _debugLog is null ? [] : Freeze(_debugLog), ProtoSignature, NormalizedFrames is null ? null : Freeze(NormalizedFrames));

    private static string[] Freeze(IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return [];
        }

        if (items is string[] array)
        {
            return array;
        }

        var copy = new string[items.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = items[i];
        }

        return copy;
    }
}
