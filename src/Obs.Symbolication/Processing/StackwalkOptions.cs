using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Obs.Symbolication;

/// <summary>How <see cref="MinidumpProcessor"/> processes a dump.</summary>
public sealed record StackwalkOptions
{
    /// <summary>How many threads are walked at once (at least 1). The output does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// The longest one dump may take, symbol loading included; past it processing stops with a
    /// <see cref="TimeoutException"/>. Null (the default) sets no limit.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Use the parsed part of a symbol file in which some lines could not be parsed, as Breakpad
    /// does. By default such a file is not used, as in rust-minidump. Either way the module is
    /// reported with <c>corrupt_symbols: true</c>.
    /// </summary>
    public bool UseCorruptSymbols { get; init; }

    /// <summary>
    /// Mozilla's side-channel JSON (minidump-stackwalk's <c>--evil-json</c>): its
    /// <c>ModuleSignatureInfo</c> gives the modules' certificate subjects, its
    /// <c>CPUMicrocodeVersion</c> the microcode version when the dump lacks it.
    /// </summary>
    public JsonElement? EvilJson { get; init; }

    /// <summary>Where diagnostics go (symbols found, missing or corrupt; streams that could not be read).</summary>
    public ILogger? Logger { get; init; }
}
