using Fgs.Core.Metrics;

namespace Fgs.Core.Tests.Metrics;

public sealed class FunctionStatisticsTests
{
    [Fact]
    public void Counts_follow_functiongraph_definitions()
    {
        var s = new FunctionStatistics("urn:fss:r:p:function:default:f", "latest");
        s.Started();
        s.Started();
        Assert.Equal(2, s.Concurrency);
        s.Finished(InvocationOutcome.Success, TimeSpan.FromMilliseconds(10), coldStart: true);
        s.Finished(InvocationOutcome.FunctionError, TimeSpan.FromMilliseconds(30), coldStart: false);
        s.NotRun(InvocationOutcome.Rejected);
        s.NotRun(InvocationOutcome.SystemError);

        Assert.Equal(0, s.Concurrency);
        Assert.Equal(4, s.Count);            // errors and rejections are counted
        Assert.Equal(1, s.FunctionErrors);
        Assert.Equal(1, s.SystemErrors);
        Assert.Equal(2, s.Failed);
        Assert.Equal(0.5, s.FailRate);
        Assert.Equal(1, s.Rejected);
        Assert.Equal(1, s.ColdStarts);
        Assert.Equal(2, s.Timed);
        Assert.Equal(20, s.AverageDurationMs, 3);
        Assert.Equal(30, s.MaxDurationMs, 3);
        Assert.Equal(10, s.MinDurationMs, 3);
    }

    [Fact]
    public void Empty_statistics_report_zeros()
    {
        var s = new FunctionStatistics("u", "v");
        Assert.Equal(0, s.FailRate);
        Assert.Equal(0, s.AverageDurationMs);
        Assert.Equal(0, s.MinDurationMs);
        Assert.Equal(0, s.MaxDurationMs);
    }

    [Fact]
    public void Memory_keeps_the_maximum()
    {
        var s = new FunctionStatistics("u", "v");
        s.ObservedMemory(20);
        s.ObservedMemory(12);
        s.ObservedMemory(33);
        Assert.Equal(33, s.MaxMemoryMb);
    }

    [Fact]
    public void Concurrent_updates_lose_nothing()
    {
        var s = new FunctionStatistics("u", "v");
        Parallel.For(0, 10_000, i =>
        {
            s.Started();
            s.Finished(i % 2 == 0 ? InvocationOutcome.Success : InvocationOutcome.FunctionError, TimeSpan.FromMilliseconds(i % 100 + 1), false);
        });
        Assert.Equal(10_000, s.Count);
        Assert.Equal(5_000, s.FunctionErrors);
        Assert.Equal(0, s.Concurrency);
        Assert.Equal(100, s.MaxDurationMs, 3);
        Assert.Equal(1, s.MinDurationMs, 3);
    }
}
