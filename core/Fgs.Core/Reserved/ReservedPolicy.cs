namespace Fgs.Core.Reserved;

/// <summary>
/// The reserved-instance policy of one target (a version or an alias): the fixed count, the
/// scheduled policies and the metric policies together. Clock-free and thread-safe; the caller
/// passes the time.
/// </summary>
/// <remarks>
/// <para>FunctionGraph: "scheduled and metric together: each never goes below the other's latest
/// value". Implemented as: the scheduled count <c>S</c> = <see cref="ScheduledPolicy.DesiredCount"/>
/// (at least the fixed count); the metric policy evaluates (once a minute) with <c>S</c> as an
/// extra floor, so its count <c>M</c> never drops below the schedule's latest value, and scales
/// down gradually from there when a window ends; the desired count is <c>max(S, M)</c>, so the
/// schedule never pulls below the metric's latest value either. Without metric rules the desired
/// count is <c>S</c>; without cron rules <c>S</c> is the fixed count.</para>
/// </remarks>
public sealed class ReservedPolicy
{
    private readonly Lock _gate = new();
    private int _current;

    /// <summary>Creates the policy of validated settings.</summary>
    /// <param name="settings">The target's settings (see <see cref="ReservedInstanceValidator"/>).</param>
    public ReservedPolicy(ReservedInstanceSettings settings)
        : this(settings?.Count ?? throw new ArgumentNullException(nameof(settings)), settings.CronRules, settings.MetricRules)
    {
        IdleMode = settings.IdleMode;
    }

    /// <summary>Whether the target's idle reserved instances are paused (<c>idle_mode</c>).</summary>
    public bool IdleMode { get; init; }

    /// <summary>Creates the policy.</summary>
    /// <param name="fixedCount">The fixed count.</param>
    /// <param name="cronRules">The scheduled rules (may be empty).</param>
    /// <param name="metricRules">The metric rules (may be empty).</param>
    /// <param name="metricInterval">The metric cadence; default one minute.</param>
    public ReservedPolicy(int fixedCount, IEnumerable<ScheduledRule>? cronRules, IEnumerable<MetricRule>? metricRules,
        TimeSpan? metricInterval = null)
    {
        Scheduled = new ScheduledPolicy(fixedCount, cronRules);
        var metric = metricRules is null ? [] : metricRules.ToList();
        Metric = metric.Count == 0 ? null : new MetricPolicy(fixedCount, metric, metricInterval);
        _current = fixedCount;
    }

    /// <summary>The fixed count.</summary>
    public int FixedCount => Scheduled.FixedCount;

    /// <summary>The fixed count and scheduled rules.</summary>
    public ScheduledPolicy Scheduled { get; }

    /// <summary>The metric rules, or null when there are none.</summary>
    public MetricPolicy? Metric { get; }

    /// <summary>The latest result of <see cref="Desired"/> (the fixed count before the first call).</summary>
    public int Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>
    /// The desired reserved count at <paramref name="now"/>: <c>max(S, M)</c> (see the remarks).
    /// Call it whenever <see cref="NextWakeUp"/> says, or more often: the metric part acts at
    /// most once per minute.
    /// </summary>
    /// <param name="now">The time.</param>
    /// <param name="busy">Reserved instances busy now (for the metric policy).</param>
    /// <param name="total">Reserved instances now (for the metric policy).</param>
    public int Desired(DateTimeOffset now, int busy, int total)
    {
        var scheduled = Scheduled.DesiredCount(now);
        var desired = Metric is { } metric ? Math.Max(scheduled, metric.Evaluate(now, busy, total, scheduled)) : scheduled;
        lock (_gate)
        {
            _current = desired;
        }
        return desired;
    }

    /// <summary>When <see cref="Desired"/> should next be called: the earlier of the schedule's
    /// <see cref="ScheduledPolicy.NextChange"/> and the metric's next evaluation (<paramref name="now"/>
    /// itself when the metric policy has not evaluated yet). Null when nothing will change.</summary>
    /// <param name="now">The time.</param>
    public DateTimeOffset? NextWakeUp(DateTimeOffset now)
    {
        var next = Scheduled.NextChange(now);
        if (Metric is { } metric)
        {
            var evaluation = metric.NextEvaluation ?? now;
            if (next is null || evaluation < next)
            {
                next = evaluation;
            }
        }
        return next;
    }
}
