using System.Text.Json;
using Obs.Siggen.Python;

namespace Obs.Siggen;

/// <summary>
/// The input of signature generation: Socorro's "crash data" (its <c>schema.rst</c>, plus the
/// fields the rules read but the schema omits). Build one directly, parse one from JSON with
/// <see cref="Parse(ReadOnlySpan{byte})"/>, or map a processed crash with
/// <see cref="FromProcessedCrash(JsonElement)"/>.
/// </summary>
/// <remarks>
/// Socorro's rules are Python and react to the JSON type of a value (<c>0</c> and <c>"0"</c>
/// differ; <c>7.0</c> prints as <c>7.0</c>). Instances parsed from JSON keep each value as it
/// was, so the typed properties are views: a value of an unexpected JSON type reads as the
/// closest typed value (or <see langword="null"/>) but still drives the rules exactly as in
/// Socorro. Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class CrashData
{
    internal PyValue OsValue;
    internal PyValue ReasonValue;
    internal PyValue CrashingThreadValue;
    internal PyValue JavaStackTraceValue;
    internal PyValue JavaExceptionValue;
    internal PyValue OomAllocationSizeValue;
    internal PyValue AbortMessageValue;
    internal PyValue HangValue;
    internal PyValue AsyncShutdownTimeoutValue;
    internal PyValue IpcChannelErrorValue;
    internal PyValue IpcMessageNameValue;
    internal PyValue AdditionalMinidumpsValue;
    internal PyValue MdswStatusStringValue;
    internal PyValue JsLargeAllocationFailureValue;
    internal IReadOnlyList<CrashThread>? ThreadList;

    // JSON input only: "threads" given as an object; Socorro's path lookup "threads.N" finds its member "N".
    internal Dictionary<string, CrashThread>? ThreadsByKey;
    private JsonElement? _javaException;

    /// <summary>Operating system name (<c>os</c>); only <c>"Windows NT"</c> changes anything (module names are lowercased).</summary>
    public string? Os { get => AsString(OsValue); init => OsValue = PyValue.FromOptional(value); }

    /// <summary>Crash reason (<c>reason</c>), e.g. <c>EXCEPTION_ACCESS_VIOLATION_READ</c>.</summary>
    public string? Reason { get => AsString(ReasonValue); init => ReasonValue = PyValue.FromOptional(value); }

    /// <summary>Index of the crashing thread in <see cref="Threads"/> (<c>crashing_thread</c>); null means thread 0, negative counts from the end.</summary>
    public long? CrashingThread
    {
        get => CrashingThreadValue.TryGetInt64(out var v) ? v : null;
        init => CrashingThreadValue = PyValue.FromOptional(value);
    }

    /// <summary>The threads of the crashed process (<c>threads</c>).</summary>
    /// <remarks>Null when <c>threads</c> is missing or not a JSON array. A JSON object keyed by thread index still drives the rules, as in Socorro.</remarks>
    public IReadOnlyList<CrashThread>? Threads { get => ThreadList; init => ThreadList = value; }

    /// <summary>Java stack trace text (<c>java_stack_trace</c>); when set, the signature is a Java signature.</summary>
    public string? JavaStackTrace { get => AsString(JavaStackTraceValue); init => JavaStackTraceValue = PyValue.FromOptional(value); }

    /// <summary>Structured Java exception (<c>java_exception</c>: <c>exception.values[0].stacktrace</c>).</summary>
    public JsonElement? JavaException
    {
        get => _javaException ?? (JavaExceptionValue.IsMissing ? null : JavaExceptionValue.ToJsonElement());
        init
        {
            _javaException = value?.Clone();
            JavaExceptionValue = value is { ValueKind: not JsonValueKind.Undefined } element ? PyValue.FromJson(element) : PyValue.Missing;
        }
    }

    /// <summary>Size of the allocation that failed (<c>oom_allocation_size</c>).</summary>
    public long? OomAllocationSize
    {
        get => OomAllocationSizeValue.TryGetInt64(out var v) ? v
            : OomAllocationSizeValue.IsStr && PyText.TryParseInt(OomAllocationSizeValue.Str, 10, out var parsed) && parsed >= long.MinValue && parsed <= long.MaxValue ? (long)parsed
            : null;
        init => OomAllocationSizeValue = PyValue.FromOptional(value);
    }

    /// <summary>The <c>MOZ_CRASH</c>/<c>NS_ABORT</c> message (<c>abort_message</c>).</summary>
    public string? AbortMessage { get => AsString(AbortMessageValue); init => AbortMessageValue = PyValue.FromOptional(value); }

    /// <summary>Hang marker (<c>hang</c>); any non-null value prefixes the signature with <c>hang: {value} | </c>.</summary>
    public string? Hang { get => HangValue.IsNone ? null : HangValue.ToString(); init => HangValue = PyValue.FromOptional(value); }

    /// <summary>The <c>AsyncShutdownTimeout</c> annotation: JSON text with <c>phase</c> and <c>conditions</c>.</summary>
    public string? AsyncShutdownTimeout { get => AsString(AsyncShutdownTimeoutValue); init => AsyncShutdownTimeoutValue = PyValue.FromOptional(value); }

    /// <summary>IPC channel error text (<c>ipc_channel_error</c>).</summary>
    public string? IpcChannelError { get => AsString(IpcChannelErrorValue); init => IpcChannelErrorValue = PyValue.FromOptional(value); }

    /// <summary>Name of the IPC message being processed (<c>ipc_message_name</c>).</summary>
    public string? IpcMessageName { get => AsString(IpcMessageNameValue); init => IpcMessageNameValue = PyValue.FromOptional(value); }

    /// <summary>Names of the other minidumps of the report (<c>additional_minidumps</c>), e.g. <c>upload_file_minidump_browser</c>.</summary>
    public IReadOnlyList<string>? AdditionalMinidumps
    {
        get => AdditionalMinidumpsValue.Kind switch
        {
            PyKind.List => Array.ConvertAll(AdditionalMinidumpsValue.List, item => item.ToString()),
            PyKind.Str => AdditionalMinidumpsValue.Str.Split(','),
            _ => null,
        };
        init => AdditionalMinidumpsValue = value is null
            ? PyValue.Missing
            : PyValue.FromList([.. value.Select(PyValue.FromString)]);
    }

    /// <summary>The stackwalker's status (<c>mdsw_status_string</c>), appended to <c>EMPTY</c> signatures.</summary>
    public string? MdswStatusString { get => AsString(MdswStatusStringValue); init => MdswStatusStringValue = PyValue.FromOptional(value); }

    /// <summary>The <c>JSLargeAllocationFailure</c> annotation (<c>js_large_allocation_failure</c>).</summary>
    public string? JsLargeAllocationFailure { get => AsString(JsLargeAllocationFailureValue); init => JsLargeAllocationFailureValue = PyValue.FromOptional(value); }

    /// <summary>Parses crash data from UTF-8 JSON (one JSON object).</summary>
    /// <exception cref="JsonException">The text is not JSON, or not a JSON object.</exception>
    public static CrashData Parse(ReadOnlySpan<byte> utf8Json) => CrashDataJson.Parse(utf8Json, processed: false);

    /// <summary>Parses crash data from JSON text (one JSON object).</summary>
    /// <exception cref="JsonException">The text is not JSON, or not a JSON object.</exception>
    public static CrashData Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return CrashDataJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), processed: false);
    }

    /// <summary>Reads crash data from a JSON object.</summary>
    /// <exception cref="JsonException"><paramref name="crashData"/> is not a JSON object.</exception>
    public static CrashData FromJson(JsonElement crashData) => CrashDataJson.FromCrashData(crashData);

    /// <summary>
    /// Maps a Socorro processed crash (with the stackwalker's output under <c>json_dump</c>) to
    /// crash data, as Socorro's <c>convert_to_crash_data</c> does.
    /// </summary>
    /// <exception cref="JsonException"><paramref name="processedCrash"/> is not a JSON object.</exception>
    public static CrashData FromProcessedCrash(JsonElement processedCrash) => CrashDataJson.FromProcessedCrash(processedCrash);

    /// <summary>Parses a processed crash from UTF-8 JSON and maps it as <see cref="FromProcessedCrash(JsonElement)"/> does.</summary>
    /// <exception cref="JsonException">The text is not JSON, or not a JSON object.</exception>
    public static CrashData ParseProcessedCrash(ReadOnlySpan<byte> utf8Json) => CrashDataJson.Parse(utf8Json, processed: true);

    internal static string? AsString(PyValue value) => value.IsStr ? value.Str : null;
}
