using System.IO.Hashing;

namespace Obs.SymbolFiles.Fuzz;

/// <summary>
/// The fuzzing entry points, shared with the regression tests (tests/Obs.SymbolFiles.Tests
/// compiles this file). <see cref="RunText"/> parses an input as a <c>.sym</c> file and looks up
/// addresses in the index; <see cref="RunIndex"/> opens an input as a saved index (written to a
/// file, since an index is opened from one) and looks up addresses in it. Before that it makes
/// the header's file length and checksum match the input, so that mutations get past them to
/// the section table and the tables (the tests check that the checksum rejects every header
/// corruption). Only
/// <see cref="SymbolFileException"/> (and its <see cref="SymbolIndexFormatException"/>) may escape;
/// anything else throws, which the fuzzer records as a crash, and so is a crash of the process or
/// a hang (AFL's timeout).
/// </summary>
internal static class SymbolFilesFuzzTarget
{
    /// <summary>Managed allocation allowed per byte of text, beyond a fixed allowance.</summary>
    private const long AllocationPerByte = 16;

    public static void RunText(byte[] input)
    {
        // One thread, so that every allocation is on this thread and measured; strict when the
        // first byte is odd, so that both modes are fuzzed.
        var options = new SymbolParseOptions { MaxDegreeOfParallelism = 1, Strict = input.Length > 0 && (input[0] & 1) == 1 };
        var before = GC.GetAllocatedBytesForCurrentThread();
        SymbolIndex index;
        try
        {
            index = SymbolIndex.Parse(input, options);
        }
        catch (SymbolFileException)
        {
            // Strict mode rejects the first bad line; lenient mode skips bad lines but still
            // rejects input in which no line is a Breakpad record (the error contract).
            return;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var bound = (AllocationPerByte * input.Length) + (1L << 20);
        if (allocated > bound)
        {
            throw new InvalidOperationException($"parsing {input.Length} bytes allocated {allocated} bytes (bound {bound})");
        }

        using (index)
        {
            LookUpEverywhere(index, input);
        }
    }

    public static void RunIndex(byte[] input, string scratchPath)
    {
        MatchHeader(input);
        File.WriteAllBytes(scratchPath, input);
        SymbolIndex index;
        try
        {
            index = SymbolIndex.Open(scratchPath);
        }
        catch (SymbolIndexFormatException)
        {
            return;
        }

        using (index)
        {
            try
            {
                LookUpEverywhere(index, input);
            }
            catch (SymbolIndexFormatException)
            {
                // A corrupt record found by a lookup: the only failure allowed.
            }
        }
    }

    /// <summary>Writes the input's length and the checksum of its header and section table into its header (the layout of Storage/IndexFileLayout.cs).</summary>
    private static void MatchHeader(byte[] input)
    {
        const int HeaderSize = 256, FileLengthOffset = 24, SectionCountOffset = 32, ChecksumOffset = 248, SectionEntrySize = 32;
        if (input.Length < HeaderSize)
        {
            return;
        }

        BitConverter.TryWriteBytes(input.AsSpan(FileLengthOffset), (long)input.Length);
        var tableLength = (long)BitConverter.ToInt32(input, SectionCountOffset) * SectionEntrySize;
        if (tableLength < 0 || HeaderSize + tableLength > input.Length)
        {
            return;
        }

        var checksum = new XxHash3();
        checksum.Append(input.AsSpan(0, ChecksumOffset));
        checksum.Append(input.AsSpan(HeaderSize, (int)tableLength));
        BitConverter.TryWriteBytes(input.AsSpan(ChecksumOffset), checksum.GetCurrentHashAsUInt64());
    }

    /// <summary>Every lookup kind at addresses taken from the input and from the index's own records, reading everything the results hand out.</summary>
    private static void LookUpEverywhere(SymbolIndex index, byte[] input)
    {
        var addresses = new List<ulong> { 0, 1, 0x1000, ulong.MaxValue };
        for (var i = 0; i + 8 <= input.Length && addresses.Count < 64; i += 8)
        {
            addresses.Add(BitConverter.ToUInt64(input, i) % 0x10000);
        }

        if (index.TryFindNearestPublic(ulong.MaxValue, out var last))
        {
            addresses.Add(last.Address);
        }

        foreach (var address in addresses.ToArray())
        {
            addresses.Add(address + 1);
        }

        foreach (var address in addresses)
        {
            if (index.TryLookup(address, out var result))
            {
                Touch(result);
            }

            if (index.TryFindFunction(address, out var function))
            {
                _ = function.Name;
            }

            if (index.TryFindCfiRules(address, out var rules))
            {
                _ = rules.ToString();
            }

            if (index.TryFindStackWin(address, out var win))
            {
                _ = win.ProgramString;
            }

            index.TryGetParameterSize(address, out _);
        }


        _ = index.Statistics;
        _ = index.Diagnostics.Count;
    }

    private static void Touch(in SymbolLookupResult result)
    {
        _ = result.Function.Name;
        _ = result.File;
        _ = result.Line;
        _ = result.FileUtf8.Length;
        var index = 0;
        foreach (var frame in result.InlineFrames)
        {
            _ = frame.Name;
            _ = frame.File;

            // Reading a frame by index walks the chain again: checked for the first frames only,
            // so that a deep chain stays linear.
            if (index < 64 && !SameFrame(frame, result.GetInlineFrame(index)))
            {
                throw new InvalidOperationException($"inline frame {index} differs between InlineFrames and GetInlineFrame");
            }

            index++;
        }

        if (index != result.InlineFrameCount)
        {
            throw new InvalidOperationException($"InlineFrames gave {index} frames of {result.InlineFrameCount}");
        }
    }

    private static bool SameFrame(InlineFrame a, InlineFrame b) =>
        a.Address == b.Address && a.Size == b.Size && a.Line == b.Line &&
        a.NameUtf8.SequenceEqual(b.NameUtf8) && a.FileUtf8.SequenceEqual(b.FileUtf8);
}
