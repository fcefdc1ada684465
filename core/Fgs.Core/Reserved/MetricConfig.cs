using System.Text.Json.Serialization;

namespace Fgs.Core.Reserved;

/// <summary>One metric policy (the SDK's <c>MetricConfig</c>); see <see cref="MetricPolicy"/>.</summary>
public sealed class MetricConfig
{
    /// <summary>The policy name, unique among the target's metric configs (required).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The metric; only <see cref="MetricConfigTypes.Concurrency"/> (reserved-instance
    /// utilization) exists (required).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>The target utilization in percent, 1-99 (required).</summary>
    [JsonPropertyName("threshold")]
    public int? Threshold { get; set; }

    /// <summary>The least count this policy keeps, 0-1000 (default 0).</summary>
    [JsonPropertyName("min")]
    public int? Min { get; set; }
}
