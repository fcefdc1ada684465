using Fgs.Core.Errors;

namespace Fgs.Invoker.Api;

/// <summary>The answer of a management operation: a JSON body, or an error.</summary>
internal readonly record struct ApiResult(byte[]? Json, FgsError? Error)
{
    public static ApiResult Ok(byte[]? json) => new(json, null);

    public static ApiResult Fail(FgsError error) => new(null, error);

    public static implicit operator ApiResult(FgsError error) => Fail(error);
}
