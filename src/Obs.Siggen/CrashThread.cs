using Obs.Siggen.Python;

namespace Obs.Siggen;

/// <summary>One thread of the crashed process: its frames, innermost first.</summary>
public sealed class CrashThread
{
    internal PyValue LastErrorValueValue;

    // JSON input only: a thread entry that is not an object, or "frames" that is not an array.
    internal PyValue NonMapping;
    internal PyValue FramesNonList;
    internal IReadOnlyList<CrashFrame>? FrameList;

    /// <summary>Stack frames, innermost first (<c>frames</c>).</summary>
    public IReadOnlyList<CrashFrame>? Frames { get => FrameList; init => FrameList = value; }

    /// <summary>Windows <c>GetLastError()</c> value (<c>last_error_value</c>), e.g. <c>ERROR_NOT_ENOUGH_MEMORY</c>.</summary>
    public string? LastErrorValue
    {
        get => CrashData.AsString(LastErrorValueValue);
        init => LastErrorValueValue = PyValue.FromOptional(value);
    }

    internal bool IsMapping => NonMapping.IsMissing;
}

/// <summary>One stack frame as the stackwalker reports it.</summary>
public sealed class CrashFrame
{
    internal PyValue FunctionValue;
    internal PyValue ModuleValue;
    internal PyValue FileValue;
    internal PyValue LineValue;
    internal PyValue OffsetValue;
    internal PyValue ModuleOffsetValue;
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

    /// <summary>Address relative to the module (<c>module_offset</c>); not used by the rules.</summary>
    public string? ModuleOffset { get => CrashData.AsString(ModuleOffsetValue); init => ModuleOffsetValue = PyValue.FromOptional(value); }

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
