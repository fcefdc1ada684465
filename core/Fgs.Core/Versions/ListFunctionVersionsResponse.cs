using System.Text.Json.Serialization;

namespace Fgs.Core.Versions;

/// <summary>Response of <c>GET /v2/{project_id}/fgs/functions/{function_urn}/versions?marker=&amp;maxitems=</c>
/// (the SDK's <c>ListFunctionVersionsResponse</c>).</summary>
public sealed class ListFunctionVersionsResponse
{
    /// <summary>The versions of this page: <c>latest</c> first, then the published versions, oldest first.</summary>
    [JsonPropertyName("versions")]
    public List<ListFunctionVersionResult> Versions { get; set; } = [];

    /// <summary>The marker of the next page (pass it as <c>marker</c>); equals <see cref="Count"/>
    /// on the last page.</summary>
    [JsonPropertyName("next_marker")]
    public long NextMarker { get; set; }

    /// <summary>Total number of versions, <c>latest</c> included.</summary>
    [JsonPropertyName("count")]
    public long Count { get; set; }
}
