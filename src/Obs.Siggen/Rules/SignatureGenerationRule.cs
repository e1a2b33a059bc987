using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Obs.Siggen.Python;

namespace Obs.Siggen.Rules;

/// <summary>
/// Builds the base signature: a Java signature from <c>java_stack_trace</c> or
/// <c>java_exception</c>, otherwise a C/C++/Rust signature from the crashing thread's frames.
/// </summary>
internal sealed partial class SignatureGenerationRule(SignatureLists lists) : ISignatureRule
{
    internal const int MaximumFramesToConsider = 40;
    internal const int SignatureMaxLength = 255;

    private readonly FrameNormalizer _normalizer = new(lists);

    public string Name => "SignatureGenerationRule";

    internal SignatureLists Lists => lists;

    internal FrameNormalizer Normalizer => _normalizer;

    public bool Predicate(CrashData data, SignatureState state) => true;

    public void Action(CrashData data, SignatureState state) => Generate(data, state, crashingThreadOverride: null);

    /// <summary>The rule's action, optionally on another crashing thread (the shutdown-hang rule's thread 0).</summary>
    internal void Generate(CrashData data, SignatureState state, BigInteger? crashingThreadOverride)
    {
        if (data.JavaStackTraceValue.IsTruthy)
        {
            state.AddDebug("using JavaSignatureTool");
            var (signature, notes) = JavaStackTraceSignature(data.JavaStackTraceValue);
            Apply(state, signature, notes);
            return;
        }

        if (data.JavaExceptionValue.IsTruthy)
        {
            state.AddDebug("using JavaExceptionSignatureTool");
            var (signature, notes) = JavaExceptionSignature(data.JavaExceptionValue);
            Apply(state, signature, notes);
            return;
        }

        state.AddDebug("using CSignatureTool");
        BigInteger crashingThread;
        List<string> frames;
        try
        {
            crashingThread = crashingThreadOverride ?? GetCrashingThread(data);
            frames = CreateFrameList(FindThread(data, crashingThread), data.OsValue.IsStr && data.OsValue.Str == "Windows NT");
        }
        catch (PyException ex) when (ex.Kind is PyExceptionKind.KeyError or PyExceptionKind.IndexError)
        {
            // Socorro's handler for these two calls result.note(), which its Result class does
            // not have: the handler itself raises AttributeError, and the rule fails with that.
            throw new PyException(PyExceptionKind.AttributeError, "'Result' object has no attribute 'note'");
        }

        var (cSignature, cNotes) = CSignature(frames, crashingThread, state);
        if (frames.Count > 0)
        {
            var normalized = frames.ToArray();
            state.NormalizedFrames = normalized;
            state.ProtoSignature = string.Join(" | ", normalized);
        }

        // An empty C signature leaves the signature as it was: that matters when the shutdown-hang
        // rule reruns this on thread 0 and the frames there all normalize to "".
        Apply(state, cSignature.Length > 0 ? cSignature : null, cNotes);
    }

    private static void Apply(SignatureState state, string? signature, List<string>? notes)
    {
        if (notes is not null)
        {
            foreach (var note in notes)
            {
                state.AddNote(note);
            }
        }

        if (signature is not null)
        {
            state.SetSignature(signature);
        }
    }

    /// <summary>Socorro's <c>get_crashing_thread</c>: <c>int(crashing_thread)</c>, 0 when that raises TypeError/ValueError.</summary>
    internal static BigInteger GetCrashingThread(CrashData data)
    {
        var value = data.CrashingThreadValue;
        if (value.IsMissing)
        {
            return BigInteger.Zero;
        }

        var index = PyText.ToInt(value, out var error);
        return error switch
        {
            PyIntError.None => index,
            PyIntError.OverflowError => throw PyErrors.Overflow(PyText.IntErrorMessage(value, error)),
            _ => BigInteger.Zero,
        };
    }

