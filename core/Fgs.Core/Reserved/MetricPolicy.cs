namespace Fgs.Core.Reserved;

/// <summary>
/// The metric policies of one target: keeps reserved-instance utilization (busy reserved
/// instances / reserved instances) near each rule's target <c>T</c> percent. Stateful (it
/// remembers its latest count and evaluation time) but clock-free: the caller passes the time.
/// Thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Cadence.</b> The policy evaluates at most once per <see cref="Interval"/> (one minute):
/// a call to <see cref="Evaluate(DateTimeOffset, int, int, int)"/> earlier than
/// <see cref="NextEvaluation"/> returns <see cref="Current"/> unchanged. So the count follows the
/// load with a lag of one to two minutes, as FunctionGraph's does.</para>
/// <para><b>Step rule</b>, per rule, from the current count <c>C</c>, with
/// <c>need = ceil(busy × 100 / T)</c> (the count at which utilization would be exactly at or below
/// <c>T</c>) and <c>floor = max(min, fixed count, the caller's floor)</c>:</para>
/// <list type="bullet">
/// <item>utilization above <c>T</c> (<c>busy × 100 &gt; T × total</c>, or any busy instance when
/// <c>total</c> is 0): scale up at once, to <c>max(C, need)</c>;</item>
/// <item>utilization below <c>T</c>: scale down one step, to
/// <c>max(C − step, need)</c> where <c>step = max(1, floor(C / 10))</c> (about 10 % of the
/// current count, at least one instance);</item>
/// <item>exactly <c>T</c>: keep <c>C</c>;</item>
/// <item>then raise to <c>floor</c> and cap at <see cref="ReservedLimits.MaxCount"/>.</item>
/// </list>
/// <para>With several rules each proposes a count from the same <c>C</c> and the largest wins.
/// The count starts at <see cref="Floor"/>.</para>
/// </remarks>
public sealed class MetricPolicy
{
    private readonly Lock _gate = new();
    private int _current;
    private DateTimeOffset? _lastEvaluation;

    /// <summary>Creates the policy.</summary>
    /// <param name="fixedCount">The fixed count, a floor.</param>
    /// <param name="rules">The metric rules, at least one.</param>
    /// <param name="interval">The evaluation cadence; default <see cref="ReservedLimits.MetricInterval"/>.</param>
    public MetricPolicy(int fixedCount, IEnumerable<MetricRule> rules, TimeSpan? interval = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fixedCount);
        ArgumentNullException.ThrowIfNull(rules);
        Rules = [.. rules];
        if (Rules.Count == 0)
        {
            throw new ArgumentException("a metric policy needs at least one rule", nameof(rules));
        }
        foreach (var rule in Rules)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(rule.Threshold, ReservedLimits.MinThreshold, nameof(rules));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(rule.Threshold, ReservedLimits.MaxThreshold, nameof(rules));
        }
        FixedCount = fixedCount;
        Interval = interval ?? ReservedLimits.MetricInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero, nameof(interval));
        Floor = Math.Min(ReservedLimits.MaxCount, Math.Max(fixedCount, Rules.Max(r => r.Min)));
        _current = Floor;
    }

    /// <summary>The fixed count.</summary>
    public int FixedCount { get; }

    /// <summary>The rules.</summary>
    public IReadOnlyList<MetricRule> Rules { get; }

    /// <summary>The evaluation cadence.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The policy's own floor: the largest of the fixed count and the rules' <c>min</c>.</summary>
    public int Floor { get; }

    /// <summary>The latest count (the initial <see cref="Floor"/> before the first evaluation).</summary>
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

    /// <summary>When the policy last evaluated, or null before the first evaluation.</summary>
    public DateTimeOffset? LastEvaluation
    {
        get
        {
            lock (_gate)
            {
                return _lastEvaluation;
            }
        }
    }

    /// <summary>The earliest instant the next evaluation takes effect (<see cref="LastEvaluation"/>
    /// + <see cref="Interval"/>), or null when it has never evaluated (it will at the next call).</summary>
    public DateTimeOffset? NextEvaluation
    {
        get
        {
            lock (_gate)
            {
                return _lastEvaluation + Interval;
            }
        }
    }

    /// <summary>The count that would put utilization at or below <paramref name="thresholdPercent"/>:
    /// <c>ceil(busy × 100 / threshold)</c>.</summary>
    /// <param name="busy">Busy reserved instances.</param>
    /// <param name="thresholdPercent">The target, 1-99.</param>
    public static int Needed(int busy, int thresholdPercent) =>
        (int)Math.Min(int.MaxValue, ((busy * 100L) + thresholdPercent - 1) / thresholdPercent);

    /// <summary>One scale-down step from <paramref name="current"/>: <c>max(1, current / 10)</c>.</summary>
    /// <param name="current">The current count.</param>
    public static int StepDown(int current) => Math.Max(1, current / 10);

    /// <summary>Evaluates with the policy's own floor; see
    /// <see cref="Evaluate(DateTimeOffset, int, int, int)"/>.</summary>
    /// <param name="now">The time.</param>
    /// <param name="busy">Reserved instances busy now.</param>
    /// <param name="total">Reserved instances now (started and ready).</param>
    public int Evaluate(DateTimeOffset now, int busy, int total) => Evaluate(now, busy, total, 0);

    /// <summary>
    /// Evaluates the policy at <paramref name="now"/> (when at least <see cref="Interval"/> has
    /// passed since the last evaluation; otherwise returns <see cref="Current"/> unchanged) and
    /// returns the new count (see the remarks for the step rule).
    /// </summary>
    /// <param name="now">The time.</param>
    /// <param name="busy">Reserved instances busy now.</param>
    /// <param name="total">Reserved instances now (started and ready).</param>
    /// <param name="floor">An extra floor, e.g. the scheduled policy's latest count.</param>
    public int Evaluate(DateTimeOffset now, int busy, int total, int floor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(busy);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        lock (_gate)
        {
            if (_lastEvaluation is { } last && now < last + Interval)
            {
                return _current;
            }
            _lastEvaluation = now;
            var current = _current;
            var proposed = 0;
            foreach (var rule in Rules)
            {
                var need = Needed(busy, rule.Threshold);
                var load = busy * 100L;
                var target = (long)rule.Threshold * total;
                int next;
                if (load > target)
                {
                    next = Math.Max(current, need);
                }
                else if (load < target)
                {
                    next = Math.Max(current - StepDown(current), need);
                }
                else
                {
                    next = current;
                }
                next = Math.Max(next, Math.Max(rule.Min, FixedCount));
                proposed = Math.Max(proposed, next);
            }
            _current = Math.Min(ReservedLimits.MaxCount, Math.Max(proposed, Math.Max(Floor, floor)));
            return _current;
        }
    }
}
