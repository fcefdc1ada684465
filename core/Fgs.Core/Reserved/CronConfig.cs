using System.Text.Json.Serialization;

namespace Fgs.Core.Reserved;

/// <summary>One scheduled policy (the SDK's <c>CronConfig</c>): from each firing of
/// <see cref="Cron"/> inside the window <see cref="StartTime"/> .. <see cref="ExpiredTime"/> the
/// reserved count is <see cref="Count"/> (see <see cref="ScheduledPolicy"/>).</summary>
public sealed class CronConfig
{
    /// <summary>The policy name, unique among the target's cron configs (required).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The cron rule, in <see cref="CronSchedule"/>'s syntax (required).</summary>
    [JsonPropertyName("cron")]
    public string? Cron { get; set; }

    /// <summary>The reserved count this rule sets, 0-1000 and at least the fixed count (required).</summary>
    [JsonPropertyName("count")]
    public int? Count { get; set; }

    /// <summary>Start of the window, Unix epoch seconds, inclusive; null: no start.</summary>
    [JsonPropertyName("start_time")]
    public long? StartTime { get; set; }

    /// <summary>End of the window, Unix epoch seconds, exclusive; null: never expires.</summary>
    [JsonPropertyName("expired_time")]
    public long? ExpiredTime { get; set; }
}
