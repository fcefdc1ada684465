using System.Text.Json.Serialization;

namespace Fgs.Core.Errors;

/// <summary>The FunctionGraph error body: <c>{"error_code":"FSS.xxxx","error_msg":"..."}</c>.
/// The Huawei Cloud SDKs read exactly these two names.</summary>
public sealed class ErrorBody
{
    /// <summary>The error code, e.g. <c>FSS.1051</c>.</summary>
    [JsonPropertyName("error_code")]
    public string ErrorCode { get; set; } = string.Empty;

    /// <summary>The error message.</summary>
    [JsonPropertyName("error_msg")]
    public string ErrorMsg { get; set; } = string.Empty;
}
