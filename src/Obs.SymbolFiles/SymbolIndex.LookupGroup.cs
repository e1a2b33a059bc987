using System.Runtime.CompilerServices;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles;

public sealed partial class SymbolIndex
{
    /// <summary>
    /// Up to <see cref="Capacity"/> addresses taken through the steps of a lookup together, one
    /// step for all of them before the next: each step ends by asking for what the next one reads
    /// (the function starts, the function record, the line records around the guess, the chain's
    /// ranges, the names), so the cache misses of the group's addresses overlap.
    /// </summary>
    /// <remarks>
    /// <see cref="LookupMany"/> takes a group through all its steps at once. A
    /// <see cref="SymbolLookupEnumerator"/> takes one step of the next group each time it hands
    /// out a result of the current one, so the next group's misses are waited for while its
    /// caller works on the results (typically turning names into strings).
    /// </remarks>
    internal struct LookupGroup
    {
        public const int Capacity = 16;

        private GroupValues<ulong> _addresses;

        /// <summary>Per address: the function (or -1 when none covers it).</summary>
        private GroupValues<int> _functions;

        /// <summary>Per address: the guessed line record, then the one found (or -1).</summary>
        private GroupValues<int> _lines;

        /// <summary>Per address: the next inline range of its chain to follow, -1 when none, or <see cref="PendingLine"/>.</summary>
        private GroupValues<int> _links;

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
        /// Takes the group's next step; the last writes <c>results[i]</c> for each address, as
        /// <see cref="LookupMany"/> does. Returns whether steps remain.
        /// </summary>
        public bool TakeStep(SymbolIndex index, Span<SymbolLookupResult> results)
        {
            ReadOnlySpan<ulong> addresses = _addresses[..Count];
            Span<int> functions = _functions[..Count];
            Span<int> lines = _lines[..Count];
            Span<int> links = _links[..Count];
            switch (_next)
            {
                case Step.Buckets:
                    // On a large index the function-start directory is seldom still in cache
                    // from the lookups before.
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        index._functionStartBuckets.PrefetchBuckets(addresses[i]);
                    }

                    _next = Step.Starts;
                    break;

                case Step.Starts:
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        index._functionStartBuckets.PrefetchEntries(index._view.FunctionStarts, addresses[i]);
                    }

                    _next = Step.FunctionRecords;
                    break;

                case Step.FunctionRecords:
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        functions[i] = index.LastFunctionAtOrBelow(addresses[i]);
                        if (functions[i] >= 0)
                        {
                            Prefetch.ReadAll(new ReadOnlySpan<FunctionRecord>(in index._view.Function(functions[i])));
                        }
                    }

                    _next = Step.FunctionData;
                    break;

                case Step.FunctionData:
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        if (index.FunctionCovers(functions[i], addresses[i]))
                        {
                            lines[i] = index.PrefetchFunctionData(functions[i], addresses[i], withInlines: !index.AnchorChains(functions[i]));
                        }
                        else
                        {
                            functions[i] = -1;
                        }
                    }

                    _next = Step.Lines;
                    break;

                case Step.Lines:
                    // A line record that is not among those asked for around the guess gets a
                    // better guess (its records asked for) and is searched for in the next step.
                    _next = Step.InlineLinks;
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        links[i] = -1;
                        if (functions[i] < 0)
                        {
                            continue;
                        }

                        var line = lines[i];
                        if (index.TryFindLineNearGuess(functions[i], addresses[i], ref line))
                        {
                            links[i] = index.BeginInlineChain(functions[i], addresses[i], line);
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
                            lines[i] = index.FindLineIndex(functions[i], addresses[i], lines[i]);
                            links[i] = index.BeginInlineChain(functions[i], addresses[i], lines[i]);
                        }
                    }

                    _next = Step.InlineLinks;
                    break;

                case Step.InlineLinks:
                    // A line record names the innermost range of its inline chain (asked for by
                    // BeginInlineChain); the chain is that range's parent links, followed one
                    // depth per step.
                    var pending = false;
                    for (var i = 0; i < addresses.Length; i++)
                    {
                        if (links[i] >= 0)
                        {
                            links[i] = index.FollowInlineLink(functions[i], links[i]);
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
                            results[i] = index.CompleteLookup(functions[i], addresses[i], lines[i]);
                        }
                        else if (!index.TryLookupPublic(addresses[i], out results[i]))
                        {
                            results[i] = default;
                        }
                    }

                    _next = Step.None;
                    break;
            }

            return _next != Step.None;
        }

        /// <summary>In the links: the line is not found yet (see <see cref="TryFindLineNearGuess"/>).</summary>
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
