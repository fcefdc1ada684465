namespace Fgs.Core.Errors;

/// <summary>
/// The <c>FSS.xxxx</c> error codes this data plane answers with.
/// </summary>
/// <remarks>
/// <para>Codes marked <b>FG</b> are FunctionGraph's own, as published in the FunctionGraph API
/// reference's error-code table (status code, code and meaning taken from there). Codes marked
/// <b>ours</b> could not be verified against a public FunctionGraph source and were assigned by this
/// project in an unused range, keeping FunctionGraph's <c>FSS.</c> prefix.</para>
/// </remarks>
public static class FgsErrorCodes
{
    /// <summary>FG, 400: invalid parameter (generic validation failure).</summary>
    public const string InvalidParameter = "FSS.0400";

    /// <summary>FG, 401: unauthorized access.</summary>
    public const string Unauthorized = "FSS.0401";

    /// <summary>FG, 403: forbidden (also used for quota exhaustion without a dedicated code).</summary>
    public const string Forbidden = "FSS.0403";

    /// <summary>FG, 404: the specified resource was not found (generic).</summary>
    public const string NotFound = "FSS.0404";

    /// <summary>FG: "Not acceptable" (request format invalid, e.g. a body that is not the expected
    /// JSON); also FunctionGraph's code for an <c>X-Cff-Instance-Memory</c> value outside the memory
    /// list. We answer it with HTTP 400.</summary>
    public const string NotAcceptable = "FSS.0406";

    /// <summary>FG, 409: the specified resource already exists (generic).</summary>
    public const string Conflict = "FSS.0409";

    /// <summary>FG, 413: the request body is too large.</summary>
    public const string RequestEntityTooLarge = "FSS.0413";

    /// <summary>Ours, 415: unsupported media type (FunctionGraph's table has no 415 entry; the code
    /// follows its <c>FSS.0&lt;status&gt;</c> pattern).</summary>
    public const string UnsupportedMediaType = "FSS.0415";

    /// <summary>FG, 429: too many requests ("Your request has been controlled by overload sdk, please retry later").</summary>
    public const string TooManyRequests = "FSS.0429";

    /// <summary>FG, 500: internal server error.</summary>
    public const string InternalError = "FSS.0500";

    /// <summary>FG, 503: service unavailable.</summary>
    public const string ServiceUnavailable = "FSS.0503";

    /// <summary>FG, 400: invalid query parameter.</summary>
    public const string InvalidQueryParameter = "FSS.1001";

    /// <summary>FG, 400: invalid function name.</summary>
    public const string InvalidFunctionName = "FSS.1002";

    /// <summary>FG, 400: invalid function handler.</summary>
    public const string InvalidHandler = "FSS.1003";

    /// <summary>FG, 400: invalid package (function app).</summary>
    public const string InvalidPackage = "FSS.1004";

    /// <summary>FG, 400: invalid runtime.</summary>
    public const string InvalidRuntime = "FSS.1005";

    /// <summary>FG, 400: invalid function code entry mode (<c>code_type</c>).</summary>
    public const string InvalidCodeType = "FSS.1006";

    /// <summary>FG, 400: invalid function memory.</summary>
    public const string InvalidMemory = "FSS.1007";

    /// <summary>FG, 400: invalid function timeout.</summary>
    public const string InvalidTimeout = "FSS.1008";

    /// <summary>FG, 400: invalid environment variables (<c>user_data</c>).</summary>
    public const string InvalidUserData = "FSS.1009";

    /// <summary>FG, 400: invalid function code.</summary>
    public const string InvalidCode = "FSS.1011";

    /// <summary>FG, 400: the function code must be configured.</summary>
    public const string CodeRequired = "FSS.1012";

    /// <summary>FG, 400: invalid function alias.</summary>
    public const string InvalidAlias = "FSS.1014";

    /// <summary>FG, 400: invalid function version.</summary>
    public const string InvalidVersion = "FSS.1015";

    /// <summary>FG, 400: the total size of environment variables exceeds the maximum allowed limit.</summary>
    public const string UserDataTooLarge = "FSS.1018";

    /// <summary>FG, 403: the number of aliases exceeds the maximum allowed limit.</summary>
    public const string AliasQuotaExceeded = "FSS.1043";

    /// <summary>FG, 404: the function does not exist ("Not found the function").</summary>
    public const string FunctionNotFound = "FSS.1051";

    /// <summary>FG, 404: the version does not exist.</summary>
    public const string VersionNotFound = "FSS.1052";

    /// <summary>FG, 404: the alias does not exist.</summary>
    public const string AliasNotFound = "FSS.1053";

    /// <summary>FG, 409: the function already exists.</summary>
    public const string FunctionAlreadyExists = "FSS.1061";

    /// <summary>FG, 409: the version already exists.</summary>
    public const string VersionAlreadyExists = "FSS.1062";

    /// <summary>FG, 409: the alias already exists.</summary>
    public const string AliasAlreadyExists = "FSS.1063";

    /// <summary>FG, 413: the code package exceeds the maximum allowed size.</summary>
    public const string CodePackageTooLarge = "FSS.1071";

    /// <summary>Ours, 500: the function's code raised an error (code exception).</summary>
    public const string FunctionError = "FSS.4101";

    /// <summary>Ours, 500: the invocation ran past the function's timeout.</summary>
    public const string FunctionTimedOut = "FSS.4102";

    /// <summary>Ours, 500: the instance could not be initialized (bootstrap failed to start, or the
    /// initializer failed or timed out).</summary>
    public const string InitializationFailed = "FSS.4103";

    /// <summary>Ours, 500: the function's response exceeded the response size limit.</summary>
    public const string ResponseTooLarge = "FSS.4104";

    /// <summary>Ours, 500: the instance process exited or crashed while handling the request.</summary>
    public const string InstanceCrashed = "FSS.4105";

    /// <summary>Ours, 500: the code package could not be fetched or unpacked.</summary>
    public const string LoadFailed = "FSS.4106";

    /// <summary>Ours, 500: the instance exceeded its memory limit.</summary>
    public const string MemoryLimitExceeded = "FSS.4107";

    /// <summary>Ours, 500: the instance exceeded its disk limit.</summary>
    public const string DiskLimitExceeded = "FSS.4108";
}
