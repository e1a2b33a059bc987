namespace Obs.SymbolFiles.Tests;

/// <summary>Lookups of many addresses for the tests: every result of <see cref="SymbolIndexReference.EnumerateLookups"/>, copied out.</summary>
internal static class TestLookups
{
    public static SymbolLookupResult[] Batch(SymbolIndexReference index, ReadOnlySpan<ulong> addresses)
    {
        var results = new SymbolLookupResult[addresses.Length];
        var position = 0;
        foreach (ref readonly var result in index.EnumerateLookups(addresses))
        {
            results[position++] = result;
        }

        Assert.Equal(addresses.Length, position);
        return results;
    }
}
