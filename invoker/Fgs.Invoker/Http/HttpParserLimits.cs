namespace Fgs.Invoker.Http;

/// <summary>Size limits for <see cref="HttpRequestParser.TryParseHead"/>. Immutable; share one instance.</summary>
/// <remarks>
/// The limits are enforced on the buffered bytes before parsing goes further: a request line or
/// head that has already outgrown its limit is rejected even if its terminating CRLF has not arrived.
/// </remarks>
public sealed class HttpParserLimits
{
    private readonly int _maxRequestLineBytes = 8192;
    private readonly int _maxHeaderBytes = 32768;
    private readonly int _maxHeaderCount = HttpRequestHead.MaxHeaderCapacity;

    /// <summary>The defaults: 8 KiB request line, 32 KiB head, 100 header fields.</summary>
    public static HttpParserLimits Default { get; } = new();

    /// <summary>The longest request line accepted, in bytes, excluding its CRLF (default 8192).
    /// Longer ones fail with <see cref="HttpParseError.RequestTargetTooLong"/>.</summary>
    public int MaxRequestLineBytes
    {
        get => _maxRequestLineBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxRequestLineBytes = value;
        }
    }

    /// <summary>The largest request head accepted, in bytes, counted from the start of the buffer
    /// (leading empty lines and the request line included) through the final CRLF CRLF (default 32768).
    /// Larger ones fail with <see cref="HttpParseError.HeadersTooLarge"/>.</summary>
    public int MaxHeaderBytes
    {
        get => _maxHeaderBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 4);
            _maxHeaderBytes = value;
        }
    }

    /// <summary>The most header fields accepted (default and maximum
    /// <see cref="HttpRequestHead.MaxHeaderCapacity"/>). More fail with <see cref="HttpParseError.TooManyHeaders"/>.</summary>
    public int MaxHeaderCount
    {
        get => _maxHeaderCount;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, HttpRequestHead.MaxHeaderCapacity);
            _maxHeaderCount = value;
        }
    }
}
