using Fgs.Core.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Fgs.Core.Tests.Metrics;

/// <summary>The per-minute series behind the statistics API, on a fake clock.</summary>
public sealed class FunctionStatisticsSeriesTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 30, TimeSpan.Zero);

    [Fact]
    public void Invocations_are_counted_in_the_minute_they_end_with_errors_rejections_durations_and_concurrency()
    {
        var clock = new FakeTimeProvider(Start);
        var metrics = new FunctionMetrics(clock);
        var stats = metrics.For("urn:f", "latest");
        metrics.Started(stats);
        metrics.Started(stats);
        metrics.Finished(stats, InvocationOutcome.Success, TimeSpan.FromMilliseconds(10), coldStart: true);
        metrics.Finished(stats, InvocationOutcome.FunctionError, TimeSpan.FromMilliseconds(30), coldStart: false);
        clock.Advance(TimeSpan.FromMinutes(1));
        metrics.Started(stats);
        metrics.Finished(stats, InvocationOutcome.Rejected, null, coldStart: false);
        metrics.NotRun(stats, InvocationOutcome.SystemError);

        var r = ListFunctionStatisticsResponse.Build([stats.Series], metrics.CurrentMinute, 3, reservedNow: 2);
        Assert.Equal(3, r.Count.Count);
        var minute0 = Start.ToUnixTimeSeconds() / 60 * 60_000;
        Assert.Equal([minute0 - 60_000, minute0, minute0 + 60_000], r.Count.Select(p => p.Timestamp));
        Assert.Equal([0.0, 2, 2], r.Count.Select(p => p.Value));
        Assert.Equal([0.0, 20, 0], r.Duration.Select(p => p.Value));
        Assert.Equal([0.0, 30, 0], r.MaxDuration.Select(p => p.Value));
        Assert.Equal([0.0, 10, 0], r.MinDuration.Select(p => p.Value));
        Assert.Equal([0.0, 1, 1], r.FailCount.Select(p => p.Value));
        Assert.Equal([0.0, 1, 0], r.FunctionErrorCount.Select(p => p.Value));
        Assert.Equal([0.0, 0, 1], r.SystemErrorCount.Select(p => p.Value));
        Assert.Equal([0.0, 0, 1], r.RejectCount.Select(p => p.Value));
        Assert.Equal([0.0, 2, 0], r.ConcurrencyNum.Select(p => p.Value));
        var reserved = Assert.Single(r.ReservedInstanceNum);
        Assert.Equal((2.0, minute0 + 60_000), (reserved.Value, reserved.Timestamp));
    }

    [Fact]
    public void Long_periods_are_summed_into_at_most_sixty_intervals()
    {
        var clock = new FakeTimeProvider(Start);
        var metrics = new FunctionMetrics(clock);
        var stats = metrics.For("urn:f", "latest");
        for (var i = 0; i < 120; i++)
        {
            metrics.NotRun(stats, InvocationOutcome.Rejected);
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        // 120 minutes at 2-minute steps: 60 points; the window ends with the current (empty) minute.
        var r = ListFunctionStatisticsResponse.Build([stats.Series], metrics.CurrentMinute, 120, 0);
        Assert.Equal(60, r.Count.Count);
        Assert.Equal(119, r.Count.Sum(p => p.Value));
        Assert.All(r.Count.Skip(1).SkipLast(1), p => Assert.Equal(2, p.Value));
        Assert.Equal(120_000, r.Count[1].Timestamp - r.Count[0].Timestamp);

        var day = ListFunctionStatisticsResponse.Build([stats.Series], metrics.CurrentMinute, 1440, 0);
        Assert.Equal(60, day.Count.Count);
        Assert.Equal(120, day.Count.Sum(p => p.Value));
    }

    [Fact]
    public void Minutes_older_than_a_day_are_dropped_and_versions_add_up()
    {
        var clock = new FakeTimeProvider(Start);
        var metrics = new FunctionMetrics(clock);
        var latest = metrics.For("urn:f", "latest");
        var v1 = metrics.For("urn:f", "v1");
        metrics.NotRun(latest, InvocationOutcome.Rejected);
        clock.Advance(TimeSpan.FromMinutes(MinuteSeries.Retention));
        metrics.NotRun(latest, InvocationOutcome.Rejected);
        metrics.NotRun(v1, InvocationOutcome.Rejected);
        Assert.Single(latest.Series.Since(long.MinValue));
        var r = ListFunctionStatisticsResponse.Build([latest.Series, v1.Series], metrics.CurrentMinute, 1, 0);
        Assert.Equal(2, Assert.Single(r.Count).Value);
    }
}