    /// <summary>
    /// Socorro's <c>glom(crash_data, "threads.%d" % index, default={})</c>: a list item (negative
    /// indexes count from the end) or, when <c>threads</c> is an object, its member named by the
    /// index in decimal; null (the <c>{}</c> default) when there is none.
    /// </summary>
    internal static CrashThread? FindThread(CrashData data, BigInteger index)
    {
        if (data.ThreadList is { } threads)
        {
            if (index < 0)
            {
                index += threads.Count;
            }

            return index >= 0 && index < threads.Count ? threads[(int)index] : null;
        }

        if (data.ThreadsByKey is { } byKey)
        {
            return byKey.GetValueOrDefault(FormatInt(index));
        }

        return null;
    }

    /// <summary>Socorro's <c>_create_frame_list</c>: up to 40 normalized frames, inlined calls first.</summary>
    internal List<string> CreateFrameList(CrashThread? thread, bool lowerCaseModules)
    {
        var result = new List<string>(MaximumFramesToConsider);
        if (thread is null)
        {
            return result;
        }

        if (!thread.IsMapping)
        {
            throw PyErrors.NoAttribute(thread.NonMapping, "get");
        }

        if (thread.FrameList is not { } frames)
        {
            RejectNonListFrames(thread.FramesNonList);
            return result;
        }

        // Index loops: no enumerator allocation per call on the hot path.
        for (var f = 0; f < frames.Count; f++)
        {
            var frame = frames[f];
            if (!frame.IsMapping)
            {
                throw PyErrors.NoAttribute(frame.NonMapping, "get");
            }

            if (frame.InlineList is { } inlines)
            {
                for (var n = 0; n < inlines.Count; n++)
                {
                    var inline = inlines[n];
                    if (!inline.IsMapping)
                    {
                        throw PyErrors.NoAttribute(inline.NonMapping, "get");
                    }

                    result.Add(NormalizeEntry(new FrameView(frame, inline), lowerCaseModules));
                    if (result.Count == MaximumFramesToConsider)
                    {
                        return result;
                    }
                }
            }
            else if (frame.InlinesNonList.IsTruthy)
            {
                RejectNonListFrames(frame.InlinesNonList);
            }

            result.Add(NormalizeEntry(new FrameView(frame, null), lowerCaseModules));
            if (result.Count == MaximumFramesToConsider)
            {
                return result;
            }
        }

        return result;
    }

    // Iterating a non-list: empty str/dict give nothing; a non-empty one yields a str, which has
    // no .get; None and numbers are not iterable.
    private static void RejectNonListFrames(PyValue value)
    {
        switch (value.Kind)
        {
            case PyKind.Missing:
                return;
            case PyKind.Str or PyKind.Dict when !value.IsTruthy:
                return;
            case PyKind.Str or PyKind.Dict:
                throw PyErrors.NoAttribute(PyValue.FromString(string.Empty), "get");
            default:
                throw PyErrors.NotIterable(value);
        }
    }

    // Socorro's order for each entry: fix_missing_module, the Windows lowercasing, normalize_frame.
    private string NormalizeEntry(in FrameView view, bool lowerCaseModules)
    {
        var function = FrameNormalizer.FixMissingModule(view.Function, view.File);
        var module = view.Module;
        if (lowerCaseModules && module.IsTruthy)
        {
            module = PyValue.FromString(PyText.Lower(module.IsStr ? module.Str : throw PyErrors.NoAttribute(module, "lower")));
        }

        return _normalizer.Normalize(view, function, module);
    }

