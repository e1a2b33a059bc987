using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Obs.Symbolication;

/// <summary>
/// One search per module however many callers ask at once (single flight): the first caller
/// starts the work, later ones join it, and each gets its own result, with its own lease on the
/// index. The outcome is kept only while callers wait for it; a caller that arrives after the
/// last one has left starts a new search (which then finds what the first one stored).
/// </summary>
/// <remarks>
/// The work runs under a token of its own, cancelled only when every caller has given up
/// waiting, so one caller's cancellation does not fail the others.
/// </remarks>
internal sealed class SymbolFlights
{
    private readonly ConcurrentDictionary<ModuleIdentity, Flight> _flights = new();
    private readonly Func<ModuleIdentity, CancellationToken, Task<SymbolFileResult>> _work;

    public SymbolFlights(Func<ModuleIdentity, CancellationToken, Task<SymbolFileResult>> work) => _work = work;

    /// <summary>The number of searches in progress (for tests).</summary>
    public int InFlight => _flights.Count;

    /// <summary>Joins the search for <paramref name="module"/>, starting it when none is in progress.</summary>
    public async ValueTask<SymbolFileResult> RunAsync(ModuleIdentity module, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Flight flight;
        while (true)
        {
            flight = _flights.GetOrAdd(module, static (key, owner) => new Flight(owner, key), this);
            if (flight.TryJoin())
            {
                break;
            }

            // The flight closed between the lookup and the join: it is on its way out of the table.
            _flights.TryRemove(new KeyValuePair<ModuleIdentity, Flight>(module, flight));
        }

        try
        {
            var outcome = await flight.Start().WaitAsync(cancellationToken).ConfigureAwait(false);
            return Share(outcome);
        }
        finally
        {
            flight.Leave();
        }
    }

    /// <summary>A caller's own copy of the shared outcome, with a lease on its index.</summary>
    private static SymbolFileResult Share(SymbolFileResult outcome)
    {
        if (outcome.Index is not { } index)
        {
            return outcome.WithIndex(null);
        }

        // The flight holds the outcome (and with it the index) until its last caller leaves, so
        // the lease can only fail if the index was disposed behind the flight's back.
        return index.TryLease(out var lease)
            ? outcome.WithIndex(lease)
            : SymbolFileResult.LoadError("the symbol index was released before it could be shared");
    }

    [SuppressMessage("Design", "CA1001", Justification = "The token source is disposed when the work ends after the last caller left.")]
    private sealed class Flight(SymbolFlights owner, ModuleIdentity module)
    {
        private readonly Lock _gate = new();
        private readonly CancellationTokenSource _cancellation = new();
        private Task<SymbolFileResult>? _task;
        private int _callers;
        private bool _closed;

        public bool TryJoin()
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return false;
                }

                _callers++;
                return true;
            }
        }

        public Task<SymbolFileResult> Start()
        {
            lock (_gate)
            {
                return _task ??= Task.Run(() => owner._work(module, _cancellation.Token));
            }
        }

        public void Leave()
        {
            lock (_gate)
            {
                if (--_callers > 0)
                {
                    return;
                }

                _closed = true;
            }

            owner._flights.TryRemove(new KeyValuePair<ModuleIdentity, Flight>(module, this));

            // Every caller has its own lease by now (or gave up): release the flight's reference,
            // or, when the work is still running for nobody, stop it and release what it yields.
            var task = _task;
            if (task is null)
            {
                _cancellation.Dispose();
                return;
            }

            if (!task.IsCompleted)
            {
                _cancellation.Cancel();
            }

            _ = task.ContinueWith(
                static (finished, state) =>
                {
                    if (finished.IsCompletedSuccessfully)
                    {
                        finished.Result.Dispose();
                    }

                    ((CancellationTokenSource)state!).Dispose();
                },
                _cancellation,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }
}
