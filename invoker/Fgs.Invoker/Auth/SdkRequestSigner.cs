using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fgs.Invoker.Auth;

/// <summary>
/// The Huawei Cloud <c>SDK-HMAC-SHA256</c> (AK/SK) request signature, reproduced byte for byte from the official
/// Node SDK (<c>@huaweicloud/huaweicloud-sdk-core</c> 3.1.211, <c>auth/AKSKSigner.js</c>).
/// </summary>
/// <remarks>
/// <para>Canonical request (lines joined with <c>\n</c>):</para>
/// <list type="number">
/// <item>the method as sent;</item>
/// <item>the canonical URI: the path split on <c>/</c>, every segment percent-encoded (RFC 3986 unreserved
/// characters kept, UTF-8, upper-case hex; so the <c>:</c> of a function URN becomes <c>%3A</c>), re-joined,
/// with a trailing <c>/</c> appended when missing. The SDK encodes the path of Node's legacy <c>url.parse</c>
/// while axios sends the WHATWG form, so from the wire a <c>%XX</c> of an ASCII byte is encoded again
/// (<c>%2520</c>), a <c>%XX</c> of a non-ASCII byte is kept (<c>%C3%A9</c>) and a raw <c>' ^ |</c> (escaped by
/// <c>url.parse</c> only) becomes <c>%2527</c>, <c>%255E</c>, <c>%257C</c>;</item>
/// <item>the canonical query: parameters decoded, sorted by name then value (ordinal UTF-16), names and values
/// re-encoded as above, <c>name=value</c> joined with <c>&amp;</c> (a parameter without <c>=</c> has an empty value);</item>
/// <item>the canonical headers: one <c>name:value\n</c> line per signed header, lower-case name, value verbatim (the
/// values of a repeated header joined with <c>,</c>), in the order of JavaScript's <c>localeCompare</c> (ICU root
/// collation, where <c>_</c> sorts before <c>-</c>), followed by the empty line;</item>
/// <item>the signed header names, lower case, ordinal order, joined with <c>;</c>;</item>
/// <item>the lower-case hex SHA-256 of the body, or the value of <c>X-Sdk-Content-Sha256</c> when present
/// (<c>UNSIGNED-PAYLOAD</c>).</item>
/// </list>
/// <para>String to sign: <c>SDK-HMAC-SHA256\n{X-Sdk-Date}\n{hex SHA-256 of the canonical request}</c>; the signature
/// is the lower-case hex HMAC-SHA256 of it keyed with the UTF-8 secret key. The SDK signs every header it sets itself
/// (<c>Content-Type</c>, <c>X-Project-Id</c>, <c>X-Cff-*</c>, <c>X-Sdk-Content-Sha256</c>…) plus <c>host</c> and
/// <c>X-Sdk-Date</c>; <c>User-Agent</c>, <c>Accept</c>, <c>Content-Length</c> are added later and not signed.</para>
/// </remarks>
public static class SdkRequestSigner
{
    /// <summary>The scheme in the <c>Authorization</c> header and the first line of the string to sign.</summary>
    public const string Algorithm = "SDK-HMAC-SHA256";

    /// <summary>The header carrying the signing time.</summary>
    public const string DateHeader = "X-Sdk-Date";

    /// <summary>The optional header replacing the body hash in the canonical request.</summary>
    public const string ContentSha256Header = "X-Sdk-Content-Sha256";

    /// <summary>The <see cref="ContentSha256Header"/> value that leaves the body unsigned.</summary>
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>The format of <see cref="DateHeader"/> (UTC).</summary>
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>The hex SHA-256 of an empty body.</summary>
    public const string EmptyBodySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private const string HostHeader = "host";

    // Node's legacy url.parse escapes these in a path; WHATWG URL (what goes on the wire) leaves ' ^ | \ raw.
    private const string LegacyAutoEscaped = "\t\n\r \"'<>\\^`{|}";

    private static readonly SearchValues<char> AmbiguousPathChars = SearchValues.Create("%" + LegacyAutoEscaped);

