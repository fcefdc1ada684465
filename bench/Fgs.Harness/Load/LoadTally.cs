using System.Diagnostics;
using HdrHistogram;

namespace Fgs.Harness.Load;

/// <summary>
/// Latencies (an HdrHistogram in nanoseconds, 3 significant digits, up to one minute) and answer
/// counts of one worker; merged into one tally per run. Not thread-safe: one owner at a time.
/// </summary>
public sealed class LoadTally
{
    private static readonly double NanosPerTick = 1_000_000_000.0 / Stopwatch.Frequency;
    private readonly Dictionary<int, long> _byStatus = [];

    /// <summary>Latency in nanoseconds.</summary>
    public LongHistogram Histogram { get; } = new(60L * 1_000_000_000, 3);

    /// <summary>Answers by HTTP status; status 0 is a connection failure.</summary>
    public IReadOnlyDictionary<int, long> ByStatus => _byStatus;

    /// <summary>Answers carrying <c>X-Cff-Cold-Start: true</c>.</summary>
    public long ColdStarts { get; private set; }

    /// <summary>Non-200 answers whose body held the watched error code.</summary>
    public long ErrorCodeMatches { get; private set; }

    /// <summary>Every recorded exchange.</summary>
    public long Count { get; private set; }

    /// <summary>Records one exchange that took <paramref name="elapsedTicks"/> Stopwatch ticks.</summary>
    public void Record(ExchangeResult result, long elapsedTicks)
    {
        var nanos = (long)(elapsedTicks * NanosPerTick);
        Histogram.RecordValue(Math.Clamp(nanos, 1, Histogram.HighestTrackableValue));
        _byStatus[result.Status] = _byStatus.GetValueOrDefault(result.Status) + 1;
        Count++;
        if (result.ColdStart)
        {
            ColdStarts++;
        }
        if (result.ErrorCodeMatched)
        {
            ErrorCodeMatches++;
        }
    }

    /// <summary>Adds another tally into this one.</summary>
    public void Add(LoadTally other)
    {
        Histogram.Add(other.Histogram);
        foreach (var (status, count) in other._byStatus)
        {
            _byStatus[status] = _byStatus.GetValueOrDefault(status) + count;
        }
        Count += other.Count;
        ColdStarts += other.ColdStarts;
        ErrorCodeMatches += other.ErrorCodeMatches;
    }

    /// <summary>Answers with this status.</summary>
    public long StatusCount(int status) => _byStatus.GetValueOrDefault(status);

    /// <summary>A percentile in microseconds.</summary>
    public double PercentileMicros(double percentile) =>
        Count == 0 ? 0 : Histogram.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>The largest latency in microseconds.</summary>
    public double MaxMicros => Count == 0 ? 0 : Histogram.GetMaxValue() / 1000.0;
}
