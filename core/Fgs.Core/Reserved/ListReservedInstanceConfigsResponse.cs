using System.Text.Json.Serialization;

namespace Fgs.Core.Reserved;

/// <summary>Response of <c>GET /v2/{project_id}/fgs/functions/reservedinstanceconfigs?function_urn=&amp;marker=&amp;limit=</c>
/// (the SDK's <c>ListReservedInstanceConfigsResponse</c>).</summary>
public sealed class ListReservedInstanceConfigsResponse
{
    /// <summary>The configurations of this page.</summary>
    [JsonPropertyName("reserved_instances")]
    public List<ReservedInstanceConfigs> ReservedInstances { get; set; } = [];

    /// <summary>Paging.</summary>
    [JsonPropertyName("page_info")]
    public ReservedPageInfo? PageInfo { get; set; }

    /// <summary>Total number of configurations matching the query.</summary>
    [JsonPropertyName("count")]
    public long Count { get; set; }
}
