using Obs.Testing;

namespace Obs.SymbolFiles.Tests;

/// <summary>Paths of the <c>.sym</c> fixtures (see tests/fixtures/README.md §6).</summary>
internal static class SymFixtures
{
    public const string TestApp = "rust-minidump/symbols/test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym";
    public const string TestAppCrlf = "rust-minidump/symbols-crlf/test_app.pdb/6A9832E5287241C1838ED98914E9B7FF1/test_app.sym";
    public const string CrashClient = "rust-minidump/symbols/crash-client/509C0610949836F7B70BD88BCF03E5400/crash-client.sym";
    public const string CrashClientLookups = "rust-minidump/expected-lookups/crash-client.lookups.json";
    public const string Module1 = "breakpad/sym-edge-cases/module1.sym";
    public const string Module2 = "breakpad/sym-edge-cases/module2.sym";
    public const string Module3Bad = "breakpad/sym-edge-cases/module3_bad.sym";
    public const string Module4Bad = "breakpad/sym-edge-cases/module4_bad.sym";
    public const string LinuxGate = "breakpad/sym-edge-cases/linux-gate-amd.sym";
    public const string LinuxInlineOld = "breakpad/symbols-inline-old/linux_inline/BBA6FA10B8AAB33D00000000000000000/linux_inline.sym";
    public const string LinuxInlineNew = "breakpad/symbols-inline-new/linux_inline/BBA6FA10B8AAB33D00000000000000000/linux_inline.sym";

    /// <summary>Every .sym file under tests/fixtures.</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var path in TestFixtures.Find(".", "*.sym"))
        {
            data.Add(path);
        }

        return data;
    }

    public static SymbolIndex Load(string relative, SymbolParseOptions? options = null) =>
        SymbolIndex.Load(TestFixtures.Path(relative), options);
}
