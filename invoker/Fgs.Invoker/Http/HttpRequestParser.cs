using System.Buffers;
using System.Text;

namespace Fgs.Invoker.Http;

/// <summary>
/// A stateless, allocation-free HTTP/1.1 request-head parser (RFC 9112) for buffers read from a
/// <c>PipeReader</c>. Each call parses from the start of the buffer; the caller advances the reader
/// with the returned positions and calls again when more bytes arrive.
/// </summary>
/// <remarks>
/// <para>Strict by design, since the data plane sits behind other proxies (request smuggling):
/// lines must end with CRLF (a bare LF is an error); up to <see cref="MaxLeadingEmptyLines"/> empty
/// lines before the request line are skipped (RFC 9112 2.2); the request-target must be visible
/// ASCII (0x21-0x7E); header names must be tokens immediately followed by the colon; obs-fold is
/// rejected; values may contain HTAB, SP, visible ASCII and obs-text (0x80-0xFF) but no other
/// control characters.</para>
/// <para>Framing: Content-Length must be all digits and fit a 64-bit integer; repeated identical
/// Content-Length fields are accepted, differing ones are <see cref="HttpParseError.ConflictingLength"/>.
/// Transfer-Encoding must be a single field whose value is exactly <c>chunked</c> (any other or
/// additional coding is <see cref="HttpParseError.UnsupportedTransferEncoding"/>); Transfer-Encoding
/// together with Content-Length is <see cref="HttpParseError.ConflictingLength"/>. A Transfer-Encoding
/// field on an HTTP/1.0 request, whose framing RFC 9112 6.1 says to treat as faulty, is rejected as
/// <see cref="HttpParseError.UnsupportedTransferEncoding"/>.</para>
/// <para>Errors are reported as soon as a complete line proves them (or a limit is exceeded), so a
/// prefix of a malformed request is either <see cref="ParseStatus.Incomplete"/> or fails with the same error.</para>
/// </remarks>
public static class HttpRequestParser
{
    /// <summary>How many empty lines (CRLF) may precede the request line.</summary>
    public const int MaxLeadingEmptyLines = 8;

    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private const byte Sp = (byte)' ';
    private const byte Htab = (byte)'\t';

    /// <summary>tchar (RFC 9110 5.6.2).</summary>
    internal static readonly SearchValues<byte> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Control characters other than HTAB, and DEL: never allowed in a field value.</summary>
    internal static readonly SearchValues<byte> InvalidValueChars = SearchValues.Create(
        [
            0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
            0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F,
            0x7F,
        ]);

    /// <summary>
    /// Parses the request head at the start of <paramref name="buffer"/> into <paramref name="head"/>
    /// (which is reset first).
    /// </summary>
    /// <param name="buffer">The unconsumed input; any segmentation.</param>
    /// <param name="head">Receives the parsed head; meaningful only on <see cref="ParseStatus.Complete"/>.</param>
    /// <param name="limits">Size limits.</param>
    /// <param name="consumed">On <see cref="ParseStatus.Complete"/>, just past the CRLF CRLF ending the head
    /// (the body start); otherwise <paramref name="buffer"/>'s start.</param>
    /// <param name="examined">On <see cref="ParseStatus.Complete"/>, equal to <paramref name="consumed"/>;
    /// otherwise <paramref name="buffer"/>'s end.</param>
    /// <param name="error">Why the head is invalid; <see cref="HttpParseError.None"/> unless <see cref="ParseStatus.Invalid"/>.</param>
    /// <returns><see cref="ParseStatus.Complete"/>, <see cref="ParseStatus.Incomplete"/> (read more and call
    /// again), or <see cref="ParseStatus.Invalid"/> (respond with an error and close).</returns>
    public static ParseStatus TryParseHead(
        in ReadOnlySequence<byte> buffer,
        HttpRequestHead head,
        HttpParserLimits limits,
        out SequencePosition consumed,
        out SequencePosition examined,
        out HttpParseError error)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(limits);
        head.Reset();

        consumed = buffer.Start;
        examined = buffer.End;

        // Never look past the head limit: a head that does not end inside it is too large.
        var maxHead = limits.MaxHeaderBytes;
        var reader = new LineReader(buffer.Length > maxHead ? buffer.Slice(0, maxHead) : buffer);
        var cap = maxHead;

