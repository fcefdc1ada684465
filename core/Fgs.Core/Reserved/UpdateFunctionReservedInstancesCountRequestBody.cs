using System.Text.Json.Serialization;

namespace Fgs.Core.Reserved;

/// <summary>
/// Body of <c>PUT /v2/{project_id}/fgs/functions/{function_urn}/reservedinstances</c> (the SDK's
/// <c>UpdateFunctionReservedInstancesCountRequestBody</c>). The target (a version or an alias) is
/// the URN's qualifier: the SDK's body has no qualifier fields. Check it with
/// <see cref="ReservedInstanceValidator"/>.
/// </summary>
public sealed class UpdateFunctionReservedInstancesCountRequestBody
{
    /// <summary>The fixed number of reserved instances, 0-1000 (required).</summary>
    [JsonPropertyName("count")]
    public int? Count { get; set; }

    /// <summary>Idle mode: a reserved instance with no work has its CPU paused.</summary>
    [JsonPropertyName("idle_mode")]
    public bool? IdleMode { get; set; }

    /// <summary>The scheduled and metric policies, or null for a fixed count only.</summary>
    [JsonPropertyName("tactics_config")]
    public TacticsConfig? TacticsConfig { get; set; }
}
