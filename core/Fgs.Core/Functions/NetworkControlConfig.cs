using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>Network controls of a function (<c>network_controller</c>); accepted for SDK compatibility, not applied.</summary>
public sealed class NetworkControlConfig
{
    /// <summary>Whether public network access is disabled.</summary>
    [JsonPropertyName("disable_public_network")]
    public bool? DisablePublicNetwork { get; set; }

    /// <summary>VPCs allowed to reach the triggers.</summary>
    [JsonPropertyName("trigger_access_vpcs")]
    public List<VpcConfig>? TriggerAccessVpcs { get; set; }
}
