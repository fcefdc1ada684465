using System.Globalization;
using Fgs.Core.Errors;
using Fgs.Core.Functions;

namespace Fgs.Core.Reserved;

/// <summary>
/// FunctionGraph's rules for a reserved-instance configuration (reference section 6). Every error
/// is 400 <c>FSS.0400</c> (<see cref="FgsErrors.BadRequest"/>) naming the field and the rule:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>count</c>: required, 0-1000, and at most the function's <c>max_instance_num</c> when that is not -1;</item>
/// <item><c>cron_configs[i]</c>: <c>name</c> required and unique among the cron configs; <c>cron</c>
/// a valid <see cref="CronSchedule"/>; <c>count</c> required, 0-1000, at least the fixed <c>count</c>
/// and at most <c>max_instance_num</c>; <c>start_time</c> and <c>expired_time</c> optional Unix epoch
/// seconds (0 to 253402300799), <c>start_time</c> before <c>expired_time</c> when both are given;</item>
/// <item><c>metric_configs[i]</c>: <c>name</c> required and unique among the metric configs; <c>type</c>
/// <c>Concurrency</c>; <c>threshold</c> required, 1-99 (percent); <c>min</c> 0-1000 (default 0) and
/// at most <c>max_instance_num</c>.</item>
/// </list>
/// </remarks>
public static class ReservedInstanceValidator
{
    private const int MaxEchoLength = 128;

    /// <summary>Checks a body; null when it is valid.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="maxInstanceNum">The function's <c>max_instance_num</c> (-1: unlimited).</param>
    public static FgsError? Validate(UpdateFunctionReservedInstancesCountRequestBody? body, int maxInstanceNum = FunctionLimits.UnlimitedInstances) =>
        TryValidate(body, out _, out var error, maxInstanceNum) ? null : error;

    /// <summary>Checks a body and builds the settings it describes.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="settings">The settings, when valid.</param>
    /// <param name="error">The first broken rule, when not.</param>
    /// <param name="maxInstanceNum">The function's <c>max_instance_num</c> (-1: unlimited).</param>
    public static bool TryValidate(UpdateFunctionReservedInstancesCountRequestBody? body, out ReservedInstanceSettings settings,
        out FgsError error, int maxInstanceNum = FunctionLimits.UnlimitedInstances)
    {
        settings = null!;
        if (body is null)
        {
            error = FgsErrors.BadRequest("the request body is required: {\"count\": 0-1000, \"idle_mode\": bool, \"tactics_config\": {...}}");
            return false;
        }
        if (CountError("count", body.Count, maxInstanceNum) is { } badCount)
        {
            error = badCount;
            return false;
        }
        var count = body.Count!.Value;
        var cronRules = new List<ScheduledRule>();
        var metricRules = new List<MetricRule>();
        var cronConfigs = body.TacticsConfig?.CronConfigs ?? [];
        var metricConfigs = body.TacticsConfig?.MetricConfigs ?? [];
        for (var i = 0; i < cronConfigs.Count; i++)
        {
            if (!TryCronRule(cronConfigs, i, count, maxInstanceNum, out var rule, out error))
            {
                return false;
            }
            cronRules.Add(rule);
        }
        for (var i = 0; i < metricConfigs.Count; i++)
        {
            if (!TryMetricRule(metricConfigs, i, maxInstanceNum, out var rule, out error))
            {
                return false;
            }
            metricRules.Add(rule);
        }
        settings = new ReservedInstanceSettings
        {
            Count = count,
            IdleMode = body.IdleMode ?? false,
            CronRules = cronRules,
            MetricRules = metricRules,
        };
        error = default;
        return true;
    }

