using Obs.Siggen.Python;

namespace Obs.Siggen;

/// <summary>One thread of the crashed process: its frames, innermost first.</summary>
/// <remarks>
/// A thread read from JSON keeps its JSON text and parses it on first use: the rules only look
/// at the crashing thread (and thread 0 for shutdown hangs), so the other threads of a report
/// are never decoded. Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class CrashThread
{
    private readonly byte[]? _json;
    private ThreadBody? _body;

    /// <summary>Creates an empty thread; set its properties with an object initializer.</summary>
    public CrashThread()
    {
    }

    internal CrashThread(byte[] json)
    {
        _json = json;
    }

    internal CrashThread(ThreadBody body)
    {
        _body = body;
    }

    /// <summary>Stack frames, innermost first (<c>frames</c>).</summary>
    public IReadOnlyList<CrashFrame>? Frames { get => Body.FrameList; init => Body.FrameList = value; }

    /// <summary>Windows <c>GetLastError()</c> value (<c>last_error_value</c>), e.g. <c>ERROR_NOT_ENOUGH_MEMORY</c>.</summary>
    public string? LastErrorValue
    {
        get => CrashData.AsString(Body.LastErrorValue);
        init => Body.LastErrorValue = PyValue.FromOptional(value);
    }

    internal IReadOnlyList<CrashFrame>? FrameList => Body.FrameList;

    internal PyValue FramesNonList => Body.FramesNonList;

    internal PyValue LastErrorValueValue => Body.LastErrorValue;

    internal PyValue NonMapping => Body.NonMapping;

    internal bool IsMapping => Body.NonMapping.IsMissing;

    private ThreadBody Body
    {
        get
        {
            var body = Volatile.Read(ref _body);
            if (body is not null)
            {
                return body;
            }

            // Racing threads may both parse; the bodies are equal and one of them wins.
            body = _json is null ? new ThreadBody() : CrashDataJson.ParseThread(_json);
            return Interlocked.CompareExchange(ref _body, body, null) ?? body;
        }
    }
}

/// <summary>The content of a <see cref="CrashThread"/>, built at once (typed model) or on first use (JSON).</summary>
internal sealed class ThreadBody
{
    public IReadOnlyList<CrashFrame>? FrameList;

    // JSON input only: "frames" that is not an array, or a thread entry that is not an object.
    public PyValue FramesNonList;
    public PyValue NonMapping;
    public PyValue LastErrorValue;
}

/// <summary>One stack frame as the stackwalker reports it.</summary>
public sealed class CrashFrame
{
    internal PyValue FunctionValue;
    internal PyValue ModuleValue;
    internal PyValue FileValue;
    internal PyValue LineValue;
    internal PyValue OffsetValue;
    internal PyValue NonMapping;
    internal PyValue InlinesNonList;
    internal PyValue UnloadedModulesNonList;
    internal IReadOnlyList<CrashInlineFrame>? InlineList;
    internal IReadOnlyList<CrashUnloadedModule>? UnloadedModuleList;

    /// <summary>Function name with arguments, as symbolicated (<c>function</c>).</summary>
    public string? Function { get => CrashData.AsString(FunctionValue); init => FunctionValue = PyValue.FromOptional(value); }

    /// <summary>Module (library) name (<c>module</c>).</summary>
    public string? Module { get => CrashData.AsString(ModuleValue); init => ModuleValue = PyValue.FromOptional(value); }

    /// <summary>Source file, plain or VCS-qualified like <c>hg:hg.mozilla.org/…:path:rev</c> (<c>file</c>).</summary>
    public string? File { get => CrashData.AsString(FileValue); init => FileValue = PyValue.FromOptional(value); }

    /// <summary>Source line (<c>line</c>).</summary>
    public long? Line { get => LineValue.TryGetInt64(out var v) ? v : null; init => LineValue = PyValue.FromOptional(value); }

    /// <summary>Absolute instruction address as hex text (<c>offset</c>), e.g. <c>0x00007ff6</c>.</summary>
    public string? Offset { get => CrashData.AsString(OffsetValue); init => OffsetValue = PyValue.FromOptional(value); }

    /// <summary>Inlined calls at this address, innermost first (<c>inlines</c>).</summary>
    public IReadOnlyList<CrashInlineFrame>? Inlines { get => InlineList; init => InlineList = value; }

    /// <summary>Modules that were unloaded from this address (<c>unloaded_modules</c>).</summary>
    public IReadOnlyList<CrashUnloadedModule>? UnloadedModules { get => UnloadedModuleList; init => UnloadedModuleList = value; }

    internal bool IsMapping => NonMapping.IsMissing;
}

/// <summary>An inlined call within a <see cref="CrashFrame"/>.</summary>
public sealed class CrashInlineFrame
{
    internal PyValue FunctionValue;
    internal PyValue FileValue;
    internal PyValue LineValue;
    internal PyValue NonMapping;

    /// <summary>Inlined function name (<c>function</c>).</summary>
    public string? Function { get => CrashData.AsString(FunctionValue); init => FunctionValue = PyValue.FromOptional(value); }

    /// <summary>Source file (<c>file</c>).</summary>
    public string? File { get => CrashData.AsString(FileValue); init => FileValue = PyValue.FromOptional(value); }

    /// <summary>Source line (<c>line</c>).</summary>
    public long? Line { get => LineValue.TryGetInt64(out var v) ? v : null; init => LineValue = PyValue.FromOptional(value); }

    internal bool IsMapping => NonMapping.IsMissing;
}

/// <summary>A module that was loaded at a frame's address before it was unloaded.</summary>
public sealed class CrashUnloadedModule
{
    internal PyValue ModuleValue;
    internal PyValue NonMapping;

    /// <summary>Module name (<c>module</c>).</summary>
    public string? Module { get => CrashData.AsString(ModuleValue); init => ModuleValue = PyValue.FromOptional(value); }

    internal bool IsMapping => NonMapping.IsMissing;
}
