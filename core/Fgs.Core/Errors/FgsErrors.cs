using System.Globalization;
using Fgs.Core.Functions;

namespace Fgs.Core.Errors;

/// <summary>
/// The catalog of errors the management and invocation APIs answer with. Each factory fixes the
/// HTTP status and the <c>FSS.xxxx</c> code (see <see cref="FgsErrorCodes"/> for which codes are
/// FunctionGraph's own and which this project assigned); callers supply the precise message.
/// </summary>
public static class FgsErrors
{
    /// <summary>The exact message FunctionGraph sends with <c>FSS.0429</c>.</summary>
    public const string OverloadMessage = "Your request has been controlled by overload sdk, please retry later";

    /// <summary>400 <c>FSS.0400</c>: a request parameter is invalid. The message should name the
    /// field and the rule it breaks.</summary>
    public static FgsError BadRequest(string message) => new(400, FgsErrorCodes.InvalidParameter, message);

    /// <summary>400 <c>FSS.0400</c>: a field asks for a feature this platform does not implement
    /// (e.g. <c>code_type</c> <c>obs</c>).</summary>
    public static FgsError NotSupported(string message) => new(400, FgsErrorCodes.InvalidParameter, message);

    /// <summary>400 <c>FSS.1001</c>: a query parameter is invalid.</summary>
    public static FgsError InvalidQueryParameter(string message) => new(400, FgsErrorCodes.InvalidQueryParameter, message);

    /// <summary>400 <c>FSS.1002</c>: the function name is invalid.</summary>
    public static FgsError InvalidFunctionName(string message) => new(400, FgsErrorCodes.InvalidFunctionName, message);

    /// <summary>400 <c>FSS.1003</c>: a handler (or initializer / pre-stop / heartbeat / restore handler) is invalid.</summary>
    public static FgsError InvalidHandler(string message) => new(400, FgsErrorCodes.InvalidHandler, message);

    /// <summary>400 <c>FSS.1004</c>: the package name is invalid.</summary>
    public static FgsError InvalidPackage(string message) => new(400, FgsErrorCodes.InvalidPackage, message);

    /// <summary>400 <c>FSS.1005</c>: the runtime is unknown or unsupported.</summary>
    public static FgsError InvalidRuntime(string message) => new(400, FgsErrorCodes.InvalidRuntime, message);

    /// <summary>400 <c>FSS.1006</c>: <c>code_type</c> is missing or invalid.</summary>
    public static FgsError InvalidCodeType(string message) => new(400, FgsErrorCodes.InvalidCodeType, message);

    /// <summary>400 <c>FSS.1007</c>: <c>memory_size</c> (or another memory setting) is invalid.</summary>
    public static FgsError InvalidMemorySize(string message) => new(400, FgsErrorCodes.InvalidMemory, message);

    /// <summary>400 <c>FSS.1008</c>: a timeout is out of range.</summary>
    public static FgsError InvalidTimeout(string message) => new(400, FgsErrorCodes.InvalidTimeout, message);

    /// <summary>400 <c>FSS.1009</c>: <c>user_data</c> / <c>encrypted_user_data</c> is malformed or has a bad key.</summary>
    public static FgsError InvalidUserData(string message) => new(400, FgsErrorCodes.InvalidUserData, message);

    /// <summary>400 <c>FSS.1018</c>: the environment variables' keys plus values exceed the limit.</summary>
    /// <param name="field">The field, <c>user_data</c> or <c>encrypted_user_data</c>.</param>
    /// <param name="actualLength">The total length found.</param>
    public static FgsError UserDataTooLarge(string field, int actualLength) => new(400, FgsErrorCodes.UserDataTooLarge,
        string.Create(CultureInfo.InvariantCulture,
            $"{field}: keys plus values total {actualLength} characters; at most {FunctionLimits.MaxUserDataLength} are allowed"));

    /// <summary>400 <c>FSS.1011</c>: the function code is invalid (bad base64, not a zip, path
    /// traversal, missing <c>bootstrap</c>, unpacked size too large...).</summary>
    public static FgsError InvalidCode(string message) => new(400, FgsErrorCodes.InvalidCode, message);

    /// <summary>400 <c>FSS.1012</c>: the function code is missing.</summary>
    public static FgsError CodeRequired(string message) => new(400, FgsErrorCodes.CodeRequired, message);

    /// <summary>400 <c>FSS.1014</c>: an alias name or alias setting is invalid.</summary>
    public static FgsError InvalidAlias(string message) => new(400, FgsErrorCodes.InvalidAlias, message);

    /// <summary>400 <c>FSS.1015</c>: a version name or version reference is invalid.</summary>
    public static FgsError InvalidVersion(string message) => new(400, FgsErrorCodes.InvalidVersion, message);

