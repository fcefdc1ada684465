using System.Text.Json.Serialization;

namespace Fgs.Core.Reserved;

/// <summary>Response of <c>GET /v2/{project_id}/fgs/functions/reservedinstances?urn=&amp;marker=&amp;limit=</c>
/// (the SDK's <c>ListFunctionReservedInstancesResponse</c>).</summary>
public sealed class ListFunctionReservedInstancesResponse
{
    /// <summary>The targets of this page and their fixed counts.</summary>
    [JsonPropertyName("reservedinstances")]
    public List<FuncReservedInstance> ReservedInstances { get; set; } = [];

    /// <summary>Paging.</summary>
    [JsonPropertyName("page_info")]
    public ReservedPageInfo? PageInfo { get; set; }

    /// <summary>Total number of targets matching the query.</summary>
    [JsonPropertyName("count")]
    public long Count { get; set; }
}
