using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Fgs.Invoker.Http;

/// <summary>
/// Writes an HTTP/1.1 response head into an <see cref="IBufferWriter{T}"/> without allocating:
/// <see cref="WriteStatusLine"/>, then any number of <c>WriteHeader</c> calls, then <see cref="WriteEndOfHead"/>.
/// </summary>
/// <remarks>Header names must be tokens and values must not contain CR, LF or other control characters
/// (HTAB excepted); violations throw <see cref="ArgumentException"/> rather than let a caller inject lines.</remarks>
public static class HttpResponseHeadWriter
{
    /// <summary>Writes <c>HTTP/1.1 {status} {reason}\r\n</c>; the reason phrase is "Unknown" for uncommon codes.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="status">A three-digit status code (100-999).</param>
    public static void WriteStatusLine(IBufferWriter<byte> writer, int status)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 999);

        var reason = ReasonPhrase(status);
        var length = "HTTP/1.1 "u8.Length + 3 + 1 + reason.Length + 2;
        var span = writer.GetSpan(length);
        "HTTP/1.1 "u8.CopyTo(span);
        span[9] = (byte)('0' + (status / 100));
        span[10] = (byte)('0' + (status / 10 % 10));
        span[11] = (byte)('0' + (status % 10));
        span[12] = (byte)' ';
        reason.CopyTo(span[13..]);
        "\r\n"u8.CopyTo(span[(13 + reason.Length)..]);
        writer.Advance(length);
    }

    /// <summary>Writes <c>{name}: {value}\r\n</c>.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="name">The field name (a token).</param>
    /// <param name="value">The field value (no control characters other than HTAB).</param>
    public static void WriteHeader(IBufferWriter<byte> writer, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ValidateName(name);
        if (value.ContainsAny(HttpRequestParser.InvalidValueChars))
        {
            throw new ArgumentException("A header value must not contain control characters.", nameof(value));
        }

        var length = name.Length + 2 + value.Length + 2;
        var span = writer.GetSpan(length);
        name.CopyTo(span);
        var pos = name.Length;
        span[pos++] = (byte)':';
        span[pos++] = (byte)' ';
        value.CopyTo(span[pos..]);
        pos += value.Length;
        span[pos++] = (byte)'\r';
        span[pos] = (byte)'\n';
        writer.Advance(length);
    }

    /// <summary>Writes <c>{name}: {value}\r\n</c> with <paramref name="value"/> formatted as a decimal integer.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="name">The field name (a token).</param>
    /// <param name="value">The value (e.g. a Content-Length).</param>
    public static void WriteHeader(IBufferWriter<byte> writer, ReadOnlySpan<byte> name, long value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ValidateName(name);

        // A long is at most 20 characters ("-9223372036854775808").
        var span = writer.GetSpan(name.Length + 2 + 20 + 2);
        name.CopyTo(span);
        var pos = name.Length;
        span[pos++] = (byte)':';
        span[pos++] = (byte)' ';
        if (!Utf8Formatter.TryFormat(value, span[pos..], out var written))
        {
            throw new InvalidOperationException("The buffer writer returned less space than requested.");
        }

        pos += written;
        span[pos++] = (byte)'\r';
        span[pos++] = (byte)'\n';
        writer.Advance(pos);
    }

    /// <summary>Writes <c>{name}: {value}\r\n</c>, transcoding an ASCII <paramref name="value"/> (for cold paths).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="name">The field name (a token).</param>
    /// <param name="value">The field value: ASCII without control characters other than HTAB.</param>
    public static void WriteHeader(IBufferWriter<byte> writer, ReadOnlySpan<byte> name, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ValidateName(name);

        var length = name.Length + 2 + value.Length + 2;
        var span = writer.GetSpan(length);
        var valueSpan = span.Slice(name.Length + 2, value.Length);
        if (Ascii.FromUtf16(value, valueSpan, out _) != OperationStatus.Done)
        {
            throw new ArgumentException("A header value must be ASCII.", nameof(value));
        }

        if (valueSpan.ContainsAny(HttpRequestParser.InvalidValueChars))
        {
            throw new ArgumentException("A header value must not contain control characters.", nameof(value));
        }

        name.CopyTo(span);
        span[name.Length] = (byte)':';
        span[name.Length + 1] = (byte)' ';
        span[length - 2] = (byte)'\r';
        span[length - 1] = (byte)'\n';
        writer.Advance(length);
    }

    /// <summary>Writes the empty line (CRLF) that ends the head.</summary>
    /// <param name="writer">The destination.</param>
    public static void WriteEndOfHead(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("\r\n"u8);
    }

    /// <summary>The reason phrase written for <paramref name="status"/> ("Unknown" for uncommon codes).</summary>
    public static ReadOnlySpan<byte> ReasonPhrase(int status) => status switch
    {
        100 => "Continue"u8,
        200 => "OK"u8,
        201 => "Created"u8,
        202 => "Accepted"u8,
        204 => "No Content"u8,
        400 => "Bad Request"u8,
        401 => "Unauthorized"u8,
        403 => "Forbidden"u8,
        404 => "Not Found"u8,
        405 => "Method Not Allowed"u8,
        408 => "Request Timeout"u8,
        409 => "Conflict"u8,
        411 => "Length Required"u8,
        413 => "Content Too Large"u8,
        415 => "Unsupported Media Type"u8,
        429 => "Too Many Requests"u8,
        431 => "Request Header Fields Too Large"u8,
        500 => "Internal Server Error"u8,
        502 => "Bad Gateway"u8,
        503 => "Service Unavailable"u8,
        504 => "Gateway Timeout"u8,
        414 => "URI Too Long"u8,
        505 => "HTTP Version Not Supported"u8,
        _ => "Unknown"u8,
    };

    private static void ValidateName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.ContainsAnyExcept(HttpRequestParser.TokenChars))
        {
            throw new ArgumentException("A header name must be a non-empty token.", nameof(name));
        }
    }
}
