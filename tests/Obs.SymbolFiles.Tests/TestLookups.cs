namespace Obs.SymbolFiles.Tests;

/// <summary>Lookups of many addresses for the tests: what <see cref="SymbolIndexReference.TryLookup"/> gives for each, <c>default</c> where it finds nothing.</summary>
internal static class TestLookups
{
    public static SymbolLookupResult[] All(SymbolIndexReference index, ReadOnlySpan<ulong> addresses)
    {
        var results = new SymbolLookupResult[addresses.Length];
        for (var i = 0; i < addresses.Length; i++)
        {
            index.TryLookup(addresses[i], out results[i]);
        }

        return results;
    }
}