    private static bool TryCronRule(List<CronConfig> configs, int index, int fixedCount, int maxInstanceNum,
        out ScheduledRule rule, out FgsError error)
    {
        rule = null!;
        var field = $"tactics_config.cron_configs[{index}]";
        var config = configs[index];
        if (config is null)
        {
            error = FgsErrors.BadRequest($"{field} is null");
            return false;
        }
        if (NameError(field, config.Name, index, configs.Select(c => c?.Name).ToList(), "cron_configs") is { } badName)
        {
            error = badName;
            return false;
        }
        if (string.IsNullOrWhiteSpace(config.Cron))
        {
            error = FgsErrors.BadRequest($"{field}.cron is required");
            return false;
        }
        if (!CronSchedule.TryParse(config.Cron, out var schedule, out var reason))
        {
            error = FgsErrors.BadRequest($"{field}.cron '{Echo(config.Cron)}' is invalid: {reason}");
            return false;
        }
        if (CountError($"{field}.count", config.Count, maxInstanceNum) is { } badCount)
        {
            error = badCount;
            return false;
        }
        if (config.Count!.Value < fixedCount)
        {
            error = FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"{field}.count {config.Count.Value} is below the fixed count {fixedCount}; a scheduled count must be at least count"));
            return false;
        }
        if (EpochError($"{field}.start_time", config.StartTime) is { } badStart)
        {
            error = badStart;
            return false;
        }
        if (EpochError($"{field}.expired_time", config.ExpiredTime) is { } badExpiry)
        {
            error = badExpiry;
            return false;
        }
        if (config.StartTime is { } start && config.ExpiredTime is { } expiry && expiry <= start)
        {
            error = FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"{field}.expired_time {expiry} must be after start_time {start}"));
            return false;
        }
        rule = new ScheduledRule
        {
            Name = config.Name!,
            Schedule = schedule,
            Count = config.Count.Value,
            Start = config.StartTime is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null,
            Expires = config.ExpiredTime is { } e ? DateTimeOffset.FromUnixTimeSeconds(e) : null,
        };
        error = default;
        return true;
    }

    private static bool TryMetricRule(List<MetricConfig> configs, int index, int maxInstanceNum, out MetricRule rule, out FgsError error)
    {
        rule = null!;
        var field = $"tactics_config.metric_configs[{index}]";
        var config = configs[index];
        if (config is null)
        {
            error = FgsErrors.BadRequest($"{field} is null");
            return false;
        }
        if (NameError(field, config.Name, index, configs.Select(c => c?.Name).ToList(), "metric_configs") is { } badName)
        {
            error = badName;
            return false;
        }
        if (config.Type != MetricConfigTypes.Concurrency)
        {
            error = FgsErrors.BadRequest(config.Type is null
                ? $"{field}.type is required; the only type is '{MetricConfigTypes.Concurrency}'"
                : $"{field}.type '{Echo(config.Type)}' is not supported; the only type is '{MetricConfigTypes.Concurrency}'");
            return false;
        }
        if (config.Threshold is not { } threshold)
        {
            error = FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"{field}.threshold is required: the target utilization of reserved instances, {ReservedLimits.MinThreshold}-{ReservedLimits.MaxThreshold} (percent)"));
            return false;
        }
        if (threshold is < ReservedLimits.MinThreshold or > ReservedLimits.MaxThreshold)
        {
            error = FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"{field}.threshold {threshold} is out of range {ReservedLimits.MinThreshold}-{ReservedLimits.MaxThreshold} (percent utilization)"));
            return false;
        }
        if (CountError($"{field}.min", config.Min ?? 0, maxInstanceNum) is { } badMin)
        {
            error = badMin;
            return false;
        }
        rule = new MetricRule { Name = config.Name!, Type = config.Type, Threshold = threshold, Min = config.Min ?? 0 };
        error = default;
        return true;
    }

    private static FgsError? CountError(string field, int? count, int maxInstanceNum)
    {
        if (count is not { } n)
        {
            return FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture, $"{field} is required (0-{ReservedLimits.MaxCount})"));
        }
        if (n is < 0 or > ReservedLimits.MaxCount)
        {
            return FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture, $"{field} {n} is out of range 0-{ReservedLimits.MaxCount}"));
        }
        if (maxInstanceNum >= 0 && n > maxInstanceNum)
        {
            return FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"{field} {n} exceeds the function's max_instance_num ({maxInstanceNum})"));
        }
        return null;
    }

    private static FgsError? NameError(string field, string? name, int index, List<string?> names, string list)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return FgsErrors.BadRequest($"{field}.name is required");
        }
        var first = names.IndexOf(name);
        return first < index
            ? FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"{field}.name '{Echo(name)}' is also the name of {list}[{first}]; names must be unique"))
            : null;
    }

    private static FgsError? EpochError(string field, long? seconds) => seconds is { } s and (< 0 or > ReservedLimits.MaxEpochSeconds)
        ? FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
            $"{field} {s} is out of range: expected Unix epoch seconds, 0-{ReservedLimits.MaxEpochSeconds}"))
        : null;

    private static string Echo(string text) => text.Length <= MaxEchoLength ? text : text[..MaxEchoLength] + "...";
}