    /// <summary>400 <c>FSS.0400</c>: a function URN is malformed.</summary>
    /// <param name="urn">The URN as received.</param>
    /// <param name="reason">What is wrong with it.</param>
    public static FgsError InvalidUrn(string urn, string reason) => new(400, FgsErrorCodes.InvalidParameter,
        $"invalid function URN '{urn}': {reason}; expected urn:fss:{{region}}:{{project_id}}:function:{{package}}:{{name}}[:{{version-or-alias}}]");

    /// <summary>400 <c>FSS.0406</c>: the request body is not the JSON the operation expects.</summary>
    /// <param name="detail">What could not be read, e.g. the parser's message.</param>
    public static FgsError MalformedBody(string detail) => new(400, FgsErrorCodes.NotAcceptable,
        "The request body is not valid: " + detail);

    /// <summary>400 <c>FSS.0406</c>: an <c>X-Cff-Instance-Memory</c> header value outside the memory
    /// list, message <c>X-Cff-Instance-Memory not in [128 256 ...]</c> (the list space-separated).</summary>
    public static FgsError DynamicMemoryNotInList() => new(400, FgsErrorCodes.NotAcceptable,
        "X-Cff-Instance-Memory not in [" + string.Join(' ', FunctionLimits.MemorySizes) + "]");

    /// <summary>401 <c>FSS.0401</c>: the caller is not authenticated.</summary>
    public static FgsError Unauthorized(string message = "Unauthorized access.") => new(401, FgsErrorCodes.Unauthorized, message);

    /// <summary>403 <c>FSS.0403</c>: the operation is not allowed.</summary>
    public static FgsError Forbidden(string message = "Forbidden") => new(403, FgsErrorCodes.Forbidden, message);

    /// <summary>403 <c>FSS.0403</c>: a quota (functions per tenant, versions per function...) is exhausted.</summary>
    /// <param name="what">The quota, e.g. "versions per function".</param>
    /// <param name="limit">Its value.</param>
    public static FgsError QuotaExceeded(string what, int limit) => new(403, FgsErrorCodes.Forbidden,
        string.Create(CultureInfo.InvariantCulture, $"quota exceeded: at most {limit} {what}"));

    /// <summary>403 <c>FSS.1043</c>: the function already has the maximum number of aliases.</summary>
    public static FgsError AliasQuotaExceeded() => new(403, FgsErrorCodes.AliasQuotaExceeded,
        string.Create(CultureInfo.InvariantCulture,
            $"The number of aliases exceeds the maximum allowed limit ({FunctionLimits.MaxAliases})"));

    /// <summary>404 <c>FSS.1051</c> "Not found the function" (FunctionGraph's message), with the
    /// function named when given.</summary>
    /// <param name="function">The URN or name looked up, or null.</param>
    public static FgsError FunctionNotFound(string? function = null) => new(404, FgsErrorCodes.FunctionNotFound,
        function is null ? "Not found the function" : $"Not found the function: {function}");

    /// <summary>404 <c>FSS.1052</c>: the function version does not exist.</summary>
    public static FgsError VersionNotFound(string version) => new(404, FgsErrorCodes.VersionNotFound,
        $"Not found the function version: {version}");

    /// <summary>404 <c>FSS.1053</c>: the function alias does not exist.</summary>
    public static FgsError AliasNotFound(string alias) => new(404, FgsErrorCodes.AliasNotFound,
        $"Not found the function alias: {alias}");

    /// <summary>404 <c>FSS.0404</c>: some other resource does not exist.</summary>
    public static FgsError NotFound(string message = "The specified resource was not found.") =>
        new(404, FgsErrorCodes.NotFound, message);

    /// <summary>409 <c>FSS.1061</c>: a function with this name already exists in the package.</summary>
    public static FgsError FunctionAlreadyExists(string name) => new(409, FgsErrorCodes.FunctionAlreadyExists,
        $"The function already exists: {name}");

    /// <summary>409 <c>FSS.1062</c>: the version already exists.</summary>
    public static FgsError VersionAlreadyExists(string version) => new(409, FgsErrorCodes.VersionAlreadyExists,
        $"The version already exists: {version}");

    /// <summary>409 <c>FSS.1063</c>: the alias already exists.</summary>
    public static FgsError AliasAlreadyExists(string alias) => new(409, FgsErrorCodes.AliasAlreadyExists,
        $"The alias already exists: {alias}");

    /// <summary>409 <c>FSS.0409</c>: another conflict (e.g. a concurrent update lost the race).</summary>
    public static FgsError Conflict(string message) => new(409, FgsErrorCodes.Conflict, message);

