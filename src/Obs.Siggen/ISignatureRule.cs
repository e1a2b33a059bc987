namespace Obs.Siggen;

/// <summary>
/// One step of the signature pipeline. The generator runs each rule in order: when
/// <see cref="Predicate"/> returns true it calls <see cref="Action"/>. An exception from either
/// becomes the note <c>"{Name}: Rule failed: {message}"</c> and the pipeline goes on.
/// </summary>
/// <remarks>Implementations must be thread-safe: one rule instance serves concurrent calls.</remarks>
public interface ISignatureRule
{
    /// <summary>The rule's name, the prefix of its notes and debug lines (Socorro uses the class name).</summary>
    string Name { get; }

    /// <summary>Whether the rule applies to this crash, given the signature built so far.</summary>
    bool Predicate(CrashData data, SignatureState state);

    /// <summary>Changes the signature (or notes, or extra data) in <paramref name="state"/>.</summary>
    void Action(CrashData data, SignatureState state);
}
