using System.Text;

namespace Obs.Benchmarks.SymbolFiles;

/// <summary>
/// Makes up demangled C++ and Rust function names, source paths and mangled PUBLIC names that
/// look like those of a Firefox build (libxul mixes both languages), with a requested length so
/// that the generated file has the byte mix of the real one.
/// </summary>
internal sealed class SymbolNameGenerator
{
    private static readonly byte[][] RustCrates = Words(
        "core", "alloc", "std", "hashbrown", "serde", "serde_json", "style", "webrender", "wgpu_core", "naga", "neqo_transport",
        "glean_core", "rkv", "audioipc2", "url", "regex_automata", "encoding_rs", "smallvec", "crossbeam_channel", "rayon_core",
        "futures_util", "bytes", "euclid", "selectors", "cssparser", "fluent_bundle", "qcms", "mp4parse", "xpcom", "nsstring",
        "gkrust_shared", "webrender_bindings", "l10nregistry", "authenticator", "cert_storage", "midir", "wr_glyph_rasterizer");

    private static readonly byte[][] RustModules = Words(
        "ptr", "slice", "iter", "adapters", "map", "raw", "vec", "sort", "fmt", "str", "traits", "properties", "longhands", "values",
        "computed", "specified", "gecko", "wrapper", "stylist", "rule_tree", "invalidation", "frame_builder", "picture", "batch",
        "renderer", "device", "gl", "command", "resource", "track", "front", "wgsl", "lower", "connection", "stream", "recv_stream",
        "metrics", "database", "store", "de", "ser", "read", "sync", "mpsc", "thread", "local", "spec_extend", "into_iter",
        "validation", "backend", "parser", "matching", "cascade", "font", "glyph", "texture_cache", "internal_types", "api");

    private static readonly byte[][] RustTypes = Words(
        "Vec", "RawVec", "HashMap", "RawTable", "Arc", "Rc", "Box", "Option", "Result", "String", "Cow", "SmallVec",
        "ComputedValues", "StyleBuilder", "Stylist", "RuleTree", "PrimitiveInstance", "PictureCompositeMode", "Renderer",
        "Device", "CommandEncoder", "BufferTracker", "Module", "Connection", "Stream", "SendStream", "MetricType", "Database",
        "Deserializer", "Serializer", "Url", "Parser", "Tokenizer", "Iter", "IntoIter", "Map", "Filter", "Chain", "Zip",
        "Peekable", "RefCell", "Mutex", "RwLock", "Sender", "Receiver", "TextureCache", "GlyphRasterizer", "SpatialTree");

    private static readonly byte[][] RustTraits = Words(
        "core::ops::drop::Drop", "core::clone::Clone", "core::iter::traits::iterator::Iterator", "core::fmt::Debug",
        "core::fmt::Display", "serde::de::Deserialize", "serde::ser::Serialize", "core::cmp::PartialEq", "core::hash::Hash",
        "core::convert::From<&str>", "core::ops::function::FnOnce<()>", "alloc::vec::spec_extend::SpecExtend<T, I>",
        "style::values::computed::ToComputedValue", "core::default::Default", "core::ops::deref::Deref",
        "core::iter::traits::collect::FromIterator<T>", "serde::de::Visitor", "core::future::future::Future");

    private static readonly byte[][] RustFunctions = Words(
        "drop", "clone", "next", "fmt", "eq", "hash", "from", "call_once", "deserialize", "serialize", "visit_map", "visit_seq",
        "spec_extend", "to_computed_value", "cascade", "apply_declarations", "build_primitive", "prepare_prims", "update",
        "draw_frame", "process_input", "read_frame", "send_data", "record", "get_value", "with_capacity", "reserve_for_push",
        "grow_amortized", "finish_grow", "insert", "remove", "get_mut", "entry", "or_insert_with", "try_fold", "fold",
        "for_each", "collect", "extend", "new", "default", "poll", "deref", "from_iter", "rehash_in_place", "reserve_rehash");

