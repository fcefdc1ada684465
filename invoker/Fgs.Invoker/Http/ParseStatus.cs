namespace Fgs.Invoker.Http;

/// <summary>The outcome of one parse or decode step.</summary>
public enum ParseStatus
{
    /// <summary>More bytes are needed; nothing is wrong so far.</summary>
    Incomplete = 0,

    /// <summary>The element (request head, chunked body) is complete.</summary>
    Complete,

    /// <summary>The input is malformed or over a limit; the accompanying <see cref="HttpParseError"/> says why.</summary>
    Invalid,
}
