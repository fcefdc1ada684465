namespace Fgs.Core.Errors;

/// <summary>
/// A FunctionGraph-style error: the HTTP status to answer with, the <c>FSS.xxxx</c> code and a
/// human-readable message. Expected failures are values, not exceptions; build them with
/// <see cref="FgsErrors"/>. <c>default(FgsError)</c> is "no error" (see <see cref="IsEmpty"/>).
/// </summary>
/// <param name="HttpStatus">The HTTP status code of the response (400, 404, 429, ...).</param>
/// <param name="ErrorCode">The FunctionGraph error code, e.g. <c>FSS.0400</c>.</param>
/// <param name="ErrorMessage">The message sent as <c>error_msg</c>.</param>
public readonly record struct FgsError(int HttpStatus, string ErrorCode, string ErrorMessage)
{
    /// <summary>True for <c>default(FgsError)</c>, which stands for "no error".</summary>
    public bool IsEmpty => ErrorCode is null;

    /// <summary>The JSON body <c>{"error_code","error_msg"}</c> for this error.</summary>
    public ErrorBody ToBody() => new() { ErrorCode = ErrorCode ?? string.Empty, ErrorMsg = ErrorMessage ?? string.Empty };

    /// <inheritdoc />
    public override string ToString() => $"{HttpStatus} {ErrorCode}: {ErrorMessage}";
}
