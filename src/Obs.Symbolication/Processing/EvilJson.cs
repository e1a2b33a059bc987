using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Obs.Symbolication;

/// <summary>
/// What processing takes from Mozilla's side-channel JSON (<c>--evil-json</c>): certificate
/// subjects by module, from <c>ModuleSignatureInfo</c> (an object, or a string holding one, that
/// maps each subject to its modules), and <c>CPUMicrocodeVersion</c>.
/// </summary>
internal sealed partial class EvilJson
{
    private static readonly EvilJson Empty = new(ImmutableDictionary<string, string>.Empty, null);

    private EvilJson(IReadOnlyDictionary<string, string> certificates, string? cpuMicrocodeVersion)
    {
        Certificates = certificates;
        CpuMicrocodeVersion = cpuMicrocodeVersion;
    }

    /// <summary>Certificate subject by module name.</summary>
    public IReadOnlyDictionary<string, string> Certificates { get; }

    /// <summary>The microcode version text (<c>0x…</c>), if given.</summary>
    public string? CpuMicrocodeVersion { get; }

    public static EvilJson Read(JsonElement? json, ILogger logger)
    {
        if (json is not { ValueKind: JsonValueKind.Object } root)
        {
            if (json is not null)
            {
                LogNotAnObject(logger);
            }

            return Empty;
        }

        var certificates = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("ModuleSignatureInfo", out var signatures) && ReadCertificates(signatures, certificates) is false)
        {
            certificates.Clear();
            LogBadSignatureInfo(logger);
        }

        var microcode = root.TryGetProperty("CPUMicrocodeVersion", out var version) && version.ValueKind == JsonValueKind.String
            ? version.GetString()
            : null;
        return new EvilJson(certificates, microcode);
    }

    private static bool ReadCertificates(JsonElement signatures, Dictionary<string, string> certificates)
    {
        if (signatures.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var inner = JsonDocument.Parse(signatures.GetString()!);
                return ReadCertificates(inner.RootElement.Clone(), certificates);
            }
            catch (JsonException)
            {
                return false;
            }
        }

        if (signatures.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var subject in signatures.EnumerateObject())
        {
            if (subject.Value.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var module in subject.Value.EnumerateArray())
            {
                if (module.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                certificates[module.GetString()!] = subject.Name;
            }
        }

        return true;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Could not parse Extra JSON (was not valid JSON)")]
    private static partial void LogNotAnObject(ILogger logger);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "Could not parse Evil JSON's ModuleSignatureInfo (not an object)")]
    private static partial void LogBadSignatureInfo(ILogger logger);
}