    private static readonly byte[][] RustTypeArguments = Words(
        "u8", "u32", "usize", "&str", "alloc::string::String", "(usize, usize)", "style::values::computed::length::LengthPercentage",
        "webrender::prim_store::PrimitiveInstance", "alloc::sync::Arc<style::properties::ComputedValues>", "alloc::alloc::Global",
        "core::option::Option<u32>", "glean_core::metrics::Metric", "serde_json::value::Value", "wgpu_core::id::Id<wgpu_core::resource::Buffer<wgpu_hal::vulkan::Api>>",
        "dyn core::any::Any + core::marker::Send", "&mut [u8]", "neqo_transport::frame::Frame");

    private static readonly byte[][] CppNamespaces = Words(
        "mozilla", "dom", "js", "jit", "gc", "gfx", "layers", "ipc", "net", "image", "media", "webgpu", "a11y", "widget",
        "layout", "places", "storage", "extensions", "css", "detail", "frontend", "wasm", "intl", "glean", "loader",
        "workerinternals", "binding_detail", "HTMLMediaElement_Binding", "image_detail", "wr", "hal", "psm", "safebrowsing",
        "webrtc", "cubeb", "camera", "indexedDB", "quota", "cache", "fs", "ClientWebGLContext_Binding", "xpc");

    private static readonly byte[][] CppClasses = Words(
        "nsDocShell", "HTMLMediaElement", "CompositorBridgeParent", "WebRenderBridgeParent", "BrowsingContext", "ContentParent",
        "PresShell", "nsGlobalWindowInner", "Element", "Document", "nsTArray_Impl", "Maybe", "UniquePtr", "MozPromise", "Variant",
        "HashMapEntry", "Vector", "Span", "nsTSubstring", "nsBaseHashtable", "EventTarget", "BaseCompiler", "MacroAssemblerX86Shared",
        "LIRGenerator", "CodeGenerator", "TypedArrayObject", "ArrayBufferObject", "NativeObject", "GCRuntime", "Nursery",
        "TenuringTracer", "ScriptSource", "ParserBase", "BytecodeEmitter", "nsHttpChannel", "HttpChannelChild", "nsSocketTransport",
        "CacheEntry", "nsImageFrame", "nsBlockFrame", "nsLineLayout", "RetainedDisplayListBuilder", "DrawTargetSkia",
        "SourceSurfaceSharedData", "AudioCallbackDriver", "MediaDecoderStateMachine", "VideoFrameContainer", "TextureClient",
        "ImageBridgeChild", "CanonicalBrowsingContext", "WindowGlobalParent", "IDBTransaction", "ServiceWorkerManager",
        "ThreadEventQueue", "TaskController", "nsThread", "ReentrantMonitor", "nsCycleCollector", "XPCJSRuntime", "WrapperOwner");

    private static readonly byte[][] CppMethods = Words(
        "Run", "AddRef", "Release", "Init", "Shutdown", "HandleEvent", "DispatchEvent", "OnStartRequest", "OnDataAvailable",
        "OnStopRequest", "GetOrCreate", "AppendElement", "InsertElementAt", "EnsureCapacity", "RemoveElementsAt", "Clear",
        "Resolve", "Reject", "Then", "DoResolveOrRejectInternal", "Traverse", "Unlink", "DeleteCycleCollectable", "Trace",
        "Finalize", "Reflow", "BuildDisplayList", "Paint", "Composite", "UpdateTextures", "ProcessPendingUpdates", "MaybeNotify",
        "NotifyObservers", "ProcessNextEvent", "emitCall", "visitCall", "lowerBinary", "compileFunction", "emitTree",
        "traceChildren", "sweep", "markChildren", "allocate", "lookupForAdd", "putNew", "changeTableSize", "growStorageBy",
        "convertToHeapStorage", "RecvPBrowserConstructor", "OnMessageReceived", "ResolveOrReject", "~Impl", "operator()");

