using System.Text.Json.Serialization;

namespace Fgs.Core.Metrics;

/// <summary>
/// The answer of <c>GET /v2/{project_id}/fgs/functions/{func_urn}/statistics/{period}</c> (the
/// SDK's <c>ListFunctionStatisticsResponse</c>): the function's figures over the last
/// <c>period</c> minutes, as time series of equal intervals (one minute up to an hour, coarser
/// beyond, at most 60 points).
/// </summary>
public sealed class ListFunctionStatisticsResponse
{
    /// <summary>Invocations (rejected ones included).</summary>
    [JsonPropertyName("count")]
    public List<SlaReportsValue> Count { get; set; } = [];

    /// <summary>Average run time, ms.</summary>
    [JsonPropertyName("duration")]
    public List<SlaReportsValue> Duration { get; set; } = [];

    /// <summary>Failed invocations (function and system errors).</summary>
    [JsonPropertyName("fail_count")]
    public List<SlaReportsValue> FailCount { get; set; } = [];

    /// <summary>Longest run time, ms.</summary>
    [JsonPropertyName("max_duration")]
    public List<SlaReportsValue> MaxDuration { get; set; } = [];

    /// <summary>Shortest run time, ms.</summary>
    [JsonPropertyName("min_duration")]
    public List<SlaReportsValue> MinDuration { get; set; } = [];

    /// <summary>Invocations rejected for capacity.</summary>
    [JsonPropertyName("reject_count")]
    public List<SlaReportsValue> RejectCount { get; set; } = [];

    /// <summary>Function errors.</summary>
    [JsonPropertyName("function_error_count")]
    public List<SlaReportsValue> FunctionErrorCount { get; set; } = [];

    /// <summary>System errors.</summary>
    [JsonPropertyName("system_error_count")]
    public List<SlaReportsValue> SystemErrorCount { get; set; } = [];

    /// <summary>Reserved instances (a gauge: one point, now).</summary>
    [JsonPropertyName("reserved_instance_num")]
    public List<SlaReportsValue> ReservedInstanceNum { get; set; } = [];

    /// <summary>Most invocations in flight at once.</summary>
    [JsonPropertyName("concurrency_num")]
    public List<SlaReportsValue> ConcurrencyNum { get; set; } = [];

    /// <summary>Builds the series over <paramref name="periodMinutes"/> minutes ending with
    /// <paramref name="nowMinute"/> from the per-minute buckets of one or more function versions.</summary>
    /// <param name="series">The versions' per-minute series.</param>
    /// <param name="nowMinute">The current Unix minute.</param>
    /// <param name="periodMinutes">How many minutes back (1 to <see cref="MinuteSeries.Retention"/>).</param>
    /// <param name="reservedNow">Reserved instances now.</param>
    public static ListFunctionStatisticsResponse Build(IEnumerable<MinuteSeries> series, long nowMinute, int periodMinutes, int reservedNow)
    {
        var step = (periodMinutes + 59) / 60;
        var points = (periodMinutes + step - 1) / step;
        var first = nowMinute - (((long)points * step) - 1);
        var buckets = new MinuteBucket[points];
        for (var i = 0; i < points; i++)
        {
            buckets[i] = new MinuteBucket(first + ((long)i * step));
        }
        foreach (var s in series)
        {
            foreach (var b in s.Since(first))
            {
                var i = (int)((b.Minute - first) / step);
                if (i < 0 || i >= points)
                {
                    continue;
                }
                var into = buckets[i];
                into.Count += b.Count;
                into.FunctionErrors += b.FunctionErrors;
                into.SystemErrors += b.SystemErrors;
                into.Rejected += b.Rejected;
                into.Timed += b.Timed;
                into.DurationMicrosSum += b.DurationMicrosSum;
                into.MaxMicros = Math.Max(into.MaxMicros, b.MaxMicros);
                into.MinMicros = Math.Min(into.MinMicros, b.MinMicros);
                into.MaxConcurrency = Math.Max(into.MaxConcurrency, b.MaxConcurrency);
            }
        }
        var response = new ListFunctionStatisticsResponse();
        foreach (var b in buckets)
        {
            var ts = b.Minute * 60_000;
            response.Count.Add(new() { Timestamp = ts, Value = b.Count });
            response.Duration.Add(new() { Timestamp = ts, Value = b.Timed == 0 ? 0 : Math.Round(b.DurationMicrosSum / 1000.0 / b.Timed, 3) });
            response.FailCount.Add(new() { Timestamp = ts, Value = b.FunctionErrors + b.SystemErrors });
            response.MaxDuration.Add(new() { Timestamp = ts, Value = b.MaxMicros / 1000.0 });
            response.MinDuration.Add(new() { Timestamp = ts, Value = b.MinMicros == long.MaxValue ? 0 : b.MinMicros / 1000.0 });
            response.RejectCount.Add(new() { Timestamp = ts, Value = b.Rejected });
            response.FunctionErrorCount.Add(new() { Timestamp = ts, Value = b.FunctionErrors });
            response.SystemErrorCount.Add(new() { Timestamp = ts, Value = b.SystemErrors });
            response.ConcurrencyNum.Add(new() { Timestamp = ts, Value = b.MaxConcurrency });
        }
        response.ReservedInstanceNum.Add(new() { Timestamp = buckets[^1].Minute * 60_000, Value = reservedNow });
        return response;
    }
}
