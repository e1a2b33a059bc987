using System.Numerics;
using System.Text;
using System.Text.Json;
using Obs.Siggen.Python;

namespace Obs.Siggen.Rules;

/// <summary>Appends the stackwalker's status to an <c>EMPTY</c> signature.</summary>
internal sealed class StackwalkerErrorSignatureRule : ISignatureRule
{
    public string Name => "StackwalkerErrorSignatureRule";

    public bool Predicate(CrashData data, SignatureState state) =>
        state.Signature.StartsWith("EMPTY", StringComparison.Ordinal) && data.MdswStatusStringValue.IsTruthy;

    public void Action(CrashData data, SignatureState state) =>
        state.SetSignature(state.Signature + "; " + data.MdswStatusStringValue.ToString());
}

/// <summary>Prefixes <c>bad hardware</c> when the reason is <c>STATUS_DEVICE_DATA_ERROR</c>.</summary>
internal sealed class BadHardwareRule : ISignatureRule
{
    public string Name => "BadHardware";

    public bool Predicate(CrashData data, SignatureState state) =>
        Py.Contains(data.ReasonValue.IsMissing ? PyValue.FromString(string.Empty) : data.ReasonValue, "STATUS_DEVICE_DATA_ERROR");

    public void Action(CrashData data, SignatureState state) => state.SetSignature("bad hardware | " + state.Signature);
}

/// <summary>Marks out-of-memory crashes: <c>OOM | small</c>, <c>OOM | large | …</c> or <c>OOM | unknown | …</c>.</summary>
internal sealed class OomSignatureRule : ISignatureRule
{
    private const int SmallAllocationLimit = 262144;

    private static readonly string[] OomSignaturePatterns =
        ["NS_ABORT_OOM", "mozalloc_handle_oom", "CrashAtUnhandlableOOM", "AutoEnterOOMUnsafeRegion", "alloc::oom::oom"];

    public string Name => "OOMSignature";

    public bool Predicate(CrashData data, SignatureState state)
    {
        if (data.OomAllocationSizeValue.IsTruthy)
        {
            return true;
        }

        var signature = state.Signature;
        if (signature.Length == 0)
        {
            return false;
        }

        foreach (var pattern in OomSignaturePatterns)
        {
            if (signature.Contains(pattern, StringComparison.Ordinal))
            {
                return true;
            }
        }

        var thread = SignatureGenerationRule.FindThread(data.ThreadList, SignatureGenerationRule.GetCrashingThread(data));
        if (thread is { IsMapping: true } && thread.LastErrorValueValue.IsStr
            && thread.LastErrorValueValue.Str is "ERROR_COMMITMENT_LIMIT" or "ERROR_NOT_ENOUGH_MEMORY")
        {
            return true;
        }

        if (data.ReasonValue.IsStr && data.ReasonValue.Str is "STATUS_FATAL_MEMORY_EXHAUSTION" or "STATUS_NO_MEMORY")
        {
            return true;
        }

        return data.JsLargeAllocationFailureValue.IsStr && data.JsLargeAllocationFailureValue.Str == "Reporting";
    }

    public void Action(CrashData data, SignatureState state)
    {
        if (data.JsLargeAllocationFailureValue.IsStr && data.JsLargeAllocationFailureValue.Str == "Reporting")
        {
            state.SetSignature("OOM | large | " + state.Signature);
            return;
        }

        var value = data.OomAllocationSizeValue;
        var size = PyText.ToInt(value, out var error);
        switch (error)
        {
            case PyIntError.TypeError:
                state.SetSignature("OOM | unknown | " + state.Signature);
                return;
            case PyIntError.None:
                state.SetSignature(size <= SmallAllocationLimit ? "OOM | small" : "OOM | large | " + state.Signature);
                return;
            default:
                // Python raises here; reporting it directly spares an exception per such crash.
                state.AddRuleFailure(PyText.IntErrorMessage(value, error));
                return;
        }
    }
}

/// <summary>Prefixes <c>Abort | {message}</c> from the abort message, without file/line noise.</summary>
internal sealed class AbortSignatureRule : ISignatureRule
{
    private const int MaximumMessageLength = 80;

    public string Name => "AbortSignature";

    public bool Predicate(CrashData data, SignatureState state) => data.AbortMessageValue.IsTruthy;

    public void Action(CrashData data, SignatureState state)
    {
        var value = data.AbortMessageValue;
        if (Py.Contains(value, "###!!! ABORT: file "))
        {
            state.SetSignature("Abort | " + state.Signature);
            return;
        }

        state.SetSignature("Abort | " + CleanMessage(value.IsStr ? value.Str : throw PyErrors.NoAttribute(value, "split")) + " | " + state.Signature);
    }