    private static readonly byte[][] CppTypeArguments = Words(
        "nsIURI", "nsCString", "nsString", "mozilla::dom::Element", "JSObject*", "unsigned int", "int", "bool",
        "mozilla::ipc::IPCResult", "RefPtr<mozilla::dom::Promise>", "nsTArrayInfallibleAllocator", "js::SystemAllocPolicy",
        "mozilla::MallocAllocPolicy", "char16_t", "unsigned char", "mozilla::gfx::IntSizeTyped<mozilla::gfx::UnknownUnits>",
        "JS::Value", "js::jit::MDefinition*", "js::HeapPtr<JSObject*>", "nsCOMPtr<nsIRunnable>", "mozilla::UniquePtr<char [], JS::FreePolicy>",
        "mozilla::dom::ClientInfo", "nsresult", "mozilla::CopyableErrorResult", "0ul", "true");

    private static readonly byte[][] CppParameters = Words(
        "", "void", "nsIURI*", "nsACString const&", "nsAString const&", "JSContext*", "JS::Handle<JSObject*>",
        "JS::MutableHandle<JS::Value>", "unsigned int", "int", "bool", "mozilla::ErrorResult&", "nsIRequest*", "nsresult",
        "mozilla::dom::GlobalObject const&", "unsigned long", "void*", "js::jit::LInstruction*", "mozilla::TimeStamp",
        "JSContext*, JS::Handle<JSObject*>, void*, JSJitMethodCallArgs const&", "nsIInputStream*, unsigned long, unsigned int");

    private static readonly byte[][] GeckoDirectories = Words(
        "dom", "js/src", "layout", "gfx", "netwerk", "toolkit", "widget", "xpcom", "ipc", "dom/media", "image", "editor",
        "security/manager", "storage", "modules/libpref", "servo/components/style", "gfx/wr/webrender/src", "mfbt",
        "third_party/libwebrtc/modules", "parser/html", "accessible", "docshell", "caps", "intl", "uriloader");

    private static readonly byte[][] SourceSubdirectories = Words(
        "base", "components", "events", "html", "media", "webaudio", "canvas", "workers", "jit", "x86-shared", "gc", "vm",
        "frontend", "wasm", "generic", "painting", "layers", "ipc", "src", "protocol/http", "cache2", "glue", "threads", "io",
        "streams", "build", "webrtc", "platform", "gtk", "shared", "bindings", "indexedDB", "serviceworkers", "style", "tables");

    private static readonly byte[][] CFunctions = Words(
        "__libc_csu_init", "__libc_csu_fini", "_start", "_init", "_fini", "sqlite3_step", "ffi_call_unix64", "__rust_probestack",
        "rust_eh_personality", "XRE_main", "NS_InitXPCOM", "moz_xmalloc", "je_malloc", "deregister_tm_clones",
        "register_tm_clones", "__do_global_dtors_aux", "frame_dummy", "_dl_relocate_static_pie", "__gxx_personality_v0");

    private static readonly byte[][] CppExtensions = Words(".cpp", ".cpp", ".cpp", ".h", ".h", ".cc");

    private static readonly byte[][] StandardCrates = Words("core", "alloc", "std");

    private static readonly byte[][] MangleableMethods = Words(
        "Run", "AddRef", "Release", "Init", "Shutdown", "HandleEvent", "DispatchEvent", "GetOrCreate", "AppendElement", "Trace",
        "Finalize", "Reflow", "Paint", "Composite", "sweep", "allocate", "lookupForAdd", "putNew");

    private static byte[][] Words(params string[] words)
    {
        var bytes = new byte[words.Length][];
        for (var i = 0; i < words.Length; i++)
        {
            bytes[i] = Encoding.ASCII.GetBytes(words[i]);
        }

        return bytes;
    }