    /// <summary>Socorro's <c>CSignatureTool.generate</c>: sentinels, irrelevant and prefix frames, the join.</summary>
    internal (string Signature, List<string>? Notes) CSignature(List<string> frames, BigInteger crashingThread, SignatureState? state)
    {
        // The earliest frame equal to any sentinel: list.index() of each, then min().
        var sentinelIndex = -1;
        for (var i = 0; i < frames.Count; i++)
        {
            if (lists.IsSentinel(frames[i]))
            {
                sentinelIndex = i;
                break;
            }
        }

        foreach (var conditional in lists.ConditionalSentinels)
        {
            if (conditional.Condition(frames))
            {
                var index = frames.IndexOf(conditional.Sentinel);
                if (index >= 0 && (sentinelIndex < 0 || index < sentinelIndex))
                {
                    sentinelIndex = index;
                }
            }
        }

        var debug = state?.IsDebugEnabled == true ? state : null;
        if (debug is not null && ReferenceEquals(lists, SignatureLists.Default))
        {
            debug.AddDebug("using included signature lists");
        }
        else if (debug is not null && lists.Directory is { } directory)
        {
            debug.AddDebug("using signature lists from " + directory);
        }

        var start = 0;
        if (sentinelIndex >= 0)
        {
            debug?.AddDebug($"sentinel; starting at \"{frames[sentinelIndex]}\" index {sentinelIndex}");
            start = sentinelIndex;
        }

        var kept = new List<string>();
        for (var i = start; i < frames.Count; i++)
        {
            var frame = frames[i];
            if (frame.Length == 0)
            {
                debug?.AddDebug("empty string; ignoring: \"\"");
                continue;
            }

            if (lists.IsIrrelevant(frame))
            {
                debug?.AddDebug($"irrelevant; ignoring: \"{frame}\"");
                continue;
            }

            // Socorro drops a repeated module frame without a debug line.
            if (!frame.StartsWith("(unloaded", StringComparison.Ordinal) && IsMergeableModuleFrame(frame)
                && kept.Count > 0 && kept[^1] == frame)
            {
                continue;
            }

            kept.Add(frame);
            if (!lists.IsPrefix(frame))
            {
                debug?.AddDebug($"not a prefix; stop: \"{frame}\"");
                break;
            }

            debug?.AddDebug($"prefix; continue iterating: \"{frame}\"");
        }

        if (kept.Count > 0)
        {
            return (string.Join(" | ", kept), null);
        }

        var note = "CSignatureTool: no frame data for crashing thread (" + FormatInt(crashingThread) + ")";
        return (start < frames.Count ? frames[start] : "EMPTY: no frame data available", [note]);
    }

    private static string FormatInt(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue
            ? ((long)value).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsMergeableModuleFrame(string frame) =>
        PyText.LowerEndsWith(frame, ".dll") || PyText.LowerEndsWith(frame, ".so")
        || frame == "XUL" || frame == "<name omitted>" || frame.StartsWith("<unknown in", StringComparison.Ordinal);

    /// <summary>Socorro's <c>JavaSignatureTool</c> over <c>java_stack_trace</c>.</summary>
    internal static (string Signature, List<string> Notes) JavaStackTraceSignature(PyValue trace)
    {
        var notes = new List<string>();
        var lines = trace.IsStr ? PyText.SplitLines(trace.Str) : null;
        if (lines is not { Count: > 0 })
        {
            notes.Add("JavaSignatureTool: stack trace not in expected format");
            return ("EMPTY: Java stack trace not in expected format", notes);
        }

        var first = PyText.Strip(lines[0]);
        string exceptionClass;
        string description;
        var colon = first.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            exceptionClass = PyText.Strip(first[..colon]);
            description = PyText.Strip(HexAddress().Replace(first[(colon + 1)..], "@<addr>"));
        }
        else
        {
            exceptionClass = first;
            description = string.Empty;
            notes.Add("JavaSignatureTool: stack trace line 1 is not in the expected format");
        }

        string method;
        if (lines.Count > 1)
        {
            method = JavaLineNumber().Replace(PyText.Strip(lines[1]), ".java)");
            if (method.Length == 0)
            {
                notes.Add("JavaSignatureTool: stack trace line 2 is empty");
            }
        }
        else
        {
            notes.Add("JavaSignatureTool: stack trace line 2 is missing");
            method = string.Empty;
        }

        // Bug 865142: the colon between description and method is only there when the
        // description ends with an address.
        string signature = description.EndsWith("<addr>", StringComparison.Ordinal)
            ? JoinNonEmpty(": ", exceptionClass, description, method)
            : JoinNonEmpty(": ", exceptionClass, JoinNonEmpty(" ", description, method));

        if (PyText.CodePointLength(signature) > SignatureMaxLength)
        {
            signature = exceptionClass + ": " + method;
            notes.Add("JavaSignatureTool: dropped Java exception description due to length");
        }

        return (signature, notes);
    }

    private static string JoinNonEmpty(string separator, params string[] parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(separator);
            }

