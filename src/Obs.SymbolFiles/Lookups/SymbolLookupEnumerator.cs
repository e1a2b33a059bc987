using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Obs.SymbolFiles;

/// <summary>
/// The lookups of a sequence of addresses, one result per address in input order, as
/// <see cref="SymbolIndexReference.EnumerateLookups"/> returns them: <c>foreach (ref readonly var
/// result in reference.EnumerateLookups(addresses))</c>. Each result is what
/// <see cref="SymbolIndexReference.TryLookup"/> gives, or <c>default</c>
/// (<see cref="SymbolLookupResult.IsFound"/> false) when nothing covers the address.
/// </summary>
/// <remarks>
/// The addresses are looked up in groups, each step of the lookup taken for a group at once, and
/// each time a result is handed out the next group takes one step, so the memory it waits for
/// arrives while the caller works on the results before it (typically turning names into
/// strings). The names of a result were asked for a group earlier, so they are usually in cache
/// when it is handed out. The enumerator holds two groups of results and their state on the
/// caller's stack.
/// </remarks>
public ref struct SymbolLookupEnumerator
{
    private readonly SymbolIndexReference _source;
    private ReadOnlySpan<ulong> _unread;
    private GroupPair _groups;
    private GroupResults _results;

    /// <summary>Which of the two groups is handed out; the other is being looked up.</summary>
    private int _current;

    /// <summary>The result handed out, within the current group.</summary>
    private int _position;

    internal SymbolLookupEnumerator(SymbolIndexReference source, ReadOnlySpan<ulong> addresses)
    {
        _source = source;
        _unread = addresses;

        // The first MoveNext finds the current group (slot 1) empty and finishes slot 0's.
        _current = 1;
        _position = 0;
        StartGroup(0);
    }

    /// <summary>
    /// The result for the address at the current position: a reference into the enumerator's
    /// buffer, which later calls of <see cref="MoveNext"/> reuse; copy the result to keep it.
    /// </summary>
    [UnscopedRef]
    public readonly ref readonly SymbolLookupResult Current => ref _results[(_current * SymbolIndexCore.LookupGroup.Capacity) + _position];

    /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
    public readonly SymbolLookupEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next address's result; false after the last.</summary>
    /// <exception cref="ObjectDisposedException">The reference the lookups are made through has been disposed.</exception>
    /// <exception cref="SymbolIndexFormatException">A saved index's records are corrupt.</exception>
    public bool MoveNext()
    {
        var next = 1 - _current;
        if (_position + 1 < _groups[_current].Count)
        {
            _position++;
            if (!_groups[next].IsComplete)
            {
                var core = _source.Enter();
                try
                {
                    _groups[next].TakeStep(core, _source, GroupResultsOf(next));
                }
                finally
                {
                    _source.Exit();
                }
            }

            return true;
        }

        if (_groups[next].Count == 0)
        {
            return false;
        }

        var group = _source.Enter();
        try
        {
            while (_groups[next].TakeStep(group, _source, GroupResultsOf(next)))
            {
            }
        }
        finally
        {
            _source.Exit();
        }

        _current = next;
        _position = 0;
        StartGroup(1 - next);
        return true;
    }

    private void StartGroup(int slot)
    {
        var count = Math.Min(_unread.Length, SymbolIndexCore.LookupGroup.Capacity);
        _groups[slot].Start(_unread[..count]);
        _unread = _unread[count..];
    }

    [UnscopedRef]
    private Span<SymbolLookupResult> GroupResultsOf(int slot) =>
        ((Span<SymbolLookupResult>)_results).Slice(slot * SymbolIndexCore.LookupGroup.Capacity, SymbolIndexCore.LookupGroup.Capacity);

    [InlineArray(2)]
    private struct GroupPair
    {
        private SymbolIndexCore.LookupGroup _element0;
    }

    [InlineArray(2 * SymbolIndexCore.LookupGroup.Capacity)]
    private struct GroupResults
    {
        private SymbolLookupResult _element0;
    }
}
