using Fgs.Core.Instances;
using Fgs.Core.Invocations;

namespace Fgs.Core.Tests.Instances;

/// <summary>Reserved instances in the pool, on a fake clock with fake instances: started before any
/// request, placed first, kept past the keep-alive, retired idle-first, and counted toward the maximum.</summary>
public sealed class ReservedPoolTests : PoolTestBase
{
    [Fact]
    public async Task Reserved_instances_start_before_any_request_and_serve_warm()
    {
        var pool = Pool();
        pool.SetReservedTarget(2);
        Assert.Equal(2, pool.ReconcileReserved());
        Assert.Equal(2, _launched.Count);
        Assert.Equal(new InstanceCounts(0, 2, 0, 0, 0, 0), pool.CountsByKind());
        Assert.Equal(2, pool.ReservedTotal);
        Assert.Equal(0, pool.ReconcileReserved());

        var a = NewInvocation();
        Assert.Equal(DispatchOutcome.DeliveredWarm, await pool.DispatchAsync(a, default));
        Assert.False(a.ColdStart);
        Assert.Equal(1, pool.ReservedBusy);
        Assert.Equal(0, pool.ColdStarts);
    }

    [Fact]
    public async Task Dispatch_prefers_reserved_then_overflows_to_on_demand()
    {
        var pool = Pool(max: 4);
        pool.SetReservedTarget(1);
        pool.ReconcileReserved();
        var a = NewInvocation();
        var b = NewInvocation();
        Assert.Equal(DispatchOutcome.DeliveredWarm, await pool.DispatchAsync(a, default));
        Assert.Single(_launched[0].Delivered);
        Assert.Equal(DispatchOutcome.DeliveredCold, await pool.DispatchAsync(b, default));
        Assert.Equal(2, _launched.Count);
        Assert.Equal(new InstanceCounts(0, 0, 1, 0, 0, 1), pool.CountsByKind());

        // Both free: the reserved one is taken first even though the on-demand one was released last.
        _launched[0].Finish(a);
        _launched[1].Finish(b);
        var c = NewInvocation();
        Assert.Equal(DispatchOutcome.DeliveredWarm, await pool.DispatchAsync(c, default));
        Assert.Equal(2, _launched[0].Delivered.Count);
        Assert.Single(_launched[1].Delivered);
    }

