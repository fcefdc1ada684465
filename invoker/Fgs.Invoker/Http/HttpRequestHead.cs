using System.Buffers;
using System.Text;

namespace Fgs.Invoker.Http;

/// <summary>
/// One parsed HTTP/1.x request head, filled by <see cref="HttpRequestParser.TryParseHead"/>.
/// Meant to be reused for every request of a connection: the request-line and header bytes are
/// copied into a buffer the instance owns, so parsing allocates nothing in steady state and the
/// spans handed out stay valid after the connection's input buffer has been advanced — until the
/// next <see cref="Reset"/> or parse into this instance.
/// </summary>
/// <remarks>The contents are meaningful only after a parse that returned <see cref="ParseStatus.Complete"/>.
/// Not thread-safe.</remarks>
public sealed class HttpRequestHead
{
    /// <summary>The most header fields one head can hold (the ceiling for <see cref="HttpParserLimits.MaxHeaderCount"/>).</summary>
    public const int MaxHeaderCapacity = 100;

    /// <summary>The default size of the owned byte buffer.</summary>
    public const int DefaultBufferSize = 16 * 1024;

    // Per header: name offset, name length, value offset, value length (into _buffer).
    private const int EntryInts = 4;

    private readonly int[] _entries = new int[MaxHeaderCapacity * EntryInts];
    private byte[] _buffer;
    private int _used;
    private int _headerCount;
    private int _methodOffset;
    private int _methodLength;
    private int _targetOffset;
    private int _targetLength;
    private int _pathLength;
    private bool _connectionClose;
    private bool _connectionKeepAlive;
    private bool _expectContinue;

    /// <summary>Creates a head with a <see cref="DefaultBufferSize"/> buffer.</summary>
    public HttpRequestHead()
        : this(DefaultBufferSize)
    {
    }

