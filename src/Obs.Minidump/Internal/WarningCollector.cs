namespace Obs.Minidump.Internal;

/// <summary>
/// Collects a stream's warnings, keeping the first few in full and counting the rest, so that a
/// list of a million bad entries cannot turn into a million messages.
/// </summary>
internal struct WarningCollector
{
    private const int Kept = 16;
    private List<string>? _messages;
    private int _dropped;

    public void Add(string message)
    {
        _messages ??= [];
        if (_messages.Count < Kept)
        {
            _messages.Add(message);
        }
        else
        {
            _dropped++;
        }
    }

    public readonly IReadOnlyList<string> ToList()
    {
        if (_messages is null)
        {
            return [];
        }

        if (_dropped > 0)
        {
            _messages.Add($"... and {_dropped} more like these");
        }

        return _messages;
    }
}
