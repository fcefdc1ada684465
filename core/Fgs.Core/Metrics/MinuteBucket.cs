namespace Fgs.Core.Metrics;

/// <summary>Invocation figures of one minute (see <see cref="MinuteSeries"/>).</summary>
/// <param name="minute">Unix minutes (seconds since the epoch / 60).</param>
public sealed class MinuteBucket(long minute)
{
    /// <summary>The minute (Unix minutes).</summary>
    public long Minute { get; } = minute;

    /// <summary>Invocations that ended (rejected ones included).</summary>
    public long Count { get; set; }

    /// <summary>Ended with a function error.</summary>
    public long FunctionErrors { get; set; }

    /// <summary>Ended with a system error.</summary>
    public long SystemErrors { get; set; }

    /// <summary>Rejected for capacity.</summary>
    public long Rejected { get; set; }

    /// <summary>Invocations with a run time.</summary>
    public long Timed { get; set; }

    /// <summary>Sum of run times, microseconds.</summary>
    public long DurationMicrosSum { get; set; }

    /// <summary>Longest run time, microseconds.</summary>
    public long MaxMicros { get; set; }

    /// <summary>Shortest run time, microseconds (<see cref="long.MaxValue"/> when none).</summary>
    public long MinMicros { get; set; } = long.MaxValue;

    /// <summary>Most invocations in flight at once.</summary>
    public long MaxConcurrency { get; set; }

    /// <summary>A copy.</summary>
    public MinuteBucket Clone() => (MinuteBucket)MemberwiseClone();
}