    // The order of JavaScript's String.prototype.localeCompare (ICU root collation) for the characters allowed in a
    // lower-cased header name: punctuation first, in this order, then digits, then letters.
    private const string HeaderNameCollation = "_-!.'*&#%`^+|~$0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>Formats a time as an <c>X-Sdk-Date</c> value (<c>yyyyMMdd'T'HHmmss'Z'</c>, UTC).</summary>
    /// <param name="date">The signing time.</param>
    /// <returns>The header value.</returns>
    public static string FormatDate(DateTimeOffset date) =>
        date.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses an <c>X-Sdk-Date</c> value; only the exact <c>yyyyMMdd'T'HHmmss'Z'</c> form is accepted.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="date">The parsed UTC time.</param>
    /// <returns>Whether <paramref name="value"/> was well formed.</returns>
    public static bool TryParseDate(string? value, out DateTimeOffset date)
    {
        if (value is { Length: 16 }
            && DateTime.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            date = new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
            return true;
        }

        date = default;
        return false;
    }

    /// <summary>The lower-case hex SHA-256 of a body, as used in the canonical request.</summary>
    /// <param name="body">The body bytes.</param>
    /// <returns>64 lower-case hex characters.</returns>
    public static string HashPayload(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>
    /// Signs a request like the SDK does: every header in <paramref name="headers"/> is signed (they must include
    /// <c>Host</c>, exactly as it will be sent), plus <c>X-Sdk-Date</c>. Headers added afterwards (<c>User-Agent</c>,
    /// <c>Content-Length</c>…) are not covered.
    /// </summary>
    /// <param name="method">The HTTP method, as sent (e.g. <c>POST</c>).</param>
    /// <param name="rawPath">The path exactly as it goes on the wire (e.g. <c>/v2/{project}/fgs/functions/urn:fss:…:latest/invocations</c>).</param>
    /// <param name="rawQuery">The query as it goes on the wire, with or without the leading <c>?</c>; <see langword="null"/> or empty for none.</param>
    /// <param name="headers">The headers to sign, including <c>Host</c> (and <c>X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD</c> to leave the body unsigned).</param>
    /// <param name="body">The body bytes as sent.</param>
    /// <param name="accessKey">The access key (AK).</param>
    /// <param name="secretKey">The secret key (SK).</param>
    /// <param name="date">The signing time; ignored when <paramref name="headers"/> already has <c>X-Sdk-Date</c>.</param>
    /// <returns>The headers to add to the request: <c>X-Sdk-Date</c> (unless already there) and <c>Authorization</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="headers"/> has no <c>Host</c>, or <paramref name="rawPath"/> does not start with <c>/</c>.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Sign(
        string method,
        string rawPath,
        string? rawQuery,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> body,
        string accessKey,
        string secretKey,
        DateTimeOffset date)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(rawPath);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
        if (!rawPath.StartsWith('/'))
        {
            throw new ArgumentException("The path must start with '/'.", nameof(rawPath));
        }

        var all = new List<KeyValuePair<string, string>>(headers.Count + 1);
        all.AddRange(headers);
        var sdkDate = FindSingle(headers, DateHeader);
        var addDate = sdkDate is null;
        if (addDate)
        {
            sdkDate = FormatDate(date);
            all.Add(new(DateHeader, sdkDate));
        }

        var names = new List<string>(all.Count);
        foreach (var header in all)
        {
            var name = header.Key.ToLowerInvariant();
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        if (!names.Contains(HostHeader))
        {
            throw new ArgumentException("The headers to sign must include Host, as it will be sent.", nameof(headers));
        }

        names.Sort(StringComparer.Ordinal);
        var signedHeaders = string.Join(';', names);
        BuildCanonicalHeaders(names, all, out var canonicalHeaders);
        var payloadHash = FindSingle(all, ContentSha256Header) ?? HashPayload(body);
        var canonicalRequest = BuildCanonicalRequest(
            method, CanonicalUri(rawPath, decodeFirst: false), CanonicalQuery(rawQuery), canonicalHeaders!, signedHeaders, payloadHash);
        var signature = Convert.ToHexStringLower(ComputeSignature(secretKey, sdkDate!, canonicalRequest));
        var authorization = $"{Algorithm} Access={accessKey}, SignedHeaders={signedHeaders}, Signature={signature}";
        return addDate
            ? [new(DateHeader, sdkDate!), new("Authorization", authorization)]
            : [new("Authorization", authorization)];
    }

    /// <summary>Builds the canonical request (SDK form) from its parts.</summary>
    internal static string BuildCanonicalRequest(
        string method, string canonicalUri, string canonicalQuery, string canonicalHeaders, string signedHeaders, string payloadHash) =>
        string.Concat(method, "\n", canonicalUri, "\n", canonicalQuery, "\n", canonicalHeaders, "\n", signedHeaders, "\n", payloadHash);