    internal static string CleanMessage(string message)
    {
        var marker = message.IndexOf("###!!! ABORT:", StringComparison.Ordinal);
        if (marker >= 0)
        {
            message = message[(marker + "###!!! ABORT:".Length)..];
        }

        var file = message.IndexOf(": file ", StringComparison.Ordinal);
        if (file >= 0)
        {
            message = message[..file];
        }

        // The localized font name in parentheses varies by locale (bug 1385966).
        if (message.Contains("unable to find a usable font", StringComparison.Ordinal))
        {
            var open = message.IndexOf('(', StringComparison.Ordinal);
            if (open >= 0)
            {
                var close = message.LastIndexOf(')');
                if (close >= 0)
                {
                    message = string.Concat(message.AsSpan(0, open), message.AsSpan(close + 1));
                }
            }
        }

        message = FrameText.DropBadCharacters(message).Trim(' ');
        return message.Length > MaximumMessageLength ? message[..77] + "..." : message;
    }
}

/// <summary>Replaces the signature with <c>AsyncShutdownTimeout | {phase} | {conditions}</c>.</summary>
internal sealed class SignatureShutdownTimeoutRule : ISignatureRule
{
    public string Name => "SignatureShutdownTimeout";

    public bool Predicate(CrashData data, SignatureState state) => data.AsyncShutdownTimeoutValue.IsTruthy;

    public void Action(CrashData data, SignatureState state)
    {
        var raw = data.AsyncShutdownTimeoutValue;
        if (!raw.IsStr)
        {
            throw new PyException($"the JSON object must be str, bytes or bytearray, not {raw.TypeName}");
        }

        var parts = new List<PyValue> { PyValue.FromString("AsyncShutdownTimeout") };
        PyValue shutdown;
        try
        {
            var bytes = Encoding.UTF8.GetBytes(raw.Str);
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 256 });
            reader.Read();
            shutdown = PyValue.Read(ref reader);
            if (reader.Read())
            {
                throw new JsonException("Extra data");
            }
        }
        catch (JsonException ex)
        {
            ParseError(state, parts, ex.Message);
            Replace(state, parts);
            return;
        }

        if (shutdown.Kind != PyKind.Dict)
        {
            state.AddRuleFailure(PyErrors.NoAttribute(shutdown, "get").Message);
            return;
        }

        var phase = shutdown.Dict.Get("phase");
        parts.Add(phase.IsMissing ? PyValue.FromString("(unknown)") : phase);

        var conditions = new List<string>();
        var failed = false;
        foreach (var condition in Py.Iterate(shutdown.Dict.Get("conditions")))
        {
            if (condition.Kind == PyKind.Dict)
            {
                var name = condition.Dict.Get("name");
                if (name.IsMissing)
                {
                    ParseError(state, parts, "'name'");
                    failed = true;
                    break;
                }

                conditions.Add(name.ToString());
            }
            else
            {
                conditions.Add(condition.ToString());
            }
        }

        if (!failed)
        {
            conditions.Sort(PyText.CompareCodePoints);
            parts.Add(PyValue.FromString(conditions.Count > 0 ? string.Join(',', conditions) : "(none)"));
        }

        Replace(state, parts);
    }

    private static void ParseError(SignatureState state, List<PyValue> parts, string message)
    {
        parts.Add(PyValue.FromString("UNKNOWN"));
        state.AddNote("Error parsing AsyncShutdownTimeout: " + message);
    }

    private static void Replace(SignatureState state, List<PyValue> parts)
    {
        var texts = new string[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            // " | ".join() accepts only str items.
            texts[i] = parts[i].IsStr ? parts[i].Str : throw new PyException($"sequence item {i}: expected str instance, {parts[i].TypeName} found");
        }

        state.AddNote($"Signature replaced with a Shutdown Timeout signature, was: \"{state.Signature}\"");
        state.SetSignature(string.Join(" | ", texts));
    }
}

/// <summary>
/// For shutdown hangs (<c>RunWatchdog</c> in the signature), regenerates the signature from
/// thread 0 with the bundled lists and prefixes <c>shutdownhang</c>.
/// </summary>
internal sealed class SignatureRunWatchDogRule() : SignatureGenerationRule(SignatureLists.Default)
{
    public override string Name => "SignatureRunWatchDog";

    public override bool Predicate(CrashData data, SignatureState state) =>
        state.Signature.Contains("RunWatchdog", StringComparison.Ordinal);

