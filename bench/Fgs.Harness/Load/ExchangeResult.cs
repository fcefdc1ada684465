namespace Fgs.Harness.Load;

/// <summary>What one request/response exchange returned, as far as the generator parses it.</summary>
/// <param name="Status">HTTP status code, or 0 when the exchange failed (connection error).</param>
/// <param name="ColdStart">The response carried <c>X-Cff-Cold-Start: true</c>.</param>
/// <param name="ErrorCodeMatched">The body (of a non-200 response) contained the watched error code.</param>
public readonly record struct ExchangeResult(int Status, bool ColdStart, bool ErrorCodeMatched);
