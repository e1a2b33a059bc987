using System.Runtime.InteropServices;
using System.Text.Json;
using Obs.Siggen.Python;

namespace Obs.Siggen;

/// <summary>
/// Reads crash data (and processed crashes) from JSON in one forward pass, keeping each value's
/// JSON type so the rules see what Socorro's Python code would see after <c>json.loads</c>.
/// </summary>
internal static class CrashDataJson
{
    internal static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    public static CrashData Parse(ReadOnlySpan<byte> utf8Json, bool processed)
    {
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        if (!reader.Read())
        {
            throw new JsonException("the input is empty");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException(processed ? "a processed crash must be a JSON object" : "crash data must be a JSON object");
        }

        var data = processed ? ReadProcessedCrash(ref reader, utf8Json) : ReadCrashData(ref reader, utf8Json);
        if (reader.Read())
        {
            throw new JsonException("unexpected data after the JSON object");
        }

        return data;
    }

    public static CrashData FromCrashData(JsonElement element)
    {
        RequireObject(element, "crash data");
        return Parse(JsonMarshal.GetRawUtf8Value(element), processed: false);
    }

    public static CrashData FromProcessedCrash(JsonElement element)
    {
        RequireObject(element, "a processed crash");
        return Parse(JsonMarshal.GetRawUtf8Value(element), processed: true);
    }