    [Fact]
    public async Task Keep_alive_reclaims_on_demand_but_never_reserved()
    {
        var pool = Pool(max: 4, keepAliveSeconds: 1);
        pool.SetReservedTarget(1);
        pool.ReconcileReserved();
        var a = NewInvocation();
        var b = NewInvocation();
        await pool.DispatchAsync(a, default);
        await pool.DispatchAsync(b, default);
        _launched[0].Finish(a);
        _launched[1].Finish(b);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, pool.ReclaimIdle());
        Assert.Null(_launched[0].StoppedBecause);
        Assert.NotNull(_launched[1].StoppedBecause);
        Assert.Equal(new InstanceCounts(0, 1, 0, 0, 0, 0), pool.CountsByKind());
    }

    [Fact]
    public async Task Lowering_the_target_stops_idle_ones_first_and_busy_ones_after_they_finish()
    {
        var pool = Pool(max: 5);
        pool.SetReservedTarget(3);
        pool.ReconcileReserved();
        var a = NewInvocation();
        await pool.DispatchAsync(a, default);
        var busy = _launched.Single(i => i.Delivered.Count == 1);

        pool.SetReservedTarget(1);
        Assert.Equal(-2, pool.ReconcileReserved());
        Assert.Null(busy.StoppedBecause);
        Assert.Equal(2, _launched.Count(i => i.StoppedBecause is not null));
        Assert.Equal(new InstanceCounts(0, 0, 1, 0, 0, 0), pool.CountsByKind());

        pool.SetReservedTarget(0);
        Assert.Equal(-1, pool.ReconcileReserved());
        Assert.Null(busy.StoppedBecause);
        // A retiring instance takes no new work: the next request cold-starts an on-demand one.
        var b = NewInvocation();
        Assert.Equal(DispatchOutcome.DeliveredCold, await pool.DispatchAsync(b, default));
        busy.Finish(a);
        Assert.NotNull(busy.StoppedBecause);
        Assert.Equal(new InstanceCounts(0, 0, 0, 0, 0, 1), pool.CountsByKind());
    }

    [Fact]
    public async Task Raising_the_target_again_keeps_a_retiring_busy_instance()
    {
        var pool = Pool();
        pool.SetReservedTarget(1);
        pool.ReconcileReserved();
        var a = NewInvocation();
        await pool.DispatchAsync(a, default);
        pool.SetReservedTarget(0);
        pool.ReconcileReserved();
        pool.SetReservedTarget(1);
        Assert.Equal(0, pool.ReconcileReserved());
        Assert.Single(_launched);
        _launched[0].Finish(a);
        Assert.Null(_launched[0].StoppedBecause);
        Assert.Equal(new InstanceCounts(0, 1, 0, 0, 0, 0), pool.CountsByKind());
    }

    [Fact]
    public async Task Reserved_at_max_instances_leaves_no_room_for_on_demand()
    {
        var pool = Pool(max: 2);
        pool.SetReservedTarget(5);
        Assert.Equal(2, pool.ReconcileReserved());
        await pool.DispatchAsync(NewInvocation(), default);
        await pool.DispatchAsync(NewInvocation(), default);
        Assert.Equal(DispatchOutcome.Rejected, await pool.DispatchAsync(NewInvocation(), default));
        Assert.Equal(2, _launched.Count);
    }

    [Fact]
    public void Exited_reserved_instance_is_replaced_and_failed_starts_back_off()
    {
        var pool = Pool();
        pool.SetReservedTarget(1);
        pool.ReconcileReserved();
        _launched[0].Exit();
        Assert.Equal(0, pool.ReservedTotal);
        FailLaunchWith = "boom";
        Assert.Equal(1, pool.ReconcileReserved());
        Assert.Equal("boom", pool.LastReservedError);
        Assert.Equal(0, pool.ReconcileReserved());
        FailLaunchWith = null;
        _time.Advance(InstancePool.ReservedRetryDelay);
        Assert.Equal(1, pool.ReconcileReserved());
        Assert.Equal(1, pool.ReservedTotal);
        Assert.Null(pool.LastReservedError);
    }

    [Fact]
    public async Task Closed_pool_starts_no_reserved_instances()
    {
        var pool = Pool();
        pool.SetReservedTarget(1);
        pool.ReconcileReserved();
        await pool.CloseAsync("test");
        Assert.Equal("test", _launched[0].StoppedBecause);
        Assert.Equal(0, pool.ReconcileReserved());
        Assert.Single(_launched);
    }

    [Fact]
    public async Task Idle_mode_pauses_idle_reserved_instances_after_the_delay_and_resumes_them_before_delivery()
    {
        var thaws = new List<TimeSpan>();
        var pool = Pool(max: 5, thawed: thaws.Add);
        pool.SetReservedTarget(2, idleMode: true);
        pool.ReconcileReserved();
        await Task.Yield();
        Assert.Equal(0, pool.FreezeIdleReserved(TimeSpan.FromSeconds(1))); // not idle long enough
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, pool.FreezeIdleReserved(TimeSpan.FromSeconds(1)));
        Assert.All(_launched, i => Assert.True(i.Frozen));
        var counts = pool.CountsByKind();
        Assert.Equal(2, counts.ReservedFrozen);
        Assert.Equal(0, counts.ReservedIdle);

        var inv = NewInvocation();
        Assert.Equal(DispatchOutcome.DeliveredWarm, await pool.DispatchAsync(inv, default));
        var used = Assert.Single(_launched, i => i.Delivered.Count == 1);
        Assert.False(used.Frozen);
        Assert.False(used.DeliveredWhileFrozen);
        Assert.Equal([TimeSpan.FromMilliseconds(2)], thaws);
        Assert.Equal(1, pool.CountsByKind().ReservedFrozen);

        // Busy instances are never paused; once done and idle again, they are.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, pool.FreezeIdleReserved(TimeSpan.FromSeconds(1)));
        used.Finish(inv);
        Assert.Equal(0, pool.FreezeIdleReserved(TimeSpan.FromSeconds(1)));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, pool.FreezeIdleReserved(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Idle_mode_off_resumes_paused_instances_and_on_demand_instances_are_never_paused()
    {
        var pool = Pool(max: 5);
        pool.SetReservedTarget(1, idleMode: true);
        pool.ReconcileReserved();
        await Task.Yield();
        var busy = NewInvocation();
        await pool.DispatchAsync(busy, default);                  // the reserved one
        await pool.DispatchAsync(NewInvocation(), default);       // overflows to on-demand
        _launched[0].Finish(busy);
        _launched[1].Finish(_launched[1].Delivered[0]);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, pool.FreezeIdleReserved(TimeSpan.FromSeconds(1)));
        Assert.True(_launched[0].Frozen);
        Assert.False(_launched[1].Frozen);

        pool.SetReservedTarget(1, idleMode: false);
        Assert.Equal(0, pool.CountsByKind().ReservedFrozen);
        Assert.False(_launched[0].Frozen);
        Assert.Equal(0, pool.FreezeIdleReserved(TimeSpan.FromSeconds(1)));
    }
}
