using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>VPC settings of a function (<c>func_vpc</c>); accepted for SDK compatibility, not applied.</summary>
public sealed class FuncVpc
{
    /// <summary>Domain (account) id.</summary>
    [JsonPropertyName("domain_id")]
    public string? DomainId { get; set; }

    /// <summary>Project id.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary>VPC name.</summary>
    [JsonPropertyName("vpc_name")]
    public string? VpcName { get; set; }

    /// <summary>VPC id.</summary>
    [JsonPropertyName("vpc_id")]
    public string? VpcId { get; set; }

    /// <summary>Subnet name.</summary>
    [JsonPropertyName("subnet_name")]
    public string? SubnetName { get; set; }

    /// <summary>Subnet id.</summary>
    [JsonPropertyName("subnet_id")]
    public string? SubnetId { get; set; }

    /// <summary>Subnet CIDR.</summary>
    [JsonPropertyName("cidr")]
    public string? Cidr { get; set; }

    /// <summary>Subnet gateway.</summary>
    [JsonPropertyName("gateway")]
    public string? Gateway { get; set; }

    /// <summary>Security group ids.</summary>
    [JsonPropertyName("security_groups")]
    public List<string>? SecurityGroups { get; set; }

    /// <summary>Whether the secure access mode is on.</summary>
    [JsonPropertyName("is_safety")]
    public bool? IsSafety { get; set; }
}