        // Request line, after at most MaxLeadingEmptyLines empty lines.
        var emptyLines = 0;
        while (true)
        {
            var lineStart = reader.Consumed;
            if (!reader.TryReadLine(head, cap, out var offset, out var length))
            {
                error = buffer.Length - lineStart >= (long)limits.MaxRequestLineBytes + 2
                    ? HttpParseError.RequestTargetTooLong
                    : buffer.Length > maxHead ? HttpParseError.HeadersTooLarge : HttpParseError.None;
                return error == HttpParseError.None ? ParseStatus.Incomplete : ParseStatus.Invalid;
            }

            // length counts the CR: the line without its CRLF is over the limit.
            if (length > (long)limits.MaxRequestLineBytes + 1)
            {
                error = HttpParseError.RequestTargetTooLong;
                return ParseStatus.Invalid;
            }

            if (length == 0 || head.Stored(offset + length - 1, 1)[0] != Cr)
            {
                error = HttpParseError.InvalidRequestLine;
                return ParseStatus.Invalid;
            }

            length--;
            if (length == 0)
            {
                head.Truncate(offset);
                if (++emptyLines > MaxLeadingEmptyLines)
                {
                    error = HttpParseError.InvalidRequestLine;
                    return ParseStatus.Invalid;
                }

                continue;
            }

            head.Truncate(offset + length);
            error = ParseRequestLine(head, offset, length);
            if (error != HttpParseError.None)
            {
                return ParseStatus.Invalid;
            }

            break;
        }