    /// <summary>413 <c>FSS.0413</c>: the request body exceeds <paramref name="limitBytes"/>.</summary>
    public static FgsError RequestEntityTooLarge(long limitBytes) => new(413, FgsErrorCodes.RequestEntityTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"The request body is too large: at most {limitBytes} bytes are allowed"));

    /// <summary>413 <c>FSS.1071</c>: the decoded code package is larger than the upload limit.</summary>
    public static FgsError CodePackageTooLarge(long actualBytes, long limitBytes) => new(413, FgsErrorCodes.CodePackageTooLarge,
        string.Create(CultureInfo.InvariantCulture,
            $"func_code.file decodes to {actualBytes} bytes; a code package uploaded directly must be at most {limitBytes} bytes ({limitBytes / (1024 * 1024)} MB)"));

    /// <summary>415 <c>FSS.0415</c>: the request's content type is not accepted.</summary>
    /// <param name="contentType">The content type received, or null when none was sent.</param>
    public static FgsError UnsupportedMediaType(string? contentType) => new(415, FgsErrorCodes.UnsupportedMediaType,
        contentType is null or ""
            ? "Unsupported media type: a Content-Type of application/json is required"
            : $"Unsupported media type '{contentType}': application/json is required");

    /// <summary>429 <c>FSS.0429</c>: over capacity (the function is at its maximum instances, or the
    /// platform is overloaded). Requests beyond capacity are rejected, not queued.</summary>
    public static FgsError Overload() => new(429, FgsErrorCodes.TooManyRequests, OverloadMessage);

    /// <summary>500 <c>FSS.0500</c>: the platform failed (a system error).</summary>
    public static FgsError InternalError(string message = "Internal server error.") =>
        new(500, FgsErrorCodes.InternalError, message);

    /// <summary>503 <c>FSS.0503</c>: the service is unavailable (e.g. shutting down).</summary>
    public static FgsError ServiceUnavailable(string message = "Service unavailable.") =>
        new(503, FgsErrorCodes.ServiceUnavailable, message);

    /// <summary>500 <c>FSS.4101</c> (ours): the function's code raised an error.</summary>
    /// <param name="message">The error the runtime reported (its error body), or a summary.</param>
    public static FgsError FunctionError(string message) => new(500, FgsErrorCodes.FunctionError, message);

    /// <summary>500 <c>FSS.4102</c> (ours): the invocation ran past the function's timeout.</summary>
    public static FgsError FunctionTimedOut(int timeoutSeconds) => new(500, FgsErrorCodes.FunctionTimedOut,
        string.Create(CultureInfo.InvariantCulture, $"Function execution timed out after {timeoutSeconds} s"));

    /// <summary>500 <c>FSS.4103</c> (ours): the instance failed to initialize.</summary>
    /// <param name="detail">Why, e.g. "bootstrap is missing or not executable" or "initializer timed out after 3 s".</param>
    public static FgsError InitializationFailed(string detail) => new(500, FgsErrorCodes.InitializationFailed,
        "Function initialization failed: " + detail);

    /// <summary>500 <c>FSS.4104</c> (ours): the function's response is larger than allowed.</summary>
    public static FgsError ResponseTooLarge(long actualBytes, long limitBytes = FunctionLimits.MaxResponseBytes) =>
        new(500, FgsErrorCodes.ResponseTooLarge, string.Create(CultureInfo.InvariantCulture,
            $"The size of the response body of the function ({actualBytes} bytes) exceeds the maximum allowed limit ({limitBytes} bytes)"));

    /// <summary>500 <c>FSS.4105</c> (ours): the instance exited or crashed during the invocation.</summary>
    /// <param name="detail">E.g. "exit code 137" or "killed by signal SIGSEGV".</param>
    public static FgsError InstanceCrashed(string detail) => new(500, FgsErrorCodes.InstanceCrashed,
        "Function instance exited unexpectedly: " + detail);

    /// <summary>500 <c>FSS.4106</c> (ours): the code could not be fetched or unpacked.</summary>
    public static FgsError LoadFailed(string detail) => new(500, FgsErrorCodes.LoadFailed,
        "Function code load failed: " + detail);

    /// <summary>500 <c>FSS.4107</c> (ours): the instance exceeded its memory size.</summary>
    public static FgsError MemoryLimitExceeded(int memoryMb) => new(500, FgsErrorCodes.MemoryLimitExceeded,
        string.Create(CultureInfo.InvariantCulture, $"Function memory limit exceeded ({memoryMb} MB)"));

    /// <summary>500 <c>FSS.4107</c> (ours): the instance exceeded its memory size, as the supervisor saw it.</summary>
    /// <param name="detail">What happened, beginning with "memory limit exceeded", e.g.
    /// "memory limit exceeded (128 MB): the kernel killed a process of the instance at the function's memory size".</param>
    public static FgsError MemoryLimitExceeded(string detail) => new(500, FgsErrorCodes.MemoryLimitExceeded, "Function " + detail);

    /// <summary>500 <c>FSS.4108</c> (ours): the instance exceeded its disk limit.</summary>
    public static FgsError DiskLimitExceeded(string detail) => new(500, FgsErrorCodes.DiskLimitExceeded,
        "Function disk limit exceeded: " + detail);
}
