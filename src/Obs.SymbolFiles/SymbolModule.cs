namespace Obs.SymbolFiles;

/// <summary>The <c>MODULE</c> record: <c>MODULE &lt;os&gt; &lt;arch&gt; &lt;id&gt; &lt;name&gt;</c>.</summary>
/// <param name="OperatingSystem">The operating system, e.g. <c>Linux</c>, <c>windows</c>, <c>mac</c>.</param>
/// <param name="Architecture">The CPU architecture, e.g. <c>x86_64</c>, <c>x86</c>, <c>arm64</c>.</param>
/// <param name="Id">The debug id as written (uppercase GUID and age in Breakpad files).</param>
/// <param name="Name">The debug file name; it may contain spaces.</param>
public sealed record SymbolModule(string OperatingSystem, string Architecture, string Id, string Name);
