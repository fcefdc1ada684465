using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>Scaling settings of a function (<c>strategy_config</c>).</summary>
public sealed class StrategyConfig
{
    /// <summary>Maximum instances of the function: -1 (unlimited) or 0-1000.</summary>
    [JsonPropertyName("concurrency")]
    public int? Concurrency { get; set; }

    /// <summary>Maximum concurrent requests per instance: 1-1000.</summary>
    [JsonPropertyName("concurrent_num")]
    public int? ConcurrentNum { get; set; }
}