    public override void Action(CrashData data, SignatureState state)
    {
        Generate(data, state, crashingThreadOverride: BigInteger.Zero);
        state.SetSignature("shutdownhang | " + state.Signature);
    }
}

/// <summary>Replaces the signature with <c>IPCError-browser|content | {error}</c>.</summary>
internal sealed class SignatureIpcChannelErrorRule : ISignatureRule
{
    public string Name => "SignatureIPCChannelError";

    public bool Predicate(CrashData data, SignatureState state) => data.IpcChannelErrorValue.IsTruthy;

    public void Action(CrashData data, SignatureState state)
    {
        var dumps = data.AdditionalMinidumpsValue.IsMissing ? PyValue.FromList([]) : data.AdditionalMinidumpsValue;
        var prefix = Py.Contains(dumps, "upload_file_minidump_browser") ? "IPCError-browser | " : "IPCError-content | ";
        var error = data.IpcChannelErrorValue;
        var text = error.Kind switch
        {
            PyKind.Str => PyText.Prefix(error.Str, 100),
            PyKind.List => PyValue.Repr(PyValue.FromList(error.List.Length > 100 ? error.List[..100] : error.List)),
            PyKind.Dict => throw new PyException("unhashable type: 'slice'"),
            _ => throw new PyException($"'{error.TypeName}' object is not subscriptable"),
        };

        state.AddNote("IPC Channel Error stomped on signature");
        state.SetSignature(prefix + text);
    }
}

/// <summary>Appends <c>IPC_Message_Name={name}</c>.</summary>
internal sealed class SignatureIpcMessageNameRule : ISignatureRule
{
    public string Name => "SignatureIPCMessageName";

    public bool Predicate(CrashData data, SignatureState state) => data.IpcMessageNameValue.IsTruthy;

    public void Action(CrashData data, SignatureState state) =>
        state.SetSignature(state.Signature + " | IPC_Message_Name=" + data.IpcMessageNameValue.ToString());
}

/// <summary>Prefixes <c>stackoverflow</c> for <c>EXCEPTION_STACK_OVERFLOW</c>.</summary>
internal sealed class StackOverflowSignatureRule : ISignatureRule
{
    public string Name => "StackOverflowSignature";

    public bool Predicate(CrashData data, SignatureState state) =>
        data.ReasonValue.IsStr && data.ReasonValue.Str == "EXCEPTION_STACK_OVERFLOW";

    public void Action(CrashData data, SignatureState state) => state.SetSignature("stackoverflow | " + state.Signature);
}

/// <summary>Prefixes <c>hang: {hang}</c> whenever <c>hang</c> is not null (so <c>0</c> and <c>""</c> count).</summary>
internal sealed class HungProcessRule : ISignatureRule
{
    public string Name => "HungProcess";

    public bool Predicate(CrashData data, SignatureState state) => !data.HangValue.IsNone;

    public void Action(CrashData data, SignatureState state) =>
        state.SetSignature("hang: " + data.HangValue.ToString() + " | " + state.Signature);
}

/// <summary>Python operations on JSON values shared by the rules.</summary>
internal static class Py
{
    /// <summary><c>needle in value</c>: substring for str, membership for list, key for dict; TypeError otherwise.</summary>
    public static bool Contains(PyValue value, string needle)
    {
        switch (value.Kind)
        {
            case PyKind.Str:
                return value.Str.Contains(needle, StringComparison.Ordinal);
            case PyKind.List:
                foreach (var item in value.List)
                {
                    if (item.IsStr && item.Str == needle)
                    {
                        return true;
                    }
                }

                return false;
            case PyKind.Dict:
                return value.Dict.ContainsKey(needle);
            default:
                throw new PyException($"argument of type '{value.TypeName}' is not iterable");
        }
    }

    /// <summary><c>for item in value.get(key, [])</c>: list items, str characters, dict keys; TypeError otherwise.</summary>
    public static IEnumerable<PyValue> Iterate(PyValue value)
    {
        switch (value.Kind)
        {
            case PyKind.Missing:
                return [];
            case PyKind.List:
                return value.List;
            case PyKind.Str:
                return IterateCodePoints(value.Str);
            case PyKind.Dict:
                return value.Dict.Items.Select(item => PyValue.FromString(item.Key));
            default:
                throw PyErrors.NotIterable(value);
        }
    }

    private static IEnumerable<PyValue> IterateCodePoints(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            yield return PyValue.FromString(text.Substring(i, pair ? 2 : 1));
            if (pair)
            {
                i++;
            }
        }
    }
}
