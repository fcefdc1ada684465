using Fgs.Core.Instances;
using Fgs.Core.Invocations;

namespace Fgs.Core.Tests.Instances;

/// <summary>The instance pool on a fake clock with fake instances: placement order, limits,
/// keep-alive reclaim and launch failures.</summary>
public sealed class InstancePoolTests : PoolTestBase
{
    [Fact]
    public async Task First_invocation_cold_starts_and_the_next_reuses_the_warm_instance()
    {
        var pool = Pool();
        var a = NewInvocation();
        Assert.Equal(DispatchOutcome.DeliveredCold, await pool.DispatchAsync(a, default));
        Assert.True(a.ColdStart);
        _launched[0].Finish(a);

        var b = NewInvocation();
        Assert.Equal(DispatchOutcome.DeliveredWarm, await pool.DispatchAsync(b, default));
        Assert.False(b.ColdStart);
        Assert.Single(_launched);
        Assert.Same(b, _launched[0].Delivered[1]);
        Assert.Equal(1, pool.ColdStarts);
    }

    [Fact]
    public async Task Busy_instances_overflow_to_new_ones_up_to_the_maximum_then_reject()
    {
        var pool = Pool(max: 2);
        Assert.Equal(DispatchOutcome.DeliveredCold, await pool.DispatchAsync(NewInvocation(), default));
        Assert.Equal(DispatchOutcome.DeliveredCold, await pool.DispatchAsync(NewInvocation(), default));
        Assert.Equal(DispatchOutcome.Rejected, await pool.DispatchAsync(NewInvocation(), default));
        Assert.Equal(2, _launched.Count);
        Assert.Equal(2, pool.ActiveInvocations);
    }

    [Fact]
    public async Task Concurrency_above_one_places_several_invocations_on_one_instance()
    {
        var pool = Pool(max: 1, concurrency: 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.NotEqual(DispatchOutcome.Rejected, await pool.DispatchAsync(NewInvocation(), default));
        }
        Assert.Single(_launched);
        Assert.Equal(3, _launched[0].Delivered.Count);
        Assert.Equal(DispatchOutcome.Rejected, await pool.DispatchAsync(NewInvocation(), default));
    }

    [Fact]
    public async Task Unlimited_maximum_never_rejects()
    {
        var pool = Pool(max: -1);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(DispatchOutcome.DeliveredCold, await pool.DispatchAsync(NewInvocation(), default));
        }
        Assert.Equal(50, pool.ReadyCount);
    }

    [Fact]
    public async Task Zero_maximum_rejects_everything()
    {
        var pool = Pool(max: 0);
        Assert.Equal(DispatchOutcome.Rejected, await pool.DispatchAsync(NewInvocation(), default));
        Assert.Empty(_launched);
    }

    [Fact]
    public async Task Most_recently_used_instance_is_chosen_first()
    {
        var pool = Pool(max: 3);
        var a = NewInvocation();
        var b = NewInvocation();
        await pool.DispatchAsync(a, default);
        await pool.DispatchAsync(b, default);
        _launched[0].Finish(a);
        _time.Advance(TimeSpan.FromSeconds(1));
        _launched[1].Finish(b); // f1 is now the most recently used
        var c = NewInvocation();
        await pool.DispatchAsync(c, default);
        Assert.Contains(c, _launched[1].Delivered);
        Assert.DoesNotContain(c, _launched[0].Delivered);
    }

    [Fact]
    public async Task Idle_instances_are_reclaimed_exactly_at_the_keep_alive()
    {
        var pool = Pool(keepAliveSeconds: 60);
        var a = NewInvocation();
        await pool.DispatchAsync(a, default);
        _launched[0].Finish(a);

        _time.Advance(TimeSpan.FromSeconds(59.999));
        Assert.Equal(0, pool.ReclaimIdle());
        Assert.Equal(1, pool.ReadyCount);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, pool.ReclaimIdle());
        Assert.Equal(0, pool.ReadyCount);
        Assert.Equal("idle past keep-alive", _launched[0].StoppedBecause);
    }

    [Fact]
    public async Task Busy_instances_are_never_reclaimed()
    {
        var pool = Pool(keepAliveSeconds: 1);
        await pool.DispatchAsync(NewInvocation(), default);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, pool.ReclaimIdle());
        Assert.Null(_launched[0].StoppedBecause);
    }

    [Fact]
    public async Task Launch_failure_fails_the_invocation_with_the_reason_and_frees_the_slot()
    {
        var pool = Pool(max: 1);
        FailLaunchWith = "initialization failed: boom";
        var a = NewInvocation();
        Assert.Equal(DispatchOutcome.LaunchFailed, await pool.DispatchAsync(a, default));
        Assert.Equal(InvocationStatus.InitFailed, await a.WaitAsync());
        Assert.Equal("initialization failed: boom", a.FailureDetail);

        FailLaunchWith = null;
        Assert.Equal(DispatchOutcome.DeliveredCold, await pool.DispatchAsync(NewInvocation(), default));
    }

    [Fact]
    public async Task Exited_instance_leaves_the_pool_and_a_new_one_starts()
    {
        var pool = Pool(max: 1);
        var a = NewInvocation();
        await pool.DispatchAsync(a, default);
        _launched[0].Exit();
        Assert.Equal(0, pool.ReadyCount);
        Assert.Equal(DispatchOutcome.DeliveredCold, await pool.DispatchAsync(NewInvocation(), default));
        Assert.Equal(2, _launched.Count);
    }

    [Fact]
    public async Task Closed_pool_stops_its_instances_and_takes_no_more_work()
    {
        var pool = Pool();
        var a = NewInvocation();
        await pool.DispatchAsync(a, default);
        _launched[0].Finish(a);
        await pool.CloseAsync("test");
        Assert.Equal("test", _launched[0].StoppedBecause);
        Assert.Equal(DispatchOutcome.ShuttingDown, await pool.DispatchAsync(NewInvocation(), default));
    }
}
