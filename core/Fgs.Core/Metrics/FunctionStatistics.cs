namespace Fgs.Core.Metrics;

/// <summary>
/// Running totals for one function version (or alias): what FunctionGraph reports as
/// <c>count</c>, <c>failcount</c>, <c>rejectcount</c>, <c>functionErrorCount</c>,
/// <c>systemErrorCount</c>, <c>duration</c> (average), <c>maxDuration</c>, <c>minDuration</c> and
/// <c>concurrency</c>. Updated lock-free on the invocation path.
/// </summary>
public sealed class FunctionStatistics
{
    private long _count;
    private long _functionErrors;
    private long _systemErrors;
    private long _rejected;
    private long _coldStarts;
    private long _durationMicrosSum;
    private long _durationMicrosMax;
    private long _durationMicrosMin = long.MaxValue;
    private long _concurrency;
    private long _maxMemoryMb;

    /// <summary>Creates the statistics of one function version.</summary>
    public FunctionStatistics(string functionUrn, string version)
    {
        FunctionUrn = functionUrn;
        Version = version;
    }

    /// <summary>The function URN without qualifier.</summary>
    public string FunctionUrn { get; }

    /// <summary>The version or alias the numbers are for.</summary>
    public string Version { get; }

    /// <summary>Invocations counted (errors and rejections included, as FunctionGraph counts them).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Invocations that failed in the function's code.</summary>
    public long FunctionErrors => Interlocked.Read(ref _functionErrors);

    /// <summary>Invocations that failed in the platform.</summary>
    public long SystemErrors => Interlocked.Read(ref _systemErrors);

    /// <summary>Invocations rejected for capacity.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Failed invocations (function and system errors).</summary>
    public long Failed => FunctionErrors + SystemErrors;

    /// <summary>Failed / count, 0 when nothing was counted.</summary>
    public double FailRate => Count == 0 ? 0 : (double)Failed / Count;

    /// <summary>Invocations that started a new instance.</summary>
    public long ColdStarts => Interlocked.Read(ref _coldStarts);

    /// <summary>Invocations in flight now.</summary>
    public long Concurrency => Interlocked.Read(ref _concurrency);

    /// <summary>Sum of run durations (completed invocations), in milliseconds.</summary>
    public double DurationSumMs => Interlocked.Read(ref _durationMicrosSum) / 1000.0;

    /// <summary>Completed invocations with a duration (success and function errors).</summary>
    public long Timed => Interlocked.Read(ref _timed);

    private long _timed;

    /// <summary>Average run duration in milliseconds, 0 when none.</summary>
    public double AverageDurationMs => Timed == 0 ? 0 : DurationSumMs / Timed;

    /// <summary>Longest run in milliseconds, 0 when none.</summary>
    public double MaxDurationMs => Interlocked.Read(ref _durationMicrosMax) / 1000.0;

    /// <summary>Shortest run in milliseconds, 0 when none.</summary>
    public double MinDurationMs => Interlocked.Read(ref _durationMicrosMin) is var v && v == long.MaxValue ? 0 : v / 1000.0;

    /// <summary>Largest memory use seen at the end of an invocation, in MB.</summary>
    public long MaxMemoryMb => Interlocked.Read(ref _maxMemoryMb);

    /// <summary>An invocation was admitted and is running.</summary>
    public void Started() => Interlocked.Increment(ref _concurrency);

    /// <summary>A running invocation ended.</summary>
    /// <param name="outcome">How it ended.</param>
    /// <param name="duration">Its run time (from the runtime taking the event), or null when it never ran.</param>
    /// <param name="coldStart">Whether it started a new instance.</param>
    public void Finished(InvocationOutcome outcome, TimeSpan? duration, bool coldStart)
    {
        Interlocked.Decrement(ref _concurrency);
        Record(outcome, duration, coldStart);
    }

    /// <summary>The same invocation, counted in its minute of the per-minute series (with the
    /// concurrency it ended at).</summary>
    /// <param name="minute">Unix minutes.</param>
    /// <param name="outcome">How it ended.</param>
    /// <param name="duration">Its run time when it reached the function.</param>
    /// <param name="concurrency">Invocations in flight as it ended (itself included when it ran).</param>
    public void RecordMinute(long minute, InvocationOutcome outcome, TimeSpan? duration, long concurrency)
        => Series.Record(minute, outcome, duration is { } d ? Math.Max(0, d.Ticks / 10) : -1, concurrency);

    /// <summary>Figures minute by minute over the last day (the statistics API).</summary>
    public MinuteSeries Series { get; } = new();

    /// <summary>An invocation that never ran (rejected, or failed before reaching an instance).</summary>
    public void NotRun(InvocationOutcome outcome) => Record(outcome, null, coldStart: false);

    /// <summary>Records the memory an instance used.</summary>
    public void ObservedMemory(long megabytes)
    {
        var current = Interlocked.Read(ref _maxMemoryMb);
        while (megabytes > current)
        {
            var seen = Interlocked.CompareExchange(ref _maxMemoryMb, megabytes, current);
            if (seen == current)
            {
                break;
            }
            current = seen;
        }
    }

    private void Record(InvocationOutcome outcome, TimeSpan? duration, bool coldStart)
    {
        Interlocked.Increment(ref _count);
        switch (outcome)
        {
            case InvocationOutcome.FunctionError:
                Interlocked.Increment(ref _functionErrors);
                break;
            case InvocationOutcome.SystemError:
                Interlocked.Increment(ref _systemErrors);
                break;
            case InvocationOutcome.Rejected:
                Interlocked.Increment(ref _rejected);
                break;
        }
        if (coldStart)
        {
            Interlocked.Increment(ref _coldStarts);
        }
        if (duration is { } d)
        {
            var micros = Math.Max(0, (long)(d.Ticks / 10));
            Interlocked.Increment(ref _timed);
            Interlocked.Add(ref _durationMicrosSum, micros);
            UpdateMax(ref _durationMicrosMax, micros);
            UpdateMin(ref _durationMicrosMin, micros);
        }
    }

    private static void UpdateMax(ref long field, long value)
    {
        var current = Interlocked.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private static void UpdateMin(ref long field, long value)
    {
        var current = Interlocked.Read(ref field);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