    private static void RequireObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"{what} must be a JSON object");
        }
    }

    private static CrashData ReadCrashData(ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
    {
        var data = new CrashData();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            var key = escaped ? JsonStrings.Get(ref reader) : null;
            reader.Read();
            if (Is(name, escaped, key, "threads"u8))
            {
                ReadThreadsValue(ref reader, source, data.CrashingThreadValue, out data.ThreadList, out data.ThreadsByKey);
            }
            else if (!TryReadTopLevel(ref reader, data, name, escaped, key))
            {
                reader.Skip();
            }
        }

        return data;
    }

    // The scalar (and free-form) crash-data fields, shared by both input shapes.
    private static bool TryReadTopLevel(ref Utf8JsonReader reader, CrashData data, ReadOnlySpan<byte> name, bool escaped, string? key)
    {
        if (Is(name, escaped, key, "os"u8)) { data.OsValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "reason"u8)) { data.ReasonValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "crashing_thread"u8)) { data.CrashingThreadValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "java_stack_trace"u8)) { data.JavaStackTraceValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "java_exception"u8)) { data.JavaExceptionValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "oom_allocation_size"u8)) { data.OomAllocationSizeValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "abort_message"u8)) { data.AbortMessageValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "hang"u8)) { data.HangValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "async_shutdown_timeout"u8)) { data.AsyncShutdownTimeoutValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "ipc_channel_error"u8)) { data.IpcChannelErrorValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "ipc_message_name"u8)) { data.IpcMessageNameValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "additional_minidumps"u8)) { data.AdditionalMinidumpsValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "mdsw_status_string"u8)) { data.MdswStatusStringValue = PyValue.Read(ref reader); }
        else if (Is(name, escaped, key, "js_large_allocation_failure"u8)) { data.JsLargeAllocationFailureValue = PyValue.Read(ref reader); }
        else { return false; }

        return true;
    }

    private static bool Is(ReadOnlySpan<byte> name, bool escaped, string? key, ReadOnlySpan<byte> expected)
    {
        if (!escaped)
        {
            return name.SequenceEqual(expected);
        }

        return key is not null && key.Length == expected.Length && System.Text.Encoding.UTF8.GetString(expected) == key;
    }

    /// <summary>
    /// Reads <c>threads</c>: an array, or an object whose members glom's <c>"threads.N"</c> finds
    /// by name. In any other value glom finds nothing, so the crashing thread is <c>{}</c>.
    /// </summary>
    private static void ReadThreadsValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, PyValue crashingThread,
        out IReadOnlyList<CrashThread>? list, out Dictionary<string, CrashThread>? byKey)
    {
        list = null;
        byKey = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartArray:
                list = ReadThreads(ref reader, source, crashingThread);
                break;
            case JsonTokenType.StartObject:
                byKey = ReadThreadsByKey(ref reader, source, crashingThread);
                break;
            default:
                reader.Skip();
                break;
        }
    }

    // As json.loads builds a dict, a repeated member name keeps the last value.
    private static Dictionary<string, CrashThread> ReadThreadsByKey(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, PyValue crashingThread)
    {
        var wanted = WantedThread(crashingThread);
        var wantedName = wanted == UnknownThread ? null : wanted.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var threads = new Dictionary<string, CrashThread>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = JsonStrings.Get(ref reader);
            reader.Read();
            if (name == "0" || name == wantedName)
            {
                threads[name] = new CrashThread(ReadThread(ref reader));
                continue;
            }

            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            threads[name] = new CrashThread(source[start..(int)reader.BytesConsumed].ToArray());
        }

        return threads;
    }

    /// <summary>
    /// Reads the <c>threads</c> array. The threads the rules read (thread 0, and the crashing
    /// thread when its index is already known) are decoded now; every other thread keeps a copy
    /// of its JSON text and is decoded only if something asks for it. A report has dozens of
    /// threads, and only one or two of them matter for the signature.
    /// </summary>
    private static CrashThread[] ReadThreads(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, PyValue crashingThread)
    {
        var wanted = WantedThread(crashingThread);
        var threads = new List<CrashThread>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var index = threads.Count;
            if (index == 0 || index == wanted || (wanted == UnknownThread && index < EagerThreadsWhenUnknown))
            {
                threads.Add(new CrashThread(ReadThread(ref reader)));
                continue;
            }

            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            threads.Add(new CrashThread(source[start..(int)reader.BytesConsumed].ToArray()));
        }

        return [.. threads];
    }

    private const int UnknownThread = -1;
    private const int EagerThreadsWhenUnknown = 4;

    // The index get_crashing_thread() will give, when it is a known non-negative int.
    private static int WantedThread(PyValue crashingThread)
    {
        if (crashingThread.IsMissing)
        {
            return UnknownThread;
        }

        var index = PyText.ToInt(crashingThread, out var error);
        return error == PyIntError.None && index >= 0 && index < int.MaxValue ? (int)index
            : error is PyIntError.TypeError or PyIntError.ValueError ? 0
            : UnknownThread;
    }

    /// <summary>Decodes one thread's JSON text (an element of <c>threads</c>).</summary>
    public static ThreadBody ParseThread(byte[] json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        reader.Read();
        return ReadThread(ref reader);
    }

    private static ThreadBody ReadThread(ref Utf8JsonReader reader)
    {
        var thread = new ThreadBody();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            thread.NonMapping = PyValue.Read(ref reader);
            return thread;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            var key = escaped ? JsonStrings.Get(ref reader) : null;
            reader.Read();
            if (Is(name, escaped, key, "frames"u8))
            {
                thread.FrameList = ReadList(ref reader, ReadFrame, out thread.FramesNonList, capacity: 16);
            }
            else if (Is(name, escaped, key, "last_error_value"u8))
            {
                thread.LastErrorValue = PyValue.Read(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return thread;
    }

    private delegate T ItemReader<T>(ref Utf8JsonReader reader);

    /// <summary>
    /// A field Socorro iterates as a list: its items when it is a JSON array (and
    /// <see cref="PyValue.Missing"/> as <paramref name="nonList"/>), else null and the value
    /// itself, which the rules treat as Python would treat a non-list there.
    /// </summary>
    private static List<T>? ReadList<T>(ref Utf8JsonReader reader, ItemReader<T> readItem, out PyValue nonList, int capacity = 0)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            nonList = PyValue.Read(ref reader);
            return null;
        }

        var items = new List<T>(capacity);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(readItem(ref reader));
        }

        nonList = PyValue.Missing;
        return items;
    }

    private static CrashFrame ReadFrame(ref Utf8JsonReader reader)
    {
        var frame = new CrashFrame();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            frame.NonMapping = PyValue.Read(ref reader);
            return frame;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            var key = escaped ? JsonStrings.Get(ref reader) : null;
            reader.Read();
            if (Is(name, escaped, key, "function"u8)) { frame.FunctionValue = PyValue.Read(ref reader); }
            else if (Is(name, escaped, key, "module"u8)) { frame.ModuleValue = PyValue.Read(ref reader); }
            else if (Is(name, escaped, key, "file"u8)) { frame.FileValue = PyValue.Read(ref reader); }
            else if (Is(name, escaped, key, "line"u8)) { frame.LineValue = PyValue.Read(ref reader); }
            else if (Is(name, escaped, key, "offset"u8)) { frame.OffsetValue = PyValue.Read(ref reader); }
            else if (Is(name, escaped, key, "inlines"u8))
            {
                frame.InlineList = ReadList(ref reader, ReadInline, out frame.InlinesNonList);
            }
            else if (Is(name, escaped, key, "unloaded_modules"u8))
            {
                frame.UnloadedModuleList = ReadList(ref reader, ReadUnloadedModule, out frame.UnloadedModulesNonList);
            }
            else
            {
                reader.Skip();
            }
        }

        return frame;
    }

    private static CrashInlineFrame ReadInline(ref Utf8JsonReader reader)
    {
        var inline = new CrashInlineFrame();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            inline.NonMapping = PyValue.Read(ref reader);
            return inline;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            var key = escaped ? JsonStrings.Get(ref reader) : null;
            reader.Read();
            if (Is(name, escaped, key, "function"u8)) { inline.FunctionValue = PyValue.Read(ref reader); }
            else if (Is(name, escaped, key, "file"u8)) { inline.FileValue = PyValue.Read(ref reader); }
            else if (Is(name, escaped, key, "line"u8)) { inline.LineValue = PyValue.Read(ref reader); }
            else { reader.Skip(); }
        }

        return inline;
    }

    private static CrashUnloadedModule ReadUnloadedModule(ref Utf8JsonReader reader)
    {
        var module = new CrashUnloadedModule();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            module.NonMapping = PyValue.Read(ref reader);
            return module;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            var key = escaped ? JsonStrings.Get(ref reader) : null;
            reader.Read();
            if (Is(name, escaped, key, "module"u8))
            {
                module.ModuleValue = PyValue.Read(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return module;
    }

    // Socorro's convert_to_crash_data: annotations copied across, the stackwalker's output
    // (json_dump) supplies crashing_thread, reason, threads and os.
    private static CrashData ReadProcessedCrash(ref Utf8JsonReader reader, ReadOnlySpan<byte> source)
    {
        var data = new CrashData
        {
            // processed_crash.get("additional_minidumps", [])
            AdditionalMinidumpsValue = PyValue.FromList([]),
        };

        var hasJsonDump = false;
        PyValue crashingThread = PyValue.None, reason = PyValue.None, os = PyValue.None;
        IReadOnlyList<CrashThread>? threads = null;
        Dictionary<string, CrashThread>? threadsByKey = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            var key = escaped ? JsonStrings.Get(ref reader) : null;
            reader.Read();
            if (Is(name, escaped, key, "json_dump"u8))
            {
                hasJsonDump = true;
                crashingThread = reason = os = PyValue.None;
                threads = null;
                threadsByKey = null;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadJsonDump(ref reader, source, ref crashingThread, ref reason, ref os, ref threads, ref threadsByKey);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (Is(name, escaped, key, "oom_allocation_size"u8))
            {
                // int_or_none()
                var value = PyValue.Read(ref reader);
                var size = PyText.ToInt(value, out var error);
                data.OomAllocationSizeValue = error == PyIntError.None ? PyValue.FromInt(size) : PyValue.None;
            }
            else if (Is(name, escaped, key, "threads"u8) || Is(name, escaped, key, "os"u8) || Is(name, escaped, key, "reason"u8)
                || Is(name, escaped, key, "crashing_thread"u8))
            {
                // Only json_dump supplies these.
                reader.Skip();
            }
            else if (!TryReadTopLevel(ref reader, data, name, escaped, key))
            {
                reader.Skip();
            }
        }

        if (hasJsonDump)
        {
            data.CrashingThreadValue = crashingThread;
            data.ReasonValue = reason;
            data.OsValue = os;
            data.ThreadList = threads;
            data.ThreadsByKey = threadsByKey;
        }

        return data;
    }

    private static void ReadJsonDump(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, ref PyValue crashingThread, ref PyValue reason, ref PyValue os,
        ref IReadOnlyList<CrashThread>? threads, ref Dictionary<string, CrashThread>? threadsByKey)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            var key = escaped ? JsonStrings.Get(ref reader) : null;
            reader.Read();
            if (Is(name, escaped, key, "threads"u8))
            {
                ReadThreadsValue(ref reader, source, crashingThread.IsNone ? PyValue.Missing : crashingThread, out threads, out threadsByKey);
            }
            else if (Is(name, escaped, key, "crash_info"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                var info = PyValue.Read(ref reader).Dict;
                crashingThread = OrNone(info.Get("crashing_thread"));
                reason = OrNone(info.Get("type"));
            }
            else if (Is(name, escaped, key, "system_info"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                os = OrNone(PyValue.Read(ref reader).Dict.Get("os"));
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static PyValue OrNone(PyValue value) => value.IsMissing ? PyValue.None : value;
}
