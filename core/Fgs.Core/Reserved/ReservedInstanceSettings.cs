namespace Fgs.Core.Reserved;

/// <summary>
/// A target's validated reserved-instance configuration, built by
/// <see cref="ReservedInstanceValidator.TryValidate"/>: the fixed count, idle mode and the parsed
/// scheduled and metric rules. Immutable.
/// </summary>
public sealed record ReservedInstanceSettings
{
    /// <summary>The fixed count, 0-1000.</summary>
    public required int Count { get; init; }

    /// <summary>Idle mode: idle reserved instances have their CPU paused.</summary>
    public bool IdleMode { get; init; }

    /// <summary>The scheduled rules, in request order.</summary>
    public IReadOnlyList<ScheduledRule> CronRules { get; init; } = [];

    /// <summary>The metric rules, in request order.</summary>
    public IReadOnlyList<MetricRule> MetricRules { get; init; } = [];

    /// <summary>True when the configuration reserves nothing (count 0, no rules): setting it
    /// removes the target's configuration (see <see cref="ReservedTargets"/>).</summary>
    public bool ReservesNothing => Count == 0 && CronRules.Count == 0 && MetricRules.Count == 0;

    /// <summary>A new policy evaluating these settings.</summary>
    public ReservedPolicy CreatePolicy() => new(this);

    /// <summary>The policies as the API shows them, or null when there are none.</summary>
    public TacticsConfig? ToTacticsConfig() => CronRules.Count == 0 && MetricRules.Count == 0
        ? null
        : new TacticsConfig
        {
            CronConfigs = CronRules.Count == 0 ? null : [.. CronRules.Select(r => new CronConfig
            {
                Name = r.Name,
                Cron = r.Schedule.Expression,
                Count = r.Count,
                StartTime = r.Start?.ToUnixTimeSeconds(),
                ExpiredTime = r.Expires?.ToUnixTimeSeconds(),
            })],
            MetricConfigs = MetricRules.Count == 0 ? null : [.. MetricRules.Select(r => new MetricConfig
            {
                Name = r.Name,
                Type = r.Type,
                Threshold = r.Threshold,
                Min = r.Min,
            })],
        };

    /// <summary>The answer of the update operation.</summary>
    public UpdateFunctionReservedInstancesCountResponse ToResponse() =>
        new() { Count = Count, IdleMode = IdleMode, TacticsConfig = ToTacticsConfig() };

    /// <summary>The item of the configuration list.</summary>
    /// <param name="functionUrn">The function's URN (without qualifier).</param>
    /// <param name="target">The version or alias.</param>
    public ReservedInstanceConfigs ToConfigs(string functionUrn, ReservedQualifier target) => new()
    {
        FunctionUrn = functionUrn,
        QualifierType = target.Type,
        QualifierName = target.Name,
        MinCount = Count,
        IdleMode = IdleMode,
        TacticsConfig = ToTacticsConfig(),
    };
}
