using System.Text;

namespace Obs.SymbolFiles.Tests.Evaluation;

/// <summary>
/// A callee frame for <see cref="CfiEvaluator"/>: named registers, a <see cref="FakeUnwindMemory"/>,
/// and a record of the caller registers reported. Register lookups and reports allocate
/// nothing, so the context can be used under the allocation meter.
/// </summary>
internal sealed class FakeFrameContext : ICfiFrameContext
{
    private readonly List<(byte[] Name, ulong Value)> _registers = [];
    private readonly byte[] _callerNames = new byte[16 * 1024];
    private readonly (int Start, int Length, ulong Value)[] _caller = new (int, int, ulong)[CfiEvaluator.MaxRules + 1];
    private int _callerNamesLength;
    private int _callerCount;

    public FakeFrameContext(int pointerSize, FakeUnwindMemory memory)
    {
        PointerSize = pointerSize;
        Memory = memory;
    }

    public int PointerSize { get; }

    public FakeUnwindMemory Memory { get; }

    /// <summary>Sets a callee register (name without <c>$</c>).</summary>
    public FakeFrameContext Set(string name, ulong value)
    {
        var bytes = Encoding.ASCII.GetBytes(name);
        var index = _registers.FindIndex(r => r.Name.AsSpan().SequenceEqual(bytes));
        if (index >= 0)
        {
            _registers[index] = (bytes, value);
        }
        else
        {
            _registers.Add((bytes, value));
        }

        return this;
    }

    /// <summary>The caller registers reported so far; fails the test if one was reported twice.</summary>
    public Dictionary<string, ulong> CallerRegisters()
    {
        var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (var i = 0; i < _callerCount; i++)
        {
            var (start, length, value) = _caller[i];
            result.Add(Encoding.ASCII.GetString(_callerNames, start, length), value);
        }

        return result;
    }

    public int CallerRegisterCount => _callerCount;

    public void ClearCallerRegisters()
    {
        _callerCount = 0;
        _callerNamesLength = 0;
    }

    public bool TryGetRegister(scoped ReadOnlySpan<byte> name, out ulong value)
    {
        foreach (var (registerName, registerValue) in _registers)
        {
            if (name.SequenceEqual(registerName))
            {
                value = registerValue;
                return true;
            }
        }

        value = 0;
        return false;
    }

    public void SetCallerRegister(scoped ReadOnlySpan<byte> name, ulong value)
    {
        // Keep recording allocation-free: names beyond the buffer are truncated to nothing.
        if (_callerCount == _caller.Length)
        {
            return;
        }

        var length = Math.Min(name.Length, _callerNames.Length - _callerNamesLength);
        name[..length].CopyTo(_callerNames.AsSpan(_callerNamesLength));
        _caller[_callerCount++] = (_callerNamesLength, length, value);
        _callerNamesLength += length;
    }

    public bool TryReadUInt32(ulong address, out uint value) => Memory.TryReadUInt32(address, out value);

    public bool TryReadUInt64(ulong address, out ulong value) => Memory.TryReadUInt64(address, out value);
}
