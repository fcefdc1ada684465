using System.Text.Json.Serialization;

namespace Fgs.Core.Reserved;

/// <summary>One target's reserved-instance configuration in
/// <c>GET /v2/{project_id}/fgs/functions/reservedinstanceconfigs</c> (the SDK's
/// <c>ReservedInstanceConfigs</c>). Build it with <see cref="ReservedInstanceSettings.ToConfigs"/>.</summary>
public sealed class ReservedInstanceConfigs
{
    /// <summary>The function's URN (without qualifier).</summary>
    [JsonPropertyName("function_urn")]
    public string? FunctionUrn { get; set; }

    /// <summary><see cref="ReservedQualifierTypes.Version"/> or <see cref="ReservedQualifierTypes.Alias"/>.</summary>
    [JsonPropertyName("qualifier_type")]
    public string? QualifierType { get; set; }

    /// <summary>The version or alias name.</summary>
    [JsonPropertyName("qualifier_name")]
    public string? QualifierName { get; set; }

    /// <summary>The fixed count (the request's <c>count</c>).</summary>
    [JsonPropertyName("min_count")]
    public int MinCount { get; set; }

    /// <summary>Whether idle mode is on.</summary>
    [JsonPropertyName("idle_mode")]
    public bool IdleMode { get; set; }

    /// <summary>The scheduled and metric policies, or null when there are none.</summary>
    [JsonPropertyName("tactics_config")]
    public TacticsConfig? TacticsConfig { get; set; }
}
