namespace Obs.SymbolFiles;

/// <summary>
/// Read access to the memory of the process being unwound (typically the stack memory saved in
/// a minidump), as the STACK CFI and STACK WIN evaluators need it for the <c>^</c> operator.
/// </summary>
/// <remarks>
/// Implementations must not throw for unreadable addresses: they return <see langword="false"/>,
/// and the evaluators turn that into a typed failure status. Values are little-endian, as on
/// every architecture these programs describe.
/// </remarks>
public interface IUnwindMemory
{
    /// <summary>Reads the 32-bit value stored at <paramref name="address"/>.</summary>
    /// <param name="address">The address of the first byte.</param>
    /// <param name="value">The value read, or 0 when the memory is not available.</param>
    /// <returns><see langword="true"/> when all four bytes are available.</returns>
    bool TryReadUInt32(ulong address, out uint value);

    /// <summary>Reads the 64-bit value stored at <paramref name="address"/>.</summary>
    /// <param name="address">The address of the first byte.</param>
    /// <param name="value">The value read, or 0 when the memory is not available.</param>
    /// <returns><see langword="true"/> when all eight bytes are available.</returns>
    bool TryReadUInt64(ulong address, out ulong value);
}
