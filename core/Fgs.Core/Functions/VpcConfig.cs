using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>A VPC allowed to reach the function's triggers (<c>trigger_access_vpcs</c> item).</summary>
public sealed class VpcConfig
{
    /// <summary>VPC name.</summary>
    [JsonPropertyName("vpc_name")]
    public string? VpcName { get; set; }

    /// <summary>VPC id.</summary>
    [JsonPropertyName("vpc_id")]
    public string? VpcId { get; set; }
}
