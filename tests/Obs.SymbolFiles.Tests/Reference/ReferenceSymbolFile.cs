using System.Globalization;

namespace Obs.SymbolFiles.Tests.Reference;

internal sealed record RefLine(ulong Address, uint Size, uint Line, uint File);

internal sealed record RefInline(uint Depth, uint CallLine, uint? CallFile, uint Origin, ulong Address, uint Size);

internal sealed record RefFunction(ulong Address, uint Size, uint ParameterSize, string Name, bool Multiple)
{
    public List<RefLine> Lines { get; } = [];

    public List<RefInline> Inlines { get; } = [];

    public int InlineRecords { get; set; }
}

internal sealed record RefPublic(ulong Address, uint ParameterSize, string Name, bool Multiple);

internal sealed record RefCfi(ulong Address, uint Size, string Rules)
{
    public List<(ulong Address, string Rules)> Rows { get; } = [];
}

internal sealed record RefStackWin(int Type, ulong Address, uint Size, uint Prologue, uint Epilogue, uint Parameters, uint SavedRegisters, uint Locals, uint MaxStack, string? Program, bool AllocatesBasePointer);

/// <summary>
/// A deliberately naive model of a well-formed <c>.sym</c> file (string splitting, LINQ, lists)
/// with rust-minidump's overlap policy applied the obvious way: the oracle the index's tables
/// are compared with. It handles only files without malformed lines.
/// </summary>
internal sealed class ReferenceSymbolFile
{
    public Dictionary<uint, string> Files { get; } = [];

    public Dictionary<uint, string> Origins { get; } = [];

    public List<RefFunction> Functions { get; private set; } = [];

    public List<RefPublic> Publics { get; private set; } = [];

    public List<RefCfi> Cfi { get; private set; } = [];

    public List<RefStackWin> StackWinFrameData { get; private set; } = [];

    public List<RefStackWin> StackWinFpo { get; private set; } = [];

    public static ReferenceSymbolFile Parse(string text)
    {
        var model = new ReferenceSymbolFile();
        var oldOrigins = new Dictionary<uint, (uint File, string Name)>();
        var anyOldInline = false;
        var anyNewInline = false;
        RefFunction? function = null;
        RefCfi? cfi = null;
        var functions = new List<RefFunction>();
        var publics = new List<RefPublic>();
        var cfis = new List<RefCfi>();
        var wins = new List<RefStackWin>();

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var words = line.Split(' ');
            switch (words[0])
            {
                case "MODULE":
                case "INFO":
                    function = null;
                    cfi = null;
                    break;
                case "FILE":
                    function = null;
                    cfi = null;
                    model.Files[Dec(words[1])] = Tail(line, 2);
                    break;
                case "INLINE_ORIGIN":
                    cfi = null;
                    model.Origins[Dec(words[1])] = Tail(line, 2);
                    if (words.Length > 3 && uint.TryParse(words[2], CultureInfo.InvariantCulture, out var oldFile))
                    {
                        oldOrigins[Dec(words[1])] = (oldFile, Tail(line, 3));
                    }

                    break;
                case "FUNC":
                    {
                        cfi = null;
                        var m = words[1] == "m" ? 1 : 0;
                        function = new RefFunction(Hex(words[1 + m]), (uint)Hex(words[2 + m]), (uint)Hex(words[3 + m]), Tail(line, 4 + m), m == 1);
                        functions.Add(function);
                        break;
                    }

                case "PUBLIC":
                    {
                        function = null;
                        cfi = null;
                        var m = words[1] == "m" ? 1 : 0;
                        publics.Add(new RefPublic(Hex(words[1 + m]), (uint)Hex(words[2 + m]), Tail(line, 3 + m), m == 1));
                        break;
                    }

                case "INLINE":
                    {
                        var fields = words.Length - 1;
                        var old = fields % 2 == 1;
                        anyOldInline |= old;
                        anyNewInline |= !old;
                        var depth = Dec(words[1]);
                        var callLine = Dec(words[2]);
                        uint? callFile = old ? null : Dec(words[3]);
                        var origin = Dec(words[old ? 3 : 4]);
                        for (var i = old ? 4 : 5; i < words.Length; i += 2)
                        {
                            function!.Inlines.Add(new RefInline(depth, callLine, callFile, origin, Hex(words[i]), (uint)Hex(words[i + 1])));
                        }

                        function!.InlineRecords++;
                        break;
                    }

                case "STACK" when words[1] == "CFI" && words[2] == "INIT":
                    function = null;
                    cfi = new RefCfi(Hex(words[3]), (uint)Hex(words[4]), Tail(line, 5));
                    cfis.Add(cfi);
                    break;
                case "STACK" when words[1] == "CFI":
                    cfi!.Rows.Add((Hex(words[2]), Tail(line, 3)));
                    break;
                case "STACK" when words[1] == "WIN":
                    {
                        function = null;
                        cfi = null;
                        var hasProgram = Hex(words[11]) != 0;
                        wins.Add(new RefStackWin(
                            (int)Hex(words[2]), Hex(words[3]), (uint)Hex(words[4]), (uint)Hex(words[5]), (uint)Hex(words[6]),
                            (uint)Hex(words[7]), (uint)Hex(words[8]), (uint)Hex(words[9]), (uint)Hex(words[10]),
                            hasProgram ? Tail(line, 12) : null,
                            !hasProgram && Hex(words[12]) != 0));
                        break;
                    }

                default:
                    function!.Lines.Add(new RefLine(Hex(words[0]), (uint)Hex(words[1]), Dec(words[2]), Dec(words[3])));
                    break;
            }
        }

