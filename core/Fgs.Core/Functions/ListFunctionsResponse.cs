using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>Response of <c>GET /v2/{project_id}/fgs/functions?marker=&amp;maxitems=&amp;package_name=&amp;func_name=</c>
/// (the SDK's <c>ListFunctionsResponse</c>).</summary>
public sealed class ListFunctionsResponse
{
    /// <summary>The functions of this page.</summary>
    [JsonPropertyName("functions")]
    public List<ListFunctionResult> Functions { get; set; } = [];

    /// <summary>The marker of the next page (pass it as <c>marker</c>); equals <see cref="Count"/>
    /// when this is the last page.</summary>
    [JsonPropertyName("next_marker")]
    public long NextMarker { get; set; }

    /// <summary>Total number of functions matching the query.</summary>
    [JsonPropertyName("count")]
    public long Count { get; set; }
}