        // Header fields, up to the empty line.
        var maxCount = limits.MaxHeaderCount;
        while (true)
        {
            if (!reader.TryReadLine(head, cap, out var offset, out var length))
            {
                error = buffer.Length > maxHead ? HttpParseError.HeadersTooLarge : HttpParseError.None;
                return error == HttpParseError.None ? ParseStatus.Incomplete : ParseStatus.Invalid;
            }

            if (length == 0 || head.Stored(offset + length - 1, 1)[0] != Cr)
            {
                error = HttpParseError.InvalidHeader;
                return ParseStatus.Invalid;
            }

            length--;
            head.Truncate(offset + length);
            if (length == 0)
            {
                consumed = reader.Position;
                examined = consumed;
                error = HttpParseError.None;
                return ParseStatus.Complete;
            }

            if (head.HeaderCount >= maxCount)
            {
                error = HttpParseError.TooManyHeaders;
                return ParseStatus.Invalid;
            }

            error = ParseHeaderLine(head, offset, length);
            if (error != HttpParseError.None)
            {
                return ParseStatus.Invalid;
            }
        }
    }

    private static HttpParseError ParseRequestLine(HttpRequestHead head, int offset, int length)
    {
        var line = head.Stored(offset, length);

        var sp1 = line.IndexOf(Sp);
        if (sp1 <= 0)
        {
            return HttpParseError.InvalidRequestLine;
        }

        var method = line[..sp1];
        if (method.ContainsAnyExcept(TokenChars))
        {
            return HttpParseError.InvalidRequestLine;
        }

        var rest = line[(sp1 + 1)..];
        var sp2 = rest.IndexOf(Sp);
        if (sp2 <= 0)
        {
            return HttpParseError.InvalidRequestLine;
        }

        var target = rest[..sp2];
        if (target.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
        {
            return HttpParseError.InvalidRequestLine;
        }

        var version = rest[(sp2 + 1)..];
        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            head.IsHttp11 = true;
        }
        else if (version.SequenceEqual("HTTP/1.0"u8))
        {
            head.IsHttp11 = false;
        }
        else if (version.Length == 8 && version.StartsWith("HTTP/"u8)
            && char.IsAsciiDigit((char)version[5]) && version[6] == (byte)'.' && char.IsAsciiDigit((char)version[7]))
        {
            return HttpParseError.UnsupportedVersion;
        }
        else
        {
            return HttpParseError.InvalidRequestLine;
        }

        head.Method = ToMethodKind(method);
        var query = target.IndexOf((byte)'?');
        head.SetRequestLine(offset, sp1, offset + sp1 + 1, target.Length, query < 0 ? target.Length : query);
        return HttpParseError.None;
    }

    private static HttpMethodKind ToMethodKind(ReadOnlySpan<byte> method) => method.Length switch
    {
        3 when method.SequenceEqual("GET"u8) => HttpMethodKind.Get,
        3 when method.SequenceEqual("PUT"u8) => HttpMethodKind.Put,
        4 when method.SequenceEqual("POST"u8) => HttpMethodKind.Post,
        4 when method.SequenceEqual("HEAD"u8) => HttpMethodKind.Head,
        5 when method.SequenceEqual("PATCH"u8) => HttpMethodKind.Patch,
        6 when method.SequenceEqual("DELETE"u8) => HttpMethodKind.Delete,
        7 when method.SequenceEqual("OPTIONS"u8) => HttpMethodKind.Options,
        _ => HttpMethodKind.Other,
    };

    private static HttpParseError ParseHeaderLine(HttpRequestHead head, int offset, int length)
    {
        var line = head.Stored(offset, length);

        // A line starting with whitespace is obs-fold (RFC 9112 5.2), which a server may reject.
        if (line[0] is Sp or Htab)
        {
            return HttpParseError.InvalidHeader;
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return HttpParseError.InvalidHeader;
        }

        // Whitespace between the name and the colon is not a token character (RFC 9112 5.1).
        var name = line[..colon];
        if (name.ContainsAnyExcept(TokenChars))
        {
            return HttpParseError.InvalidHeader;
        }

        var valueStart = colon + 1;
        var valueEnd = length;
        while (valueStart < valueEnd && line[valueStart] is Sp or Htab)
        {
            valueStart++;
        }

        while (valueEnd > valueStart && line[valueEnd - 1] is Sp or Htab)
        {
            valueEnd--;
        }

        var value = line[valueStart..valueEnd];
        if (value.ContainsAny(InvalidValueChars))
        {
            return HttpParseError.InvalidHeader;
        }

        var error = ApplyKnownHeader(head, name, value);
        if (error != HttpParseError.None)
        {
            return error;
        }

        // The caller checked the count against the limit, which never exceeds the capacity.
        _ = head.TryAddHeader(offset, colon, offset + valueStart, value.Length);
        return HttpParseError.None;
    }

    private static HttpParseError ApplyKnownHeader(HttpRequestHead head, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        switch (name.Length)
        {
            case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8):
                if (!TryParseContentLength(value, out var contentLength))
                {
                    return HttpParseError.InvalidContentLength;
                }

                if (head.IsChunked || (head.ContentLength >= 0 && head.ContentLength != contentLength))
                {
                    return HttpParseError.ConflictingLength;
                }

                head.ContentLength = contentLength;
                return HttpParseError.None;

            case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8):
                // HTTP/1.0 framing with Transfer-Encoding is faulty (RFC 9112 6.1); a second field
                // would make the coding list "chunked, ..." or "..., chunked".
                if (!head.IsHttp11 || head.IsChunked || !Ascii.EqualsIgnoreCase(value, "chunked"u8))
                {
                    return HttpParseError.UnsupportedTransferEncoding;
                }

                if (head.ContentLength >= 0)
                {
                    return HttpParseError.ConflictingLength;
                }

                head.IsChunked = true;
                return HttpParseError.None;

            case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8):
                ApplyConnection(head, value);
                return HttpParseError.None;

            case 6 when Ascii.EqualsIgnoreCase(name, "Expect"u8):
                if (Ascii.EqualsIgnoreCase(value, "100-continue"u8))
                {
                    head.MarkExpectContinue();
                }

                return HttpParseError.None;

            default:
                return HttpParseError.None;
        }
    }

    private static void ApplyConnection(HttpRequestHead head, ReadOnlySpan<byte> value)
    {
        while (!value.IsEmpty)
        {
            var comma = value.IndexOf((byte)',');
            var option = (comma < 0 ? value : value[..comma]).Trim(" \t"u8);
            value = comma < 0 ? default : value[(comma + 1)..];
            if (Ascii.EqualsIgnoreCase(option, "close"u8))
            {
                head.MarkConnectionClose();
            }
            else if (Ascii.EqualsIgnoreCase(option, "keep-alive"u8))
            {
                head.MarkConnectionKeepAlive();
            }
        }
    }

    private static bool TryParseContentLength(ReadOnlySpan<byte> value, out long result)
    {
        result = 0;
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (var b in value)
        {
            var digit = (uint)(b - '0');
            if (digit > 9 || result > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            result = (result * 10) + digit;
        }

        return true;
    }

    /// <summary>
    /// Splits the head into lines and copies each into the head's buffer. Scans the first span
    /// directly (the usual case: the whole head arrived in one segment) and switches to a
    /// <see cref="SequenceReader{T}"/> only when a line crosses into the next segment.
    /// </summary>
    private ref struct LineReader
    {
        private readonly ReadOnlySequence<byte> _sequence;
        private readonly ReadOnlySpan<byte> _first;
        private SequenceReader<byte> _reader;
        private int _firstPos;
        private bool _inFirst;

        public LineReader(ReadOnlySequence<byte> sequence)
        {
            _sequence = sequence;
            _first = sequence.FirstSpan;
            _inFirst = true;
        }

        /// <summary>Bytes of the sequence consumed so far (through the last line's LF).</summary>
        public long Consumed => _inFirst ? _firstPos : _reader.Consumed;

        /// <summary>The position just past the last line's LF.</summary>
        public SequencePosition Position => _inFirst ? _sequence.GetPosition(_firstPos) : _reader.Position;

        /// <summary>Reads through the next LF, copying the line (without the LF) into the head's buffer.</summary>
        public bool TryReadLine(HttpRequestHead head, int cap, out int offset, out int length)
        {
            if (_inFirst)
            {
                var rest = _first[_firstPos..];
                var lf = rest.IndexOf(Lf);
                if (lf >= 0)
                {
                    offset = head.Append(rest[..lf], cap);
                    length = lf;
                    _firstPos += lf + 1;
                    return true;
                }

                if (_sequence.IsSingleSegment)
                {
                    offset = length = 0;
                    return false;
                }

                _inFirst = false;
                _reader = new SequenceReader<byte>(_sequence);
                _reader.Advance(_firstPos);
            }

            if (_reader.TryReadTo(out ReadOnlySequence<byte> line, Lf))
            {
                offset = head.Append(line, cap);
                length = (int)line.Length;
                return true;
            }

            offset = length = 0;
            return false;
        }
    }
}
