using System.Text.Json.Serialization;

namespace Fgs.Core.Metrics;

/// <summary>One point of a statistics time series (the SDK's <c>SlaReportsValue</c>).</summary>
public sealed class SlaReportsValue
{
    /// <summary>Start of the interval, Unix milliseconds.</summary>
    [JsonPropertyName("timestamp")]
    public long Timestamp { get; set; }

    /// <summary>The figure over the interval.</summary>
    [JsonPropertyName("value")]
    public double Value { get; set; }
}