    /// <summary>A demangled function name of about <paramref name="targetLength"/> bytes.</summary>
    public static int FunctionName(ref Xoshiro256StarStar rng, int targetLength, Span<byte> destination)
    {
        Span<byte> tailBuffer = stackalloc byte[512];
        var tail = new Builder(tailBuffer);
        var name = new Builder(destination);
        switch (rng.Next(8))
        {
            case 0:
            case 1:
                // <crate::module::Type<Arg> as core::ops::drop::Drop>::drop
                tail.Append("::"u8);
                tail.Append(rng.Pick(RustTypes));
                MaybeRustGenerics(ref rng, ref tail);
                tail.Append(" as "u8);
                tail.Append(rng.Pick(RustTraits));
                tail.Append(">::"u8);
                tail.Append(rng.Pick(RustFunctions));
                name.Append((byte)'<');
                FillPath(ref rng, ref name, rng.Pick(RustCrates), RustModules, tail.Length, targetLength);
                break;
            case 2:
                // crate::module::function::<Arg>
                tail.Append("::"u8);
                tail.Append(rng.Pick(RustFunctions));
                tail.Append("::<"u8);
                tail.Append(rng.Pick(RustTypeArguments));
                tail.Append((byte)'>');
                FillPath(ref rng, ref name, rng.Pick(RustCrates), RustModules, tail.Length, targetLength);
                break;
            case 3:
                // core::ptr::drop_in_place<crate::module::Type<Arg>>
                name.Append("core::ptr::drop_in_place<"u8);
                tail.Append("::"u8);
                tail.Append(rng.Pick(RustTypes));
                MaybeRustGenerics(ref rng, ref tail);
                tail.Append((byte)'>');
                FillPath(ref rng, ref name, rng.Pick(RustCrates), RustModules, tail.Length, targetLength);
                break;
            case 4:
                // crate::module::Type::function::{closure#0}
                tail.Append("::"u8);
                tail.Append(rng.Pick(RustTypes));
                tail.Append("::"u8);
                tail.Append(rng.Pick(RustFunctions));
                tail.Append("::{closure#"u8);
                tail.Append((byte)('0' + rng.Next(4)));
                tail.Append((byte)'}');
                FillPath(ref rng, ref name, rng.Pick(RustCrates), RustModules, tail.Length, targetLength);
                break;
            case 5:
                // mozilla::dom::Class<Arg>::Method(params)
                tail.Append("::"u8);
                tail.Append(rng.Pick(CppClasses));
                tail.Append((byte)'<');
                tail.Append(rng.Pick(CppTypeArguments));
                tail.Append(">::"u8);
                tail.Append(rng.Pick(CppMethods));
                AppendParameters(ref rng, ref tail);
                FillPath(ref rng, ref name, "mozilla"u8, CppNamespaces, tail.Length, targetLength);
                break;
            default:
                // mozilla::dom::Class::Method(params)
                tail.Append("::"u8);
                tail.Append(rng.Pick(CppClasses));
                tail.Append("::"u8);
                tail.Append(rng.Pick(CppMethods));
                AppendParameters(ref rng, ref tail);
                FillPath(ref rng, ref name, "mozilla"u8, CppNamespaces, tail.Length, targetLength);
                break;
        }

        name.Append(tail.Written);
        return name.Length;
    }

    /// <summary>A source path of about <paramref name="targetLength"/> bytes, in one of the layouts a Firefox build records.</summary>
    public static int SourcePath(ref Xoshiro256StarStar rng, int targetLength, Span<byte> destination)
    {
        var path = new Builder(destination);
        Span<byte> tailBuffer = stackalloc byte[256];
        var tail = new Builder(tailBuffer);
        var kind = rng.Next(10);
        if (kind < 6)
        {
            // /builds/worker/checkouts/gecko/dom/media/webaudio/AudioCallbackDriver.cpp
            path.Append("/builds/worker/checkouts/gecko/"u8);
            path.Append(rng.Pick(GeckoDirectories));
            tail.Append((byte)'/');
            tail.Append(rng.Pick(CppClasses));
            tail.Append(rng.Pick(CppExtensions));
            FillDirectories(ref rng, ref path, SourceSubdirectories, tail.Length, targetLength);
        }
        else if (kind < 8)
        {
            // /builds/worker/checkouts/gecko/third_party/rust/hashbrown/src/raw/mod.rs
            path.Append("/builds/worker/checkouts/gecko/third_party/rust/"u8);
            path.Append(rng.Pick(RustCrates));
            path.Append("/src"u8);
            tail.Append((byte)'/');
            tail.Append(rng.Pick(RustModules));
            tail.Append(".rs"u8);
            FillDirectories(ref rng, ref path, RustModules, tail.Length, targetLength);
        }
        else if (kind < 9)
        {
            // /rustc/<commit>/library/core/src/iter/adapters/map.rs
            path.Append("/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/"u8);
            path.Append(rng.Pick(StandardCrates));
            path.Append("/src"u8);
            tail.Append((byte)'/');
            tail.Append(rng.Pick(RustModules));
            tail.Append(".rs"u8);
            FillDirectories(ref rng, ref path, RustModules, tail.Length, targetLength);
        }
        else
        {
            // /builds/worker/workspace/obj-build/dist/include/mozilla/dom/ElementBinding.h
            path.Append("/builds/worker/workspace/obj-build/dist/include/mozilla"u8);
            tail.Append((byte)'/');
            tail.Append(rng.Pick(CppClasses));
            tail.Append("Binding.h"u8);
            FillDirectories(ref rng, ref path, CppNamespaces, tail.Length, targetLength);
        }

        path.Append(tail.Written);
        return path.Length;
    }

