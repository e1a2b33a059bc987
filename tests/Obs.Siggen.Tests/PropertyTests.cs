using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Obs.Siggen.Tests;

/// <summary>
/// Arbitrary JSON values in every field the rules read, at every level (crash data, thread,
/// frame, inline, unloaded module, Java exception): Generate never throws, and the signature is
/// printable ASCII of at most 255 characters.
/// </summary>
public sealed class PropertyTests
{
    private static readonly string[] TopLevelFields =
    [
        "os", "reason", "crashing_thread", "threads", "java_stack_trace", "java_exception", "oom_allocation_size",
        "abort_message", "hang", "async_shutdown_timeout", "ipc_channel_error", "ipc_message_name",
        "additional_minidumps", "mdsw_status_string", "js_large_allocation_failure",
    ];

    private static readonly string[] FrameFields = ["function", "module", "file", "line", "offset", "module_offset", "inlines", "unloaded_modules"];

    private static readonly string[] InterestingStrings =
    [
        "", " ", "  ", "Windows NT", "EXCEPTION_STACK_OVERFLOW", "STATUS_DEVICE_DATA_ERROR", "STATUS_NO_MEMORY", "Reporting",
        "ERROR_NOT_ENOUGH_MEMORY", "RunWatchdog", "js_Interpret", "0", "-1", " 1 ", "1_0", "abc", "0x0000ff", "zz",
        "upload_file_minidump_browser", "###!!! ABORT: file x", "x###!!! ABORT: y: file z", "unable to find a usable font (x",
        "{\"phase\": \"p\", \"conditions\": [{\"name\": \"n\"}, 1, null]}", "{\"conditions\": [{}]}", "[1]", "{not json",
        "foo<bar", "operator()(int)", "a  ", "void f(int) [clone .cold]", "IPC::ParamTraits<x<y>>::Write(", "`anonymous namespace'",
        "hg:hg.mozilla.org/m:src/lib.rs:abc", "c:\\x\\y.rs", "/abs/path/", "src/libcore/panicking.rs", "panic", "\u0130\u03a3",
        "\ud800", "\ud83d\ude00", "\u001c\u2028\u0085", "java.lang.E: desc @0badf00d\n\tat a.b(C.java:1)", "E\u000bx",
        new string('x', 300), new string('\u00e9', 300),
    ];

