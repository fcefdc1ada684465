using System.Text.Json.Serialization;

namespace Fgs.KestrelPeer;

/// <summary>The FunctionGraph sync invoke answer.</summary>
public sealed record InvokeEnvelope(
    [property: JsonPropertyName("request_id")] string RequestId,
    [property: JsonPropertyName("result")] string Result,
    [property: JsonPropertyName("log")] string Log,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("error_code")] string? ErrorCode = null);
