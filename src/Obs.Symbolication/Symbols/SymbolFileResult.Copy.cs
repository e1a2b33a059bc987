using Obs.SymbolFiles;

namespace Obs.Symbolication;

public sealed partial class SymbolFileResult
{
    /// <summary>
    /// A result with the same status, message and origin as this one that owns <paramref name="index"/>
    /// (a lease a cache took on this result's index), for a cache that hands its kept result out again.
    /// </summary>
    internal SymbolFileResult CopyWith(SymbolIndexReference? index) => new(Status, index, Message)
    {
        SymbolUrl = SymbolUrl,
        RecoveredDebugFile = RecoveredDebugFile,
        RecoveredDebugId = RecoveredDebugId,
    };
}