    /// <summary>A PUBLIC symbol name: mostly Itanium-mangled C++, sometimes a plain C symbol.</summary>
    public static int PublicName(ref Xoshiro256StarStar rng, Span<byte> destination)
    {
        var name = new Builder(destination);
        if (rng.Chance(1, 4))
        {
            name.Append(rng.Pick(CFunctions));
            return name.Length;
        }

        name.Append("_ZN"u8);
        var segments = rng.Next(2, 5);
        for (var i = 0; i < segments; i++)
        {
            var word = i == segments - 1 ? rng.Pick(MangleableMethods) : i == segments - 2 ? rng.Pick(CppClasses) : rng.Pick(CppNamespaces);
            name.AppendDecimal(word.Length);
            name.Append(word);
        }

        name.Append(rng.Pick(MangledParameterSuffixes));
        return name.Length;
    }

    private static readonly byte[][] MangledParameterSuffixes = Words("Ev", "EPv", "Ej", "Eb", "EP9JSContext", "ERK10nsACString", "EP6nsIURI");

    private static void MaybeRustGenerics(ref Xoshiro256StarStar rng, ref Builder builder)
    {
        if (rng.Chance(1, 2))
        {
            builder.Append((byte)'<');
            builder.Append(rng.Pick(RustTypeArguments));
            builder.Append((byte)'>');
        }
    }

    private static void AppendParameters(ref Xoshiro256StarStar rng, ref Builder builder)
    {
        builder.Append((byte)'(');
        builder.Append(rng.Pick(CppParameters));
        builder.Append((byte)')');
    }

    /// <summary>Writes <paramref name="first"/> and then <c>::</c>-separated words until the name would reach the target length.</summary>
    private static void FillPath(
        ref Xoshiro256StarStar rng, ref Builder name, ReadOnlySpan<byte> first, byte[][] words, int tailLength, int targetLength)
    {
        name.Append(first);
        while (name.Length + tailLength < targetLength && name.HasRoom(64))
        {
            name.Append("::"u8);
            name.Append(rng.Pick(words));
        }
    }

    private static void FillDirectories(ref Xoshiro256StarStar rng, ref Builder path, byte[][] words, int tailLength, int targetLength)
    {
        while (path.Length + tailLength < targetLength && path.HasRoom(64))
        {
            path.Append((byte)'/');
            path.Append(rng.Pick(words));
        }
    }

    /// <summary>Appends to a span, silently stopping at its end so an oversized request cannot overflow.</summary>
    private ref struct Builder
    {
        private readonly Span<byte> _buffer;

        public Builder(Span<byte> buffer)
        {
            _buffer = buffer;
            Length = 0;
        }

        public int Length { get; private set; }

        public readonly ReadOnlySpan<byte> Written => _buffer[..Length];

        public readonly bool HasRoom(int bytes) => Length + bytes <= _buffer.Length;

        public void Append(scoped ReadOnlySpan<byte> text)
        {
            var count = Math.Min(text.Length, _buffer.Length - Length);
            text[..count].CopyTo(_buffer[Length..]);
            Length += count;
        }

        public void Append(byte value)
        {
            if (Length < _buffer.Length)
            {
                _buffer[Length++] = value;
            }
        }

        public void AppendDecimal(int value)
        {
            if (value >= 10)
            {
                AppendDecimal(value / 10);
            }

            Append((byte)('0' + (value % 10)));
        }
    }
}
