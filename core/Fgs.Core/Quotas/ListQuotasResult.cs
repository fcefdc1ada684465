using System.Text.Json.Serialization;

namespace Fgs.Core.Quotas;

/// <summary>The quotas of a project (the SDK's <c>ListQuotasResult</c>).</summary>
public sealed class ListQuotasResult
{
    /// <summary>Each quota with its use.</summary>
    [JsonPropertyName("resources")]
    public List<QuotaResource> Resources { get; set; } = [];
}
