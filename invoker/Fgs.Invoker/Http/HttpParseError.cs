namespace Fgs.Invoker.Http;

/// <summary>Why a request head or a chunked body was rejected.</summary>
public enum HttpParseError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The request line is not <c>METHOD SP request-target SP HTTP/x.y</c> ended by CRLF,
    /// or too many empty lines precede it.</summary>
    InvalidRequestLine,

    /// <summary>A well-formed HTTP version other than HTTP/1.0 and HTTP/1.1 (e.g. HTTP/2.0, HTTP/1.2).</summary>
    UnsupportedVersion,

    /// <summary>A malformed header (or trailer) field line: non-token name, whitespace before the colon,
    /// obs-fold, control characters in the value, or a line not ended by CRLF.</summary>
    InvalidHeader,

    /// <summary>The request head (or the trailer section of a chunked body) exceeds its size limit.</summary>
    HeadersTooLarge,

    /// <summary>More header fields than <see cref="HttpParserLimits.MaxHeaderCount"/>.</summary>
    TooManyHeaders,

    /// <summary>The request line exceeds <see cref="HttpParserLimits.MaxRequestLineBytes"/>.</summary>
    RequestTargetTooLong,

    /// <summary>A Content-Length value that is not all digits, or overflows a 64-bit integer.</summary>
    InvalidContentLength,

    /// <summary>Both Content-Length and Transfer-Encoding, or several Content-Length fields with different values.</summary>
    ConflictingLength,

    /// <summary>A Transfer-Encoding other than exactly <c>chunked</c>, or any Transfer-Encoding on an HTTP/1.0 request.</summary>
    UnsupportedTransferEncoding,

    /// <summary>A malformed chunked body: bad chunk-size line, chunk-size overflow, missing CRLF after chunk data.</summary>
    InvalidChunk,

    /// <summary>The decoded body exceeds the allowed size.</summary>
    BodyTooLarge,
}
