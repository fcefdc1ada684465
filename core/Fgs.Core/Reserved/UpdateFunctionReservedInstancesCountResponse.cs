using System.Text.Json.Serialization;

namespace Fgs.Core.Reserved;

/// <summary>Response of <c>PUT /v2/{project_id}/fgs/functions/{function_urn}/reservedinstances</c>
/// (the SDK's <c>UpdateFunctionReservedInstancesCountResponse</c>): the configuration as stored.
/// Build it with <see cref="ReservedInstanceSettings.ToResponse"/>.</summary>
public sealed class UpdateFunctionReservedInstancesCountResponse
{
    /// <summary>The fixed number of reserved instances.</summary>
    [JsonPropertyName("count")]
    public int Count { get; set; }

    /// <summary>Whether idle mode is on.</summary>
    [JsonPropertyName("idle_mode")]
    public bool IdleMode { get; set; }

    /// <summary>The scheduled and metric policies, or null when there are none.</summary>
    [JsonPropertyName("tactics_config")]
    public TacticsConfig? TacticsConfig { get; set; }
}
