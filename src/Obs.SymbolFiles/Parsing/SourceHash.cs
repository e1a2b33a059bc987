using System.Buffers;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;
using Obs.SymbolFiles.Storage;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// The hash that identifies a symbol file's text in a saved index (<see cref="SymbolIndexReference.SourceHash"/>):
/// XxHash3, 64 bits, seed 0, over every byte of the text, so that anyone holding the text can
/// compute it with <c>System.IO.Hashing.XxHash3.HashToUInt64</c>.
/// </summary>
/// <remarks>
/// A parse reads its input on several threads in chunks, but the hash runs through the text in
/// order, so it is computed beside the parse on a thread of its own; at several gigabytes per
/// second it is done long before the parse.
/// </remarks>
internal static class SourceHash
{
    private const int BlockSize = 1 << 20;

    /// <summary>Starts hashing bytes in memory that stay pinned until the task completes.</summary>
    public static unsafe Task<ulong> Start(byte* data, long length) =>
        Task.Factory.StartNew(
            () =>
            {
                var hash = new XxHash3();
                LargeMemory.ForEachPiece(data, length, hash.Append);
                return hash.GetCurrentHashAsUInt64();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    /// <summary>Starts hashing the first <paramref name="length"/> bytes of a file, read in order.</summary>
    public static Task<ulong> Start(SafeFileHandle handle, long length) =>
        Task.Factory.StartNew(
            () =>
            {
                var hash = new XxHash3();
                var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
                try
                {
                    for (long offset = 0; offset < length;)
                    {
                        var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(BlockSize, length - offset)), offset);
                        if (read <= 0)
                        {
                            break;
                        }

                        hash.Append(buffer.AsSpan(0, read));
                        offset += read;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                return hash.GetCurrentHashAsUInt64();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
}
