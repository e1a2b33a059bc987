using Obs.Siggen.Python;

namespace Obs.Siggen.Rules;

/// <summary>
/// Turns one stack frame into its signature text (Socorro's <c>CSignatureTool.normalize_frame</c>
/// and the C++/Rust function normalizers).
/// </summary>
internal sealed class FrameNormalizer(SignatureLists lists)
{
    /// <summary>
    /// Rust 1.34 symbols lost their module path for a few core/std functions; the file tells
    /// which function it was (bug 1544246).
    /// </summary>
    internal static readonly Dictionary<(string File, string Function), string> FileFunctionToFunction = new()
    {
        [("src/liballoc/raw_vec.rs", "capacity_overflow")] = "alloc::raw_vec::capacity_overflow",
        [("src/libcore/option.rs", "expect_failed")] = "core::option::expect_failed",
        [("src/libcore/panicking.rs", "panic_bounds_check")] = "core::panicking::panic_bounds_check",
        [("src/libcore/panicking.rs", "panic_fmt")] = "core::panicking::panic_fmt",
        [("src/libcore/panicking.rs", "panic")] = "core::panicking::panic",
        [("src/libcore/slice/mod.rs", "slice_index_order_fail")] = "core::slice::slice_index_order_fail",
        [("src/libstd/panicking.rs", "begin_panic_fmt")] = "std::panicking::begin_panic_fmt",
        [("src/libstd/panicking.rs", "continue_panic_fmt")] = "std::panicking::continue_panic_fmt",
        [("src/libstd/panicking.rs", "rust_panic_with_hook")] = "std::panicking::rust_panic_with_hook",
    };

    private static readonly HashSet<string> FixableFunctions = [.. FileFunctionToFunction.Keys.Select(key => key.Function)];

    private static readonly int LongestFixableFunction = FileFunctionToFunction.Keys.Max(key => key.Function.Length);

    private static readonly string[] QualifierSuffixes = ["const", "const&", "const &", "&&", "&"];

    /// <summary>
    /// The signature text of one frame, in Socorro's precedence order; <paramref name="function"/>
    /// and <paramref name="module"/> are the entry's values after Socorro's substitutions.
    /// </summary>
    public string Normalize(in FrameView frame, PyValue function, PyValue module)
    {
        var file = frame.File;
        var line = frame.Line;

        // 1. A function name: Rust rules when the source file is Rust, C++ rules otherwise. A
        // truthy file is a string here: FixMissingModule has already rejected any other.
        if (function.IsTruthy)
        {
            if (file.IsTruthy && IsRustSource(file.Str))
            {
                // The Rust rules start by iterating the name; the C++ rules by calling endswith.
                return NormalizeRustFunction(function.IsStr ? function.Str : throw PyErrors.NotIterable(function), line);
            }

            return NormalizeCppFunction(function.IsStr ? function.Str : throw PyErrors.NoAttribute(function, "endswith"), line);
        }

        // 2. File and line: the file's base name and the line.
        if (file.IsTruthy && line.IsTruthy)
        {
            var path = PyText.RStrip(file.Str, "/\\");
            var separator = path.Contains('\\', StringComparison.Ordinal) ? '\\' : '/';
            var baseName = path[(path.LastIndexOf(separator) + 1)..];
            return baseName + "#" + line.ToString();
        }

        // 3. The module, without brackets ("[vdso]" is "vdso"; bug 1926077).
        if (module.IsTruthy)
        {
            return PyText.Strip(module.IsStr ? module.Str : throw PyErrors.NoAttribute(module, "strip"), "[]");
        }

        // 4. The first unloaded module.
        if (frame.UnloadedModuleName(out var unloaded))
        {
            return "(unloaded " + unloaded.ToString() + ")";
        }

        // 5. The address, without leading zeros.
        var offset = frame.Offset;
        if (offset.IsTruthy)
        {
            return "@" + (offset.IsStr ? PyText.HexOfInt16(offset.Str) ?? offset.Str : offset.ToString());
        }

        return string.Empty;
    }

    private static bool IsRustSource(string file)
    {
        var (start, length) = FrameText.SourceFileRange(file);
        return start >= 0 && file.AsSpan(start, length).EndsWith(".rs", StringComparison.Ordinal);
    }

