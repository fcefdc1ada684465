using System.Text;

namespace Fgs.Core.Invocations;

/// <summary>
/// Keeps the last <see cref="Capacity"/> bytes written to it (the tail of an invocation's log,
/// returned with <c>X-Cff-Log-Type: tail</c>). Thread-safe: instance output readers and the
/// dispatcher append concurrently.
/// </summary>
public sealed class LogTail
{
    /// <summary>FunctionGraph returns the last 4 KB of an invocation's log.</summary>
    public const int DefaultCapacity = 4096;

    private readonly byte[] _ring;
    private long _written;

    /// <summary>Creates a tail keeping the last <paramref name="capacity"/> bytes.</summary>
    public LogTail(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ring = new byte[capacity];
    }

    /// <summary>How many bytes the tail keeps.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Total bytes ever appended.</summary>
    public long TotalBytes { get { lock (_ring) { return _written; } } }

    /// <summary>Appends bytes, dropping the oldest beyond the capacity.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_ring)
        {
            if (data.Length >= _ring.Length)
            {
                data[^_ring.Length..].CopyTo(_ring);
                _written += data.Length;
                // Re-base so the ring starts at index 0: choose _written so that _written % cap == 0 is not
                // required; CopyTo above placed the newest bytes at [0, cap), so align the write position.
                _written -= _written % _ring.Length;
                return;
            }
            var pos = (int)(_written % _ring.Length);
            var first = Math.Min(data.Length, _ring.Length - pos);
            data[..first].CopyTo(_ring.AsSpan(pos));
            data[first..].CopyTo(_ring);
            _written += data.Length;
        }
    }

    /// <summary>Appends a line of text (UTF-8) followed by a newline.</summary>
    public void AppendLine(string line)
    {
        Span<byte> small = stackalloc byte[256];
        var max = Encoding.UTF8.GetMaxByteCount(line.Length) + 1;
        var buffer = max <= small.Length ? small : new byte[max];
        var n = Encoding.UTF8.GetBytes(line, buffer);
        buffer[n++] = (byte)'\n';
        Append(buffer[..n]);
    }

    /// <summary>The retained bytes, oldest first.</summary>
    public byte[] ToArray()
    {
        lock (_ring)
        {
            if (_written <= _ring.Length)
            {
                return _ring.AsSpan(0, (int)_written).ToArray();
            }
            var pos = (int)(_written % _ring.Length);
            var result = new byte[_ring.Length];
            _ring.AsSpan(pos).CopyTo(result);
            _ring.AsSpan(0, pos).CopyTo(result.AsSpan(_ring.Length - pos));
            return result;
        }
    }

    /// <summary>The retained text. A multi-byte character cut at the start is replaced.</summary>
    public override string ToString() => Encoding.UTF8.GetString(ToArray());
}
