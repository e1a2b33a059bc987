using System.Runtime.CompilerServices;

namespace Obs.SymbolFiles.Parsing;

/// <summary>
/// Splits bytes that arrive in blocks of any size (a span, file reads, pipe segments) into lines
/// for a <see cref="SymbolTableBuilder"/>. Whole lines are parsed where they lie; only a line cut
/// by a block boundary is copied, into a carry buffer that never grows beyond
/// <see cref="SymbolParseOptions.MaxLineLength"/>, so memory stays bounded however long a line
/// is. Every input path goes through here, so all give the same records.
/// </summary>
internal sealed class LineFeeder
{
    private const int OversizedHeadLength = 64;

    private readonly SymbolTableBuilder _builder;
    private readonly int _maxLineLength;
    private byte[]? _carry;
    private int _carryLength;
    private bool _discarding;
    private long _offset;
    private long _lineStart;

    /// <param name="builder">Receives the lines.</param>
    /// <param name="maxLineLength">Longest line parsed; longer ones are skipped and counted.</param>
    /// <param name="startOffset">Byte offset of the first byte fed, for diagnostics.</param>
    public LineFeeder(SymbolTableBuilder builder, int maxLineLength, long startOffset)
    {
        _builder = builder;
        _maxLineLength = maxLineLength;
        _offset = startOffset;
        _lineStart = startOffset;
    }

    /// <summary>Parsing stopped at a bad line (strict mode); further input is ignored.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Parses the complete lines in <paramref name="data"/> and keeps an incomplete last line for later.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Feed(ReadOnlySpan<byte> data)
    {
        if (Stopped || data.IsEmpty)
        {
            return;
        }

        var position = 0;
        if (_carryLength > 0 || _discarding)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                ExtendCarry(data);
                _offset += data.Length;
                return;
            }

            FinishCarriedLine(data[..newline]);
            position = newline + 1;
            if (Stopped)
            {
                return;
            }
        }

        var rest = data[position..];
        var lineStart = _offset + position;
        while (true)
        {
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            if (!_builder.Accept(rest[..newline], lineStart))
            {
                Stopped = true;
                return;
            }

            rest = rest[(newline + 1)..];
            lineStart += newline + 1;
        }

        _lineStart = lineStart;
        _carryLength = 0;
        ExtendCarry(rest);
        _offset += data.Length;
    }

    /// <summary>Parses the last line when the input does not end with a newline.</summary>
    public void Complete()
    {
        if (!Stopped && !_discarding && _carryLength > 0)
        {
            Stopped = !_builder.Accept(_carry.AsSpan(0, _carryLength), _lineStart);
        }

        _carryLength = 0;
        _discarding = false;
    }

    private void FinishCarriedLine(ReadOnlySpan<byte> end)
    {
        if (_discarding)
        {
            _discarding = false;
            return;
        }

        if ((long)_carryLength + end.Length > _maxLineLength)
        {
            _builder.SkipOversizedLine(_carry.AsSpan(0, Math.Min(_carryLength, OversizedHeadLength)), _lineStart);
        }
        else
        {
            end.CopyTo(Carry(_carryLength + end.Length).AsSpan(_carryLength));
            Stopped = !_builder.Accept(_carry.AsSpan(0, _carryLength + end.Length), _lineStart);
        }

        _carryLength = 0;
    }

    private void ExtendCarry(ReadOnlySpan<byte> part)
    {
        if (_discarding || part.IsEmpty)
        {
            return;
        }

        if ((long)_carryLength + part.Length > _maxLineLength)
        {
            var head = _carryLength > 0 ? _carry.AsSpan(0, Math.Min(_carryLength, OversizedHeadLength)) : part[..Math.Min(part.Length, OversizedHeadLength)];
            _builder.SkipOversizedLine(head, _lineStart);
            _discarding = true;
            _carryLength = 0;
            return;
        }

        part.CopyTo(Carry(_carryLength + part.Length).AsSpan(_carryLength));
        _carryLength += part.Length;
    }

    /// <summary>The carry buffer, grown (up to the line limit) to hold <paramref name="required"/> bytes.</summary>
    private byte[] Carry(int required)
    {
        if (_carry is null || _carry.Length < required)
        {
            var size = Math.Min(_maxLineLength, Math.Max(required, Math.Max(256, (_carry?.Length ?? 0) * 2)));
            Array.Resize(ref _carry, size);
        }

        return _carry;
    }
}
