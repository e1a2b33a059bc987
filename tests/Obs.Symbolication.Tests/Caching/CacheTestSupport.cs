using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Obs.SymbolFiles;

namespace Obs.Symbolication.Tests.Caching;

/// <summary>
/// An inner supplier for cache tests: answers from a table of symbol texts (or a fixed status),
/// counts its loads, can hold them until released, and keeps the indexes it handed out so that a
/// test can see what happened to the owner's reference.
/// </summary>
internal sealed class ScriptedSupplier : ISymbolSupplier
{
    private readonly ConcurrentDictionary<string, int> _loads = new(StringComparer.Ordinal);
    private TaskCompletionSource _gate = CompletedGate();

    /// <summary>What each module (by code file name) answers; a module not listed is not found.</summary>
    public ConcurrentDictionary<string, Func<SymbolFileResult>> Answers { get; } = new(StringComparer.Ordinal);

    /// <summary>Every index this supplier created, in order.</summary>
    public ConcurrentQueue<SymbolIndex> Created { get; } = new();

    /// <summary>The tokens the loads were given.</summary>
    public ConcurrentQueue<CancellationToken> Tokens { get; } = new();

    public int TotalLoads => _loads.Values.Sum();

    /// <summary>Loads started and not yet answered because the gate is closed.</summary>
    public int Waiting;

    public int Loads(string module) => _loads.GetValueOrDefault(module);

    /// <summary>Holds every load until <see cref="Open"/>.</summary>
    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult();

    /// <summary>Module <paramref name="name"/> answers with an index built from <paramref name="text"/>.</summary>
    public void AddText(string name, byte[] text) => Answers[name] = () =>
    {
        var index = SymbolIndex.Parse(text);
        Created.Enqueue(index);
        return SymbolFileResult.Found(index);
    };

    /// <summary>Module <paramref name="name"/> answers with what <paramref name="open"/> makes (an index this test chose).</summary>
    public void AddIndex(string name, Func<SymbolIndex> open) => Answers[name] = () =>
    {
        var index = open();
        Created.Enqueue(index);
        return SymbolFileResult.Found(index);
    };

    public async ValueTask<SymbolFileResult> LocateAsync(ModuleIdentity identity, CancellationToken cancellationToken)
    {
        _loads.AddOrUpdate(identity.CodeFileName, 1, (_, n) => n + 1);
        Tokens.Enqueue(cancellationToken);
        Interlocked.Increment(ref Waiting);
        try
        {
            await _gate.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref Waiting);
        }

        return Answers.TryGetValue(identity.CodeFileName, out var answer) ? answer() : SymbolFileResult.NotFound("not in the table");
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}

/// <summary>Small symbol files made up for tests.</summary>
internal static class TestSymbols
{
    /// <summary>A module of <paramref name="functions"/> FUNCs of 16 bytes from 0x1000, each with a line record.</summary>
    public static byte[] Text(string name, int functions = 4)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 {name}\nFILE 0 /src/{name}.c\n");
        for (var f = 0; f < functions; f++)
        {
            var address = 0x1000 + (f * 16);
            text.Append(CultureInfo.InvariantCulture, $"FUNC {address:x} 10 0 {name}_f{f}\n{address:x} 10 {f + 1} 0\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The identity of module <paramref name="name"/>, as a dump would give it.</summary>
    public static ModuleIdentity Identity(string name, string folder = "/usr/lib") =>
        new($"{folder}/{name}", "0123456789abcdef", name, "0123456789ABCDEF0123456789ABCDEF0");

    /// <summary>Looks up the first function through <paramref name="index"/>: what a walk does.</summary>
    public static string FirstFunction(SymbolIndexReference index) =>
        index.TryLookup(0x1000, out var hit) ? hit.Function.Name : throw new InvalidOperationException("no function at 0x1000");
}

/// <summary>A clock that moves only when told.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>A meter factory whose meters are scoped to it, so that a listener hears only this test's instruments.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}

/// <summary>Sums the <see cref="SymbolicationTelemetry.MeterName"/> measurements of one meter factory's meters, by instrument and <c>cache</c> tag.</summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);

    public MetricsRecorder(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SymbolicationTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var cache = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "cache")
                {
                    cache = (string)tag.Value!;
                }
            }

            _sums.AddOrUpdate($"{instrument.Name}[{cache}]", value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>The sum of an instrument's measurements for one cache, e.g. <c>Sum("obs.symbolication.cache.hits", "memory")</c>.</summary>
    public long Sum(string instrument, string cache) => _sums.GetValueOrDefault($"{instrument}[{cache}]");

    public void Dispose() => _listener.Dispose();
}

/// <summary>A logger factory that records every event written through it.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Message)> Events { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public int Count(int eventId) => Events.Count(e => e.Id.Id == eventId);

    private sealed class Logger(RecordingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Events.Enqueue((category, logLevel, eventId, formatter(state, exception)));
    }
}
