using System.Text;

namespace Obs.Siggen.Tests;

/// <summary>Shorthands for running the default pipeline in tests.</summary>
internal static class Siggen
{
    public static readonly SignatureGenerator Default = new();

    public static SignatureResult Run(string crashDataJson, bool debug = false) =>
        Default.GenerateFromJson(Encoding.UTF8.GetBytes(crashDataJson), debug);

    /// <summary>Crash data with one thread whose frames are the given JSON objects.</summary>
    public static string Frames(params string[] frames) =>
        """{"crashing_thread": 0, "threads": [{"frames": [""" + string.Join(",", frames) + "]}]}";

    public static string Fn(string function) => "{\"function\": " + System.Text.Json.JsonSerializer.Serialize(function) + "}";
}