            builder.Append(part);
        }

        return builder.ToString();
    }

    /// <summary>Socorro's <c>JavaExceptionSignatureTool</c> over <c>java_exception</c>.</summary>
    internal static (string Signature, List<string> Notes) JavaExceptionSignature(PyValue exception)
    {
        if (exception.Kind != PyKind.Dict || !TryGetPath(exception, out var stacktrace) || !stacktrace.IsTruthy)
        {
            return ("EMPTY: Java exception not in expected format", ["JavaExceptionSignatureTool: value not in expected format"]);
        }

        if (stacktrace.Kind != PyKind.Dict)
        {
            throw PyErrors.NoAttribute(stacktrace, "get");
        }

        // stacktrace.get("module", "") and .get("type", "Unknown"): a null stays None.
        var module = GetOrDefault(stacktrace, "module", string.Empty);
        var type = GetOrDefault(stacktrace, "type", "Unknown");
        var exceptionClass = module.IsTruthy && type.IsTruthy ? module.ToString() + "." + type.ToString() : type.ToString();

        // Every frame is normalized (and may raise); the signature shows the first.
        string? first = null;
        foreach (var frame in Py.IterateOrEmpty(stacktrace.Dict.Get("frames")))
        {
            var normalized = NormalizeJavaFrame(frame);
            first ??= normalized.ToString();
        }

        return (first is null ? exceptionClass : exceptionClass + ": at " + first, []);
    }

    /// <summary>
    /// Socorro's <c>JavaExceptionSignatureTool.normalize_frame</c>: <c>module.function</c>, or
    /// whichever of the two is set, then <c>(filename)</c> when there is a name; <c>unknown</c>
    /// when there is neither (without the filename). A name that is not a string is kept as it is.
    /// </summary>
    internal static PyValue NormalizeJavaFrame(PyValue frame)
    {
        if (frame.Kind != PyKind.Dict)
        {
            throw PyErrors.NoAttribute(frame, "get");
        }

        var module = GetOrDefault(frame, "module", string.Empty);
        var function = GetOrDefault(frame, "function", string.Empty);
        PyValue name;
        if (module.IsTruthy && function.IsTruthy)
        {
            // ".".join([module, function]) takes only strings.
            name = !module.IsStr ? throw JoinTypeError(0, module)
                : !function.IsStr ? throw JoinTypeError(1, function)
                : PyValue.FromString(module.Str + "." + function.Str);
        }
        else
        {
            name = module.IsTruthy ? module : function.IsTruthy ? function : PyValue.FromString(string.Empty);
        }

        var filename = GetOrDefault(frame, "filename", string.Empty);
        return !name.IsTruthy ? PyValue.FromString("unknown")
            : filename.IsTruthy ? PyValue.FromString(name.ToString() + "(" + filename.ToString() + ")")
            : name;
    }

    private static PyException JoinTypeError(int index, PyValue item) =>
        PyErrors.TypeError($"sequence item {index}: expected str instance, {item.TypeName} found");

    // dict.get(key, default): the default only for an absent key.
    private static PyValue GetOrDefault(PyValue dict, string key, string defaultValue)
    {
        var value = dict.Dict.Get(key);
        return value.IsMissing ? PyValue.FromString(defaultValue) : value;
    }

    // glom(source, "exception.values.0.stacktrace"): dicts by key, lists by int(segment).
    private static bool TryGetPath(PyValue value, out PyValue result)
    {
        result = value;
        foreach (var segment in (ReadOnlySpan<string>)["exception", "values", "0", "stacktrace"])
        {
            switch (result.Kind)
            {
                case PyKind.Dict:
                    result = result.Dict.Get(segment);
                    if (result.IsMissing)
                    {
                        return false;
                    }

                    break;
                case PyKind.List when int.TryParse(segment, out var index):
                    var items = result.List;
                    if (index < 0)
                    {
                        index += items.Length;
                    }

                    if (index < 0 || index >= items.Length)
                    {
                        return false;
                    }

                    result = items[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    [GeneratedRegex("@[0-9a-f]{8}", RegexOptions.CultureInvariant)]
    private static partial Regex HexAddress();

    [GeneratedRegex(@"\.java\:\d+\)$", RegexOptions.CultureInvariant)]
    private static partial Regex JavaLineNumber();
}
