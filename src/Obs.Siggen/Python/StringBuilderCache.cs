using System.Text;

namespace Obs.Siggen.Python;

/// <summary>One reusable <see cref="StringBuilder"/> per thread for short-lived string building on the per-frame path.</summary>
internal static class StringBuilderCache
{
    private const int MaxCachedCapacity = 1024;

    [ThreadStatic]
    private static StringBuilder? _cached;

    public static StringBuilder Acquire(int capacity)
    {
        var builder = _cached;
        if (builder is not null && capacity <= builder.Capacity)
        {
            _cached = null;
            builder.Clear();
            return builder;
        }

        return new StringBuilder(Math.Max(capacity, 64));
    }

    public static string GetStringAndRelease(StringBuilder builder)
    {
        var text = builder.ToString();
        if (builder.Capacity <= MaxCachedCapacity)
        {
            _cached = builder;
        }

        return text;
    }
}