    /// <summary>Socorro's <c>normalize_cpp_function</c>.</summary>
    public string NormalizeCppFunction(string function, PyValue line)
    {
        // cv/ref qualifiers, each suffix checked once, in order, with no word boundary.
        foreach (var suffix in QualifierSuffixes)
        {
            if (function.EndsWith(suffix, StringComparison.Ordinal))
            {
                function = PyText.Strip(function[..^suffix.Length]);
            }
        }

        // Operator overloads are left alone: "bool nsFoo::operator==(...)" keeps its "bool ".
        if (!function.Contains("::operator", StringComparison.Ordinal))
        {
            function = FrameText.DropPrefixAndReturnType(function);
        }

        function = function.Replace("`anonymous namespace'", "(anonymous namespace)", StringComparison.Ordinal);
        function = FrameText.ReplaceLambdaNumbers(function);

        function = FrameText.CollapseTypes(function);
        function = FrameText.CollapseArguments(function);
        if (function.Contains("clone .cold", StringComparison.Ordinal))
        {
            function = FrameText.DropBracketed(function);
        }

        function = AppendLineNumber(function, line);
        return FixSpacing(function);
    }

    /// <summary>Socorro's <c>normalize_rust_function</c>.</summary>
    public string NormalizeRustFunction(string function, PyValue line)
    {
        function = FrameText.DropPrefixAndReturnType(function);
        function = FrameText.CollapseRustTypes(function);
        function = FrameText.DropArguments(function);
        function = AppendLineNumber(function, line);
        function = FixSpacing(function);
        return function.Contains("::h", StringComparison.Ordinal) ? FrameText.RustHash().Replace(function, string.Empty) : function;
    }

    private string AppendLineNumber(string function, PyValue line) =>
        lists.TakesLineNumber(function) ? function + ":" + line.ToString() : function;

    private static string FixSpacing(string function)
    {
        return FrameText.AddSpaceAfterComma(FrameText.RemoveSpaceBeforePointer(function));
    }

    /// <summary>
    /// Socorro's <c>fix_missing_module</c>: the full Rust name for a known (file, function), else
    /// the function. It runs on every entry: <c>parse_source_file</c> splits any truthy file (a
    /// non-string one has no <c>split</c>), and the (file, function) pair is hashed as a dictionary
    /// key whatever the function is (a list or an object is unhashable).
    /// </summary>
    public static PyValue FixMissingModule(PyValue function, PyValue file)
    {
        if (file.IsTruthy && !file.IsStr)
        {
            throw PyErrors.NoAttribute(file, "split");
        }

        Py.RequireHashable(function);

        // Parsing the file cannot fail from here on, so it waits until the function could match.
        if (file.IsTruthy && function.IsStr && function.Str.Length <= LongestFixableFunction && FixableFunctions.Contains(function.Str)
            && FrameText.ParseSourceFile(file.Str) is { } source
            && FileFunctionToFunction.TryGetValue((source, function.Str), out var fixedName))
        {
            return PyValue.FromString(fixedName);
        }

        return function;
    }
}

/// <summary>
/// One entry of the frame list as Socorro's <c>frame_generator</c> yields it: an inlined call
/// (function/file/line of the inline, module/offset of its frame) or the frame itself.
/// </summary>
internal readonly struct FrameView(CrashFrame frame, CrashInlineFrame? inline)
{
    public PyValue Function => inline is null ? frame.FunctionValue : inline.FunctionValue;

    public PyValue File => inline is null ? frame.FileValue : inline.FileValue;

    public PyValue Line => inline is null ? frame.LineValue : inline.LineValue;

    public PyValue Module => frame.ModuleValue;

    public PyValue Offset => frame.OffsetValue;

    /// <summary><c>unloaded_modules[0].get("module")</c> when <c>unloaded_modules</c> is truthy (inlined entries have none).</summary>
    public bool UnloadedModuleName(out PyValue name)
    {
        name = PyValue.None;
        if (inline is not null)
        {
            return false;
        }

        if (frame.UnloadedModuleList is { } modules)
        {
            if (modules.Count == 0)
            {
                return false;
            }

            var first = modules[0];
            if (!first.IsMapping)
            {
                throw PyErrors.NoAttribute(first.NonMapping, "get");
            }

            name = first.ModuleValue;
            return true;
        }

        var raw = frame.UnloadedModulesNonList;
        if (!raw.IsTruthy)
        {
            return false;
        }

        // A truthy non-list: str[0] is a str, dict[0] a KeyError, numbers are not subscriptable.
        throw raw.Kind switch
        {
            PyKind.Str => PyErrors.NoAttribute(raw, "get"),
            PyKind.Dict => PyErrors.KeyError("0"),
            _ => PyErrors.NotSubscriptable(raw),
        };
    }
}