        if (anyOldInline && !anyNewInline)
        {
            foreach (var (id, (_, name)) in oldOrigins)
            {
                model.Origins[id] = name;
            }
        }

        foreach (var f in functions)
        {
            for (var i = 0; i < f.Inlines.Count; i++)
            {
                var inline = f.Inlines[i];
                if (inline.CallFile is null)
                {
                    f.Inlines[i] = inline with { CallFile = oldOrigins.TryGetValue(inline.Origin, out var o) ? o.File : null };
                }
            }
        }

        model.Functions = KeepFirst(functions, f => f.Address, f => f.Size);
        foreach (var f in model.Functions)
        {
            var lines = KeepFirst(f.Lines, l => l.Address, l => l.Size);
            f.Lines.Clear();
            f.Lines.AddRange(lines);
            var inlines = f.Inlines.OrderBy(i => i.Depth).ThenBy(i => i.Address).ToList();
            f.Inlines.Clear();
            f.Inlines.AddRange(inlines);
        }

        model.Publics = [.. publics.OrderBy(p => p.Address)];
        model.Cfi = KeepFirst(cfis, c => c.Address, c => c.Size);
        foreach (var c in model.Cfi)
        {
            var rows = c.Rows.OrderBy(r => r.Address).ToList();
            c.Rows.Clear();
            c.Rows.AddRange(rows);
        }

        model.StackWinFrameData = RepairStackWin(wins.Where(w => w.Type == 4 && w.Program is not null));
        model.StackWinFpo = RepairStackWin(wins.Where(w => w.Type == 0 && w.Program is null));
        return model;
    }

    /// <summary>Stable sort by (start, end); drop empty ranges and ranges overlapping an earlier kept one.</summary>
    private static List<T> KeepFirst<T>(IEnumerable<T> items, Func<T, ulong> start, Func<T, uint> size)
    {
        var kept = new List<T>();
        ulong end = 0;
        foreach (var item in items.OrderBy(start).ThenBy(i => start(i) + size(i)))
        {
            if (size(item) == 0 || (kept.Count > 0 && start(item) < end))
            {
                continue;
            }

            kept.Add(item);
            end = start(item) + size(item);
        }

        return kept;
    }

    private static List<RefStackWin> RepairStackWin(IEnumerable<RefStackWin> records)
    {
        var kept = new List<RefStackWin>();
        foreach (var record in records.OrderBy(r => r.Address))
        {
            if (record.Size == 0)
            {
                continue;
            }

            if (kept.Count > 0 && kept[^1].Address + kept[^1].Size > record.Address)
            {
                if (record.Address > kept[^1].Address)
                {
                    kept[^1] = kept[^1] with { Size = (uint)(record.Address - kept[^1].Address) };
                }
                else
                {
                    continue;
                }
            }

            kept.Add(record);
        }

        return kept;
    }

    private static string Tail(string line, int skipWords)
    {
        var position = 0;
        for (var i = 0; i < skipWords; i++)
        {
            position = line.IndexOf(' ', position) + 1;
            if (position == 0)
            {
                return string.Empty;
            }
        }

        return line[position..];
    }

    private static ulong Hex(string text) => ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static uint Dec(string text) => uint.Parse(text, CultureInfo.InvariantCulture);
}
