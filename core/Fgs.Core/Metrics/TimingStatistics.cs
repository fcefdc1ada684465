namespace Fgs.Core.Metrics;

/// <summary>Timings of one kind of event (resumes of paused instances, a phase of instance starts).</summary>
/// <param name="Count">How many.</param>
/// <param name="TotalSeconds">Their total time.</param>
/// <param name="MaxSeconds">The longest one.</param>
public readonly record struct TimingStatistics(long Count, double TotalSeconds, double MaxSeconds)
{
    /// <summary>These timings with one more.</summary>
    public TimingStatistics Add(TimeSpan took) => new(Count + 1, TotalSeconds + took.TotalSeconds, Math.Max(MaxSeconds, took.TotalSeconds));
}
