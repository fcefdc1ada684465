using System.Text.Json.Serialization;

namespace Fgs.Core.Reserved;

/// <summary>The reserved-instance policies of a target (the SDK's <c>TacticsConfig</c>).</summary>
public sealed class TacticsConfig
{
    /// <summary>The scheduled policies: cron rules that set the count inside a time window.</summary>
    [JsonPropertyName("cron_configs")]
    public List<CronConfig>? CronConfigs { get; set; }

    /// <summary>The metric policies: keep reserved-instance utilization near a target.</summary>
    [JsonPropertyName("metric_configs")]
    public List<MetricConfig>? MetricConfigs { get; set; }
}