    /// <summary>Creates a head whose owned buffer starts at <paramref name="initialBufferSize"/> bytes;
    /// it grows (up to the parser's <see cref="HttpParserLimits.MaxHeaderBytes"/>) only for larger heads.</summary>
    public HttpRequestHead(int initialBufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialBufferSize, 1);
        _buffer = GC.AllocateUninitializedArray<byte>(initialBufferSize);
        Reset();
    }

    /// <summary>The request method.</summary>
    public HttpMethodKind Method { get; internal set; }

    /// <summary>The method token as received (e.g. <c>GET</c>).</summary>
    public ReadOnlySpan<byte> MethodBytes => _buffer.AsSpan(_methodOffset, _methodLength);

    /// <summary>The raw request-target as received (e.g. <c>/a/b?x=1</c>), not decoded.</summary>
    public ReadOnlySpan<byte> Target => _buffer.AsSpan(_targetOffset, _targetLength);

    /// <summary>The request-target up to (excluding) the first <c>?</c>; the whole target if there is none.</summary>
    public ReadOnlySpan<byte> Path => _buffer.AsSpan(_targetOffset, _pathLength);

    /// <summary>The request-target after the first <c>?</c> (without it); empty if there is none.</summary>
    public ReadOnlySpan<byte> Query => _pathLength < _targetLength
        ? _buffer.AsSpan(_targetOffset + _pathLength + 1, _targetLength - _pathLength - 1)
        : default;

    /// <summary>True for HTTP/1.1, false for HTTP/1.0.</summary>
    public bool IsHttp11 { get; internal set; }

    /// <summary>The Content-Length value, or -1 when the request has no Content-Length field.</summary>
    public long ContentLength { get; internal set; }

    /// <summary>True when the body is sent with <c>Transfer-Encoding: chunked</c>.</summary>
    public bool IsChunked { get; internal set; }

    /// <summary>
    /// Whether the connection stays open after this request: for HTTP/1.1 unless a Connection field
    /// lists <c>close</c>; for HTTP/1.0 only if a Connection field lists <c>keep-alive</c> (and not <c>close</c>).
    /// Connection fields are comma-separated lists, matched case-insensitively.
    /// </summary>
    public bool KeepAlive => !_connectionClose && (IsHttp11 || _connectionKeepAlive);

    /// <summary>True for an HTTP/1.1 request carrying <c>Expect: 100-continue</c> (case-insensitive).
    /// Ignored, as RFC 9110 10.1.1 allows, on HTTP/1.0.</summary>
    public bool ExpectContinue => _expectContinue && IsHttp11;

    /// <summary>The number of header fields, in the order received.</summary>
    public int HeaderCount => _headerCount;

    /// <summary>The name of header field <paramref name="index"/>, as received (case preserved).</summary>
    public ReadOnlySpan<byte> HeaderName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _headerCount);
        var e = index * EntryInts;
        return _buffer.AsSpan(_entries[e], _entries[e + 1]);
    }

    /// <summary>The value of header field <paramref name="index"/>, with leading and trailing SP/HTAB removed.</summary>
    public ReadOnlySpan<byte> HeaderValue(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _headerCount);
        var e = index * EntryInts;
        return _buffer.AsSpan(_entries[e + 2], _entries[e + 3]);
    }

    /// <summary>Finds the first header field named <paramref name="name"/> (ASCII case-insensitive).</summary>
    public bool TryGetHeader(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < _headerCount; i++)
        {
            var e = i * EntryInts;
            if (_entries[e + 1] == name.Length && Ascii.EqualsIgnoreCase(_buffer.AsSpan(_entries[e], _entries[e + 1]), name))
            {
                value = _buffer.AsSpan(_entries[e + 2], _entries[e + 3]);
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The value of the first header field named <paramref name="name"/> (ASCII case-insensitive),
    /// decoded as Latin-1, or null. Allocates: for cold paths.</summary>
    public string? GetHeaderString(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < _headerCount; i++)
        {
            var e = i * EntryInts;
            if (_entries[e + 1] == name.Length && Ascii.EqualsIgnoreCase(_buffer.AsSpan(_entries[e], _entries[e + 1]), name))
            {
                return Encoding.Latin1.GetString(_buffer, _entries[e + 2], _entries[e + 3]);
            }
        }

        return null;
    }

    /// <summary>Forgets the current request (keeps the owned buffer).</summary>
    public void Reset()
    {
        _used = 0;
        _headerCount = 0;
        _methodOffset = 0;
        _methodLength = 0;
        _targetOffset = 0;
        _targetLength = 0;
        _pathLength = 0;
        _connectionClose = false;
        _connectionKeepAlive = false;
        _expectContinue = false;
        Method = HttpMethodKind.Other;
        IsHttp11 = false;
        ContentLength = -1;
        IsChunked = false;
    }

    /// <summary>The owned buffer's current size (for tests and diagnostics).</summary>
    internal int BufferCapacity => _buffer.Length;

    /// <summary>The bytes stored so far.</summary>
    internal Span<byte> Stored(int offset, int length) => _buffer.AsSpan(offset, length);

    /// <summary>Copies a line into the buffer (growing it, at most to about <paramref name="cap"/>); returns its offset.</summary>
    internal int Append(ReadOnlySpan<byte> bytes, int cap)
    {
        var offset = _used;
        EnsureCapacity(offset + bytes.Length, cap);
        bytes.CopyTo(_buffer.AsSpan(offset));
        _used = offset + bytes.Length;
        return offset;
    }

    /// <summary>Copies a (possibly multi-segment) line into the buffer; returns its offset.</summary>
    internal int Append(in ReadOnlySequence<byte> bytes, int cap)
    {
        var offset = _used;
        var length = checked((int)bytes.Length);
        EnsureCapacity(offset + length, cap);
        bytes.CopyTo(_buffer.AsSpan(offset));
        _used = offset + length;
        return offset;
    }

    /// <summary>Drops stored bytes from <paramref name="used"/> on.</summary>
    internal void Truncate(int used) => _used = used;

    internal void SetRequestLine(int methodOffset, int methodLength, int targetOffset, int targetLength, int pathLength)
    {
        _methodOffset = methodOffset;
        _methodLength = methodLength;
        _targetOffset = targetOffset;
        _targetLength = targetLength;
        _pathLength = pathLength;
    }

    /// <summary>Records a header field; false when the head is full.</summary>
    internal bool TryAddHeader(int nameOffset, int nameLength, int valueOffset, int valueLength)
    {
        if (_headerCount == MaxHeaderCapacity)
        {
            return false;
        }

        var e = _headerCount * EntryInts;
        _entries[e] = nameOffset;
        _entries[e + 1] = nameLength;
        _entries[e + 2] = valueOffset;
        _entries[e + 3] = valueLength;
        _headerCount++;
        return true;
    }

    internal void MarkConnectionClose() => _connectionClose = true;

    internal void MarkConnectionKeepAlive() => _connectionKeepAlive = true;

    internal void MarkExpectContinue() => _expectContinue = true;

    private void EnsureCapacity(int needed, int cap)
    {
        if (needed <= _buffer.Length)
        {
            return;
        }

        var size = Math.Max(needed, Math.Min(_buffer.Length * 2, cap));
        var grown = GC.AllocateUninitializedArray<byte>(size);
        _buffer.AsSpan(0, _used).CopyTo(grown);
        _buffer = grown;
    }
}
