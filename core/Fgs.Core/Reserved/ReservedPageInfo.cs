using System.Text.Json.Serialization;

namespace Fgs.Core.Reserved;

/// <summary>Paging of the reserved-instance lists (the SDK's <c>PageInfo</c>).</summary>
public sealed class ReservedPageInfo
{
    /// <summary>The marker of the next page.</summary>
    [JsonPropertyName("next_marker")]
    public long NextMarker { get; set; }

    /// <summary>The marker of the previous page.</summary>
    [JsonPropertyName("previous_marker")]
    public long PreviousMarker { get; set; }

    /// <summary>How many items this page holds.</summary>
    [JsonPropertyName("current_count")]
    public long CurrentCount { get; set; }
}
