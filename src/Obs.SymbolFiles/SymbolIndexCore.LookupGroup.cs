using System.Runtime.CompilerServices;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

internal sealed partial class SymbolIndexCore
{
    /// <summary>
    /// The lookup, as steps taken for up to <see cref="Capacity"/> addresses together, one step
    /// for all of them before the next: each step ends by asking for what the next one reads
    /// (the function starts, the function record, the line entries around the guess, the chain's
    /// ranges, the names), so the cache misses of the group's addresses overlap.
    /// </summary>
    /// <remarks>
    /// A <see cref="SymbolLookupEnumerator"/> takes one step of the next group each time it hands
    /// out a result of the current one, so the next group's misses are waited for while its
    /// caller works on the results (typically turning names into strings). The steps find what
    /// <see cref="TryLookup"/> finds, with the same functions (function, line entry, chain
    /// length), in another order; tests pin the two to the same results.
    /// </remarks>
    internal struct LookupGroup
    {
        public const int Capacity = 16;

        private GroupValues<ulong> _addresses;

        /// <summary>Per address: the function (or -1 when none covers it).</summary>
        private GroupValues<int> _functions;

        /// <summary>Per address: the guessed line entry, then the one found (or -1).</summary>
        private GroupValues<int> _lines;

        /// <summary>Per address: the innermost range of its chain, or -1.</summary>
        private GroupValues<int> _innermost;

        /// <summary>Per address: the next inline range of its chain to follow, -1 when none, or <see cref="PendingLine"/>.</summary>
        private GroupValues<int> _links;

        /// <summary>Per address: the ranges of its chain followed so far.</summary>
        private GroupValues<int> _depths;

        private Step _next;

        /// <summary>The number of addresses in the group.</summary>
        public int Count { get; private set; }

        /// <summary>True once the group has taken every step and written its results.</summary>
        public readonly bool IsComplete => _next == Step.None;

        /// <summary>Begins a group of addresses (at most <see cref="Capacity"/>).</summary>
        public void Start(ReadOnlySpan<ulong> addresses)
        {
            Count = addresses.Length;
            addresses.CopyTo(_addresses);
            _next = Count == 0 ? Step.None : Step.Buckets;
        }

        /// <summary>
        /// Takes the group's next step; the last writes <c>results[i]</c> for each address: what
        /// <see cref="TryLookup"/> gives, or <c>default</c> when nothing covers it. Returns
        /// whether steps remain.
        /// </summary>
        public bool TakeStep(SymbolIndexCore core, SymbolIndexReference source, Span<SymbolLookupResult> results)
        {
            ReadOnlySpan<ulong> addresses = _addresses[..Count];
            Span<int> functions = _functions[..Count];
            Span<int> lines = _lines[..Count];
            Span<int> innermost = _innermost[..Count];
            Span<int> links = _links[..Count];
            Span<int> depths = _depths[..Count];
            switch (_next)
            {
                case Step.Buckets:
                    // On a large index the function directory is seldom still in cache from the lookups before.
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        core._functionSearch.PrefetchBuckets(addresses[i]);
                    }

                    _next = Step.Starts;
                    break;

                case Step.Starts:
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        core._functionSearch.PrefetchEntries(core._view.FunctionStarts, addresses[i]);
                    }

                    _next = Step.FunctionRecords;
                    break;

                case Step.FunctionRecords:
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        functions[i] = core.LastFunctionAtOrBelow(addresses[i]);
                        if (functions[i] >= 0)
                        {
                            Prefetch.Read(new ReadOnlySpan<FunctionRecord>(in core._view.Function(functions[i])));
                        }
                    }

                    _next = Step.FunctionData;
                    break;

                case Step.FunctionData:
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        if (core.FunctionCovers(functions[i], addresses[i]))
                        {
                            lines[i] = core.PrefetchFunctionData(functions[i], addresses[i]);
                        }
                        else
                        {
                            functions[i] = -1;
                        }
                    }

                    _next = Step.Lines;
                    break;

                case Step.Lines:
                    // An entry that is not among those asked for around the guess gets a better
                    // guess (its entries asked for) and is searched for in the next step.
                    _next = Step.InlineLinks;
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        links[i] = -1;
                        depths[i] = 0;
                        if (functions[i] < 0)
                        {
                            continue;
                        }

                        var line = lines[i];
                        if (core.TryFindLineNearGuess(functions[i], addresses[i], ref line))
                        {
                            links[i] = innermost[i] = core.BeginInlineChain(functions[i], line);
                        }
                        else
                        {
                            links[i] = PendingLine;
                            _next = Step.RefinedLines;
                        }

                        lines[i] = line;
                    }

                    break;

                case Step.RefinedLines:
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        if (links[i] == PendingLine)
                        {
                            lines[i] = core.FindLineIndex(functions[i], addresses[i], lines[i]);
                            links[i] = innermost[i] = core.BeginInlineChain(functions[i], lines[i]);
                        }
                    }

                    _next = Step.InlineLinks;
                    break;

                case Step.InlineLinks:
                    // A line entry names the innermost range of its inline chain (asked for by
                    // BeginInlineChain); the chain is that range's parent links, followed one
                    // depth per step.
                    var pending = false;
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        if (links[i] >= 0)
                        {
                            depths[i] = core.CheckChainLength(core._view.Function(functions[i]), depths[i] + 1);
                            links[i] = core.FollowInlineLink(functions[i], links[i]);
                            pending |= links[i] >= 0;
                        }
                    }

                    _next = pending ? Step.InlineLinks : Step.Results;
                    break;

                case Step.Results:
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        if (functions[i] >= 0)
                        {
                            results[i] = core.CompleteLookup(source, functions[i], addresses[i], lines[i], lines[i] >= 0 ? innermost[i] : -1, depths[i]);
                        }
                        else if (!core.TryLookupPublic(source, addresses[i], out results[i]))
                        {
                            results[i] = default;
                        }
                    }

                    _next = Step.None;
                    break;
            }

            GC.KeepAlive(core);
            return _next != Step.None;
        }

        /// <summary>In the links: the line entry is not found yet (see <see cref="TryFindLineNearGuess"/>).</summary>
        private const int PendingLine = int.MinValue;

        private enum Step : byte
        {
            None,
            Buckets,
            Starts,
            FunctionRecords,
            FunctionData,
            Lines,
            RefinedLines,
            InlineLinks,
            Results,
        }
    }

    /// <summary>One value per address of a <see cref="LookupGroup"/>.</summary>
    [InlineArray(LookupGroup.Capacity)]
    internal struct GroupValues<T>
    {
        private T _element0;
    }
}
