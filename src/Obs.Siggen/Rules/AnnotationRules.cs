using System.Numerics;
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

    // A falsy reason (missing, null, "", 0, [], {}) is no bad hardware; any other is searched with `in`.
    public bool Predicate(CrashData data, SignatureState state) =>
        data.ReasonValue.IsTruthy && Py.Contains(data.ReasonValue, "STATUS_DEVICE_DATA_ERROR");

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

        // A truthy thread that is not an object has no .get; a falsy one is skipped.
        var thread = SignatureGenerationRule.FindThread(data, SignatureGenerationRule.GetCrashingThread(data));
        if (thread is not null && !thread.IsMapping && thread.NonMapping.IsTruthy)
        {
            throw PyErrors.NoAttribute(thread.NonMapping, "get");
        }

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

        var message = value.IsStr ? CleanMessage(value.Str) : CleanNonString(value);
        state.SetSignature("Abort | " + message + " | " + state.Signature);
    }

    // A list or dict passes the same `in` tests (membership, keys); a positive one then calls a
    // str method on it, which raises. Otherwise its one-character printable items (or keys) remain.
    private static string CleanNonString(PyValue value)
    {
        if (Py.Contains(value, "###!!! ABORT:") || Py.Contains(value, ": file "))
        {
            throw PyErrors.NoAttribute(value, "split");
        }

        if (Py.Contains(value, "unable to find a usable font"))
        {
            throw PyErrors.NoAttribute(value, "find");
        }

        return Truncate(Py.DropBadCharacters(value).Trim(' '));
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

        // Only U+0020..U+007E remain, so str.strip() can only remove spaces.
        return Truncate(FrameText.DropBadCharacters(message).Trim(' '));
    }

    private static string Truncate(string message) =>
        message.Length > MaximumMessageLength ? message[..(MaximumMessageLength - 3)] + "..." : message;
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
            throw PyErrors.TypeError($"the JSON object must be str, bytes or bytearray, not {raw.TypeName}");
        }

        // Socorro catches ValueError (a JSON decoding error) and KeyError (a condition object
        // without "name"): either adds UNKNOWN and a note. Every other error fails the rule.
        if (!PyJson.TryLoads(raw.Str, out var shutdown, out var decodingError))
        {
            Replace(state, "AsyncShutdownTimeout | UNKNOWN", decodingError);
            return;
        }

        if (shutdown.Kind != PyKind.Dict)
        {
            throw PyErrors.NoAttribute(shutdown, "get");
        }

        // Only a JSON string is a phase; a number, null, a boolean or an object is "(unknown)".
        var phase = shutdown.Dict.Get("phase");
        var prefix = "AsyncShutdownTimeout | " + (phase.IsStr ? phase.Str : "(unknown)") + " | ";

        // A condition is an object with a "name", or any other value, each through Python's str().
        var conditions = new List<string>();
        foreach (var condition in Py.IterateOrEmpty(shutdown.Dict.Get("conditions")))
        {
            if (condition.Kind != PyKind.Dict)
            {
                conditions.Add(condition.ToString());
                continue;
            }

            var name = condition.Dict.Get("name");
            if (name.IsMissing)
            {
                Replace(state, prefix + "UNKNOWN", "'name'");
                return;
            }

            conditions.Add(name.ToString());
        }

        conditions.Sort(PyText.CompareCodePoints);
        Replace(state, prefix + (conditions.Count > 0 ? string.Join(',', conditions) : "(none)"), parseError: null);
    }

    private static void Replace(SignatureState state, string signature, string? parseError)
    {
        if (parseError is not null)
        {
            state.AddNote("Error parsing AsyncShutdownTimeout: " + parseError);
        }

        state.AddNote($"Signature replaced with a Shutdown Timeout signature, was: \"{state.Signature}\"");
        state.SetSignature(signature);
    }
}

/// <summary>
/// For shutdown hangs (<c>RunWatchdog</c> in the signature), regenerates the signature from
/// thread 0 with the bundled lists and prefixes <c>shutdownhang</c>.
/// </summary>
/// <remarks>
/// Socorro runs its own <c>SignatureGenerationRule</c> instance for this, so the notes and debug
/// lines of that inner run carry that rule's name; only the prefix, and a failure of the inner
/// run, are this rule's.
/// </remarks>
internal sealed class SignatureRunWatchDogRule : ISignatureRule
{
    private readonly SignatureGenerationRule _generation = new(SignatureLists.Default);

    public string Name => "SignatureRunWatchDog";

    public bool Predicate(CrashData data, SignatureState state) =>
        state.Signature.Contains("RunWatchdog", StringComparison.Ordinal);

    public void Action(CrashData data, SignatureState state)
    {
        var ownName = state.RuleName;
        state.RuleName = _generation.Name;
        try
        {
            _generation.Generate(data, state, crashingThreadOverride: BigInteger.Zero);
        }
        finally
        {
            state.RuleName = ownName;
        }

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
        // `additional_minidumps or []`: a falsy value (null included) is no dump at all.
        var dumps = data.AdditionalMinidumpsValue;
        var prefix = dumps.IsTruthy && Py.Contains(dumps, "upload_file_minidump_browser") ? "IPCError-browser | " : "IPCError-content | ";
        var error = data.IpcChannelErrorValue;
        var text = error.Kind switch
        {
            PyKind.Str => PyText.Prefix(error.Str, 100),
            PyKind.List => PyValue.Repr(PyValue.FromList(error.List.Length > 100 ? error.List[..100] : error.List)),
            PyKind.Dict => throw PyErrors.TypeError("unhashable type: 'slice'"),
            _ => throw PyErrors.NotSubscriptable(error),
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