    /// <summary>The raw HMAC-SHA256 signature of a canonical request.</summary>
    internal static byte[] ComputeSignature(string secretKey, string sdkDate, string canonicalRequest)
    {
        var canonicalHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var stringToSign = string.Concat(Algorithm, "\n", sdkDate, "\n", canonicalHash);
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(stringToSign));
    }

    /// <summary>
    /// Builds the canonical headers for <paramref name="lowerNames"/> (lower-case signed header names, any order).
    /// Returns the first name absent from <paramref name="headers"/> (and a null <paramref name="canonicalHeaders"/>),
    /// or <see langword="null"/> when all are present.
    /// </summary>
    internal static string? BuildCanonicalHeaders(
        IReadOnlyList<string> lowerNames, IReadOnlyList<KeyValuePair<string, string>> headers, out string? canonicalHeaders)
    {
        var sorted = new string[lowerNames.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = lowerNames[i];
        }

        Array.Sort(sorted, CompareHeaderNames);
        var builder = new StringBuilder(sorted.Length * 32);
        foreach (var name in sorted)
        {
            builder.Append(name).Append(':');
            var found = false;
            foreach (var header in headers)
            {
                if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    if (found)
                    {
                        builder.Append(',');
                    }

                    builder.Append(header.Value);
                    found = true;
                }
            }

            if (!found)
            {
                canonicalHeaders = null;
                return name;
            }

            builder.Append('\n');
        }

        canonicalHeaders = builder.ToString();
        return null;
    }

    /// <summary>
    /// Orders lower-case header names like JavaScript's <c>a.localeCompare(b)</c> (ICU root collation), which the SDK
    /// uses for the canonical header lines (the <c>SignedHeaders</c> list itself is in ordinal order).
    /// </summary>
    internal static int CompareHeaderNames(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var difference = CollationRank(x[i]) - CollationRank(y[i]);
            if (difference != 0)
            {
                return difference;
            }
        }

        return x.Length - y.Length;
    }

    /// <summary>
    /// The canonical URI of a raw path. With <paramref name="decodeFirst"/> false it reproduces the Node SDK from
    /// the path axios puts on the wire; with true it is the generic form (every segment fully percent-decoded, then
    /// encoded), which a client that signs the decoded path (and escapes it on the wire) produces.
    /// </summary>
    internal static string CanonicalUri(ReadOnlySpan<char> rawPath, bool decodeFirst)
    {
        var builder = new StringBuilder(rawPath.Length + 32);
        var bytes = decodeFirst ? new List<byte>(64) : null;
        while (true)
        {
            var slash = rawPath.IndexOf('/');
            var segment = slash < 0 ? rawPath : rawPath[..slash];
            if (bytes is null)
            {
                AppendNodeSegment(builder, segment);
            }
            else
            {
                bytes.Clear();
                PercentDecode(segment, bytes);
                foreach (var b in bytes)
                {
                    AppendEncodedByte(builder, b);
                }
            }

            if (slash < 0)
            {
                break;
            }

            builder.Append('/');
            rawPath = rawPath[(slash + 1)..];
        }

        if (builder.Length == 0 || builder[^1] != '/')
        {
            builder.Append('/');
        }

        return builder.ToString();
    }

    /// <summary>Whether <see cref="CanonicalUri"/> can differ between its two forms for this path.</summary>
    internal static bool HasAmbiguousPath(ReadOnlySpan<char> rawPath) => rawPath.IndexOfAny(AmbiguousPathChars) >= 0;

    /// <summary>The canonical query string of a raw query (with or without the leading <c>?</c>).</summary>
    internal static string CanonicalQuery(ReadOnlySpan<char> rawQuery)
    {
        if (rawQuery.StartsWith('?'))
        {
            rawQuery = rawQuery[1..];
        }

        if (rawQuery.IsEmpty)
        {
            return string.Empty;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        var bytes = new List<byte>(64);
        foreach (var range in rawQuery.Split('&'))
        {
            var part = rawQuery[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var equals = part.IndexOf('=');
            var key = DecodeToString(equals < 0 ? part : part[..equals], bytes);
            var value = equals < 0 ? string.Empty : DecodeToString(part[(equals + 1)..], bytes);
            pairs.Add(new(key, value));
        }

        pairs.Sort(static (a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
        });
        var builder = new StringBuilder(rawQuery.Length + 16);
        foreach (var pair in pairs)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            AppendEncodedString(builder, pair.Key);
            builder.Append('=');
            AppendEncodedString(builder, pair.Value);
        }

        return builder.ToString();
    }

    /// <summary>The value of the only header named <paramref name="name"/>; <see langword="null"/> when absent (first one when repeated).</summary>
    internal static string? FindSingle(IReadOnlyList<KeyValuePair<string, string>> headers, string name)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    private static int CollationRank(char c)
    {
        var rank = HeaderNameCollation.IndexOf(c);
        return rank >= 0 ? rank : HeaderNameCollation.Length + c;
    }

    private static void AppendNodeSegment(StringBuilder builder, ReadOnlySpan<char> segment)
    {
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '%')
            {
                if (i + 2 < segment.Length && TryHexByte(segment[i + 1], segment[i + 2], out var b) && b >= 0x80)
                {
                    // Non-ASCII: url.parse left the character raw and the SDK encoded it to this very escape.
                    AppendEncodedByte(builder, b);
                    i += 2;
                }
                else
                {
                    // An ASCII escape: url.parse kept it as text, so the SDK encoded its '%'.
                    builder.Append("%25");
                }
            }
            else if (c < 0x80)
            {
                if (LegacyAutoEscaped.Contains(c, StringComparison.Ordinal))
                {
                    builder.Append("%25").Append(HexUpper(c >> 4)).Append(HexUpper(c & 0xF));
                }
                else
                {
                    AppendEncodedByte(builder, (byte)c);
                }
            }
            else
            {
                var end = i + 1;
                if (char.IsHighSurrogate(c) && end < segment.Length && char.IsLowSurrogate(segment[end]))
                {
                    end++;
                }

                AppendEncodedUtf8(builder, segment[i..end]);
                i = end - 1;
            }
        }
    }

    private static void AppendEncodedString(StringBuilder builder, string value)
    {
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] >= 0x80)
            {
                continue;
            }

            if (start < i)
            {
                AppendEncodedUtf8(builder, value.AsSpan(start, i - start));
            }

            AppendEncodedByte(builder, (byte)value[i]);
            start = i + 1;
        }

        if (start < value.Length)
        {
            AppendEncodedUtf8(builder, value.AsSpan(start));
        }
    }

    private static void AppendEncodedUtf8(StringBuilder builder, ReadOnlySpan<char> chars)
    {
        Span<byte> buffer = stackalloc byte[256];
        Span<byte> bytes = Encoding.UTF8.GetMaxByteCount(chars.Length) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(chars, buffer)]
            : Encoding.UTF8.GetBytes(chars.ToArray());
        foreach (var b in bytes)
        {
            AppendEncodedByte(builder, b);
        }
    }

    private static void AppendEncodedByte(StringBuilder builder, byte b)
    {
        if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
        {
            builder.Append((char)b);
        }
        else
        {
            builder.Append('%').Append(HexUpper(b >> 4)).Append(HexUpper(b & 0xF));
        }
    }

    private static string DecodeToString(ReadOnlySpan<char> encoded, List<byte> scratch)
    {
        if (encoded.IndexOf('%') < 0)
        {
            return encoded.ToString();
        }

        scratch.Clear();
        PercentDecode(encoded, scratch);
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scratch));
    }

    private static void PercentDecode(ReadOnlySpan<char> encoded, List<byte> output)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%' && i + 2 < encoded.Length && TryHexByte(encoded[i + 1], encoded[i + 2], out var b))
            {
                output.Add(b);
                i += 2;
            }
            else if (c < 0x80)
            {
                output.Add((byte)c);
            }
            else
            {
                var end = i + 1;
                if (char.IsHighSurrogate(c) && end < encoded.Length && char.IsLowSurrogate(encoded[end]))
                {
                    end++;
                }

                var written = Encoding.UTF8.GetBytes(encoded[i..end], utf8);
                for (var j = 0; j < written; j++)
                {
                    output.Add(utf8[j]);
                }

                i = end - 1;
            }
        }
    }

    private static bool TryHexByte(char high, char low, out byte value)
    {
        var h = HexValue(high);
        var l = HexValue(low);
        value = (byte)((h << 4) | l);
        return h >= 0 && l >= 0;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static char HexUpper(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