    private static Gen<string> StringLiteral() =>
        Gen.OneOf(
            Gen.Elements(InterestingStrings),
            ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty))
        .Select(Quote);

    // Every character escaped, so lone surrogates reach the parser as Python's json.loads would see them.
    private static string Quote(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is >= ' ' and < '\u007f' and not '"' and not '\\')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return builder.Append('"').ToString();
    }

    private static Gen<string> Scalar() =>
        Gen.OneOf(
            Gen.Constant("null"),
            Gen.Elements("true", "false"),
            Gen.Choose(-3, 300000).Select(i => i.ToString(CultureInfo.InvariantCulture)),
            Gen.Elements("99999999999999999999999", "-0", "1e400", "2.5", "7.0", "-1e-7", "0.0"),
            StringLiteral());

    private static Gen<string> Value(int depth, string[] keys) =>
        depth <= 0
            ? Scalar()
            : Gen.OneOf(
                Scalar(),
                Scalar(),
                Between(Value(depth - 1, keys), 0, 3).Select(items => "[" + string.Join(",", items) + "]"),
                Object(depth - 1, keys));

    private static Gen<string> Object(int depth, string[] keys) =>
        Between(
                Gen.Elements(keys).SelectMany(key => Value(depth, keys).Select(value => Quote(key) + ":" + value)),
                0, 5)
            .Select(members => "{" + string.Join(",", members) + "}");

    private static readonly string[] AnyKeys =
        [.. TopLevelFields, .. FrameFields, "frames", "last_error_value", "exception", "values", "stacktrace", "type", "filename", "phase", "conditions", "name", "0"];

    private static Gen<string> Frame() =>
        Gen.OneOf(
            Gen.Constant(1).SelectMany(_ => Between(Gen.Elements(FrameFields).SelectMany(key => FieldValue(key).Select(v => Quote(key) + ":" + v)), 0, 6)
                .Select(members => "{" + string.Join(",", members) + "}")),
            Value(1, AnyKeys));

    private static Gen<string> FieldValue(string key) => key switch
    {
        "inlines" or "unloaded_modules" => Gen.OneOf(
            Between(Object(1, FrameFields), 0, 3).Select(items => "[" + string.Join(",", items) + "]"),
            Value(1, AnyKeys)),
        _ => Value(1, AnyKeys),
    };

    private static Gen<string> Thread() =>
        Gen.OneOf(
            Between(Frame(), 0, 8).SelectMany(frames => Value(0, AnyKeys).Select(lastError =>
                "{\"frames\":[" + string.Join(",", frames) + "],\"last_error_value\":" + lastError + "}")),
            Value(1, AnyKeys));

    private static Gen<string> CrashDataJson() =>
        Between(
                Gen.Elements(TopLevelFields).SelectMany(key => key switch
                {
                    "threads" => Gen.OneOf(
                        Between(Thread(), 0, 3).Select(threads => "[" + string.Join(",", threads) + "]"),
                        Value(1, AnyKeys)),
                    "java_exception" => Gen.OneOf(
                        Value(3, AnyKeys),
                        Gen.Constant("{\"exception\":{\"values\":[{\"stacktrace\":").SelectMany(prefix => Value(2, AnyKeys).Select(st => prefix + st + "}]}}"))),
                    _ => Value(2, AnyKeys),
                }).Select(value => value),
                0, 10)
            .SelectMany(values => Gen.Shuffle(TopLevelFields).Select(keys =>
                "{" + string.Join(",", values.Select((value, i) => Quote(keys[i % keys.Length]) + ":" + value)) + "}"));

    private static Gen<List<T>> Between<T>(Gen<T> item, int min, int max) =>
        Gen.Choose(min, max).SelectMany(count => Gen.ListOf(item, count));

    private static bool IsValidSignature(string signature) =>
        signature.Length <= 255 && signature.All(c => c is >= ' ' and <= '~');

    [Property(MaxTest = 400)]
    public Property Arbitrary_json_never_throws_and_gives_a_printable_signature() =>
        Prop.ForAll(CrashDataJson().ToArbitrary(), json =>
        {
            var result = Siggen.Default.GenerateFromJson(Encoding.UTF8.GetBytes(json), includeDebugLog: true);
            return IsValidSignature(result.Signature)
                .Label($"signature \"{result.Signature}\" for {json}");
        });

    [Property(MaxTest = 200)]
    public Property Arbitrary_strings_in_the_typed_model_never_throw(string? function, string? module, string? file, long? line, string? abort, string? shutdown, string? reason, string? javaTrace)
    {
        var data = new CrashData
        {
            Os = "Windows NT",
            Reason = reason,
            AbortMessage = abort,
            AsyncShutdownTimeout = shutdown,
            IpcChannelError = module,
            IpcMessageName = file,
            Hang = function,
            JavaStackTrace = line is > 0 ? javaTrace : null,
            Threads = [new CrashThread { Frames = [new CrashFrame { Function = function, Module = module, File = file, Line = line, Offset = reason }, new CrashFrame { Function = "RunWatchdog" }] }],
        };

        var result = Siggen.Default.Generate(data);
        return IsValidSignature(result.Signature).Label($"signature \"{result.Signature}\"");
    }

    [Fact]
    public void The_json_generator_reaches_rule_failures()
    {
        // Guards the property above against a generator too tame to exercise failure paths.
        var samples = Gen.Sample(CrashDataJson(), 300);
        var failures = samples.Count(json => Siggen.Run(json).Notes.Any(note => note.Contains("Rule failed: ", StringComparison.Ordinal)));
        Assert.True(failures > 10, $"{failures} of {samples.Length} samples made a rule fail");
    }
}
