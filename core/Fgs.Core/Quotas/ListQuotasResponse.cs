using System.Text.Json.Serialization;

namespace Fgs.Core.Quotas;

/// <summary>Answer of <c>GET /v2/{project_id}/fgs/quotas</c> (the SDK's <c>ListQuotasResponse</c>).</summary>
public sealed class ListQuotasResponse
{
    /// <summary>The quotas.</summary>
    [JsonPropertyName("quotas")]
    public ListQuotasResult Quotas { get; set; } = new();
}
