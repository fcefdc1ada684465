using System.Text.Json.Serialization;

namespace Fgs.Core.Reserved;

/// <summary>One item of <c>GET /v2/{project_id}/fgs/functions/reservedinstances</c> (the SDK's
/// <c>FuncReservedInstance</c>).</summary>
public sealed class FuncReservedInstance
{
    /// <summary>The qualified URN of the target (version or alias).</summary>
    [JsonPropertyName("func_urn")]
    public string? FuncUrn { get; set; }

    /// <summary>The fixed count.</summary>
    [JsonPropertyName("count")]
    public int Count { get; set; }
}
