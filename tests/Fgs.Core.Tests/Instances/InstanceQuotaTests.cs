using Fgs.Core.Instances;

namespace Fgs.Core.Tests.Instances;

/// <summary>Instance quotas chained function → tenant → node: all levels or none, and the pools
/// that share them (versions of one function, functions of one tenant).</summary>
public sealed class InstanceQuotaTests : PoolTestBase
{
    [Fact]
    public void A_slot_is_taken_at_every_level_or_at_none()
    {
        var node = new InstanceQuota("node", 3);
        var tenant = new InstanceQuota("tenant", 2, node);
        var f = new InstanceQuota("function f", 5, tenant);
        var g = new InstanceQuota("function g", 1, tenant);

        Assert.Null(f.TryAcquire());
        Assert.Null(g.TryAcquire());
        Assert.Same(g, g.TryAcquire()); // g's own limit
        Assert.Same(tenant, f.TryAcquire()); // f has room, its tenant has not
        Assert.Equal(1, f.Used);
        Assert.Equal(2, tenant.Used);
        Assert.Equal(2, node.Used);

        g.Release();
        Assert.Equal(0, g.Used);
        Assert.Equal(1, tenant.Used);
        Assert.Null(f.TryAcquire());
        Assert.Equal(2, f.Used);
        Assert.False(f.HasRoom);
    }

    [Fact]
    public void Negative_limit_is_unlimited_and_a_changed_limit_applies_at_once()
    {
        var q = new InstanceQuota("f", -1);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(q.TryAcquire());
        }
        q.Limit = 1000;
        Assert.Same(q, q.TryAcquire());
        q.Limit = 1001;
        Assert.Null(q.TryAcquire());
    }

    [Fact]
    public void Release_never_goes_below_zero()
    {
        var parent = new InstanceQuota("tenant", 1);
        var q = new InstanceQuota("f", 1, parent);
        q.Release();
        Assert.Equal(0, q.Used);
        Assert.Null(q.TryAcquire());
        Assert.Equal(1, parent.Used);
    }

    [Fact]
    public async Task Pools_of_one_function_share_its_maximum()
    {
        var function = new InstanceQuota("function f", 2);
        var latest = Pool(max: 100, quota: function);
        var v1 = Pool(max: 100, quota: function);
        Assert.Equal(DispatchOutcome.DeliveredCold, await latest.DispatchAsync(NewInvocation(), default));
        Assert.Equal(DispatchOutcome.DeliveredCold, await v1.DispatchAsync(NewInvocation(), default));
        Assert.Equal(DispatchOutcome.Rejected, await v1.DispatchAsync(NewInvocation(), default));
        Assert.Same(function, v1.LastRejectedBy);

        // An instance that exits gives its slot back.
        _launched[0].Exit();
        Assert.Equal(1, function.Used);
        Assert.Equal(DispatchOutcome.DeliveredCold, await v1.DispatchAsync(NewInvocation(), default));
    }

    [Fact]
    public async Task Every_way_out_of_a_pool_gives_the_slot_back()
    {
        var quota = new InstanceQuota("f", 10);
        var pool = Pool(max: 10, keepAliveSeconds: 5, quota: quota);
        var a = NewInvocation();
        await pool.DispatchAsync(a, default);
        _launched[0].Finish(a);
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, pool.ReclaimIdle());
        Assert.Equal(0, quota.Used);

        FailLaunchWith = "boom";
        Assert.Equal(DispatchOutcome.LaunchFailed, await pool.DispatchAsync(NewInvocation(), default));
        Assert.Equal(0, quota.Used);
        FailLaunchWith = null;

        pool.SetReservedTarget(2);
        pool.ReconcileReserved();
        await Task.Yield();
        Assert.Equal(2, quota.Used);
        pool.SetReservedTarget(0);
        pool.ReconcileReserved();
        Assert.Equal(0, quota.Used);

        await pool.DispatchAsync(NewInvocation(), default);
        Assert.Equal(1, quota.Used);
        await pool.CloseAsync("done");
        Assert.Equal(0, quota.Used);
    }

    [Fact]
    public async Task Reserved_starts_stop_at_the_shared_maximum()
    {
        var function = new InstanceQuota("f", 3);
        var other = Pool(max: 100, quota: function);
        await other.DispatchAsync(NewInvocation(), default);
        var pool = Pool(max: 100, quota: function);
        pool.SetReservedTarget(5);
        Assert.Equal(2, pool.ReconcileReserved());
        Assert.Equal(3, function.Used);
    }

    [Fact]
    public async Task At_the_limit_an_idle_instance_of_another_pool_gives_way()
    {
        var function = new InstanceQuota("function f", 1);
        var latest = Pool(max: 100, quota: function);
        var v1 = Pool(max: 100, quota: function);
        v1.EvictIdleElsewhere = (full, requester) =>
        {
            Assert.Same(function, full);
            Assert.Same(v1, requester);
            return latest.TryEvictIdle();
        };

        var first = NewInvocation();
        await latest.DispatchAsync(first, default);
        // Busy: nothing gives way.
        Assert.Equal(DispatchOutcome.Rejected, await v1.DispatchAsync(NewInvocation(), default));
        _launched[0].Finish(first);
        // Idle: it is stopped and v1 starts in its place.
        Assert.Equal(DispatchOutcome.DeliveredCold, await v1.DispatchAsync(NewInvocation(), default));
        Assert.NotNull(_launched[0].StoppedBecause);
        Assert.Equal(0, latest.ReadyCount);
        Assert.Equal(1, function.Used);
    }

    [Fact]
    public async Task Retry_after_grows_with_the_callers_turned_away_and_the_completion_interval()
    {
        var pool = Pool(max: 1);
        Assert.Equal(1, pool.EstimateRetryAfterSeconds()); // nothing known yet
        // Completions every 700 ms.
        for (var i = 0; i < 5; i++)
        {
            var inv = NewInvocation();
            await pool.DispatchAsync(inv, default);
            _time.Advance(TimeSpan.FromMilliseconds(700));
            _launched[0].Finish(inv);
        }
        var busy = NewInvocation();
        await pool.DispatchAsync(busy, default);
        Assert.Equal(DispatchOutcome.Rejected, await pool.DispatchAsync(NewInvocation(), default));
        Assert.Equal(1, pool.EstimateRetryAfterSeconds()); // 1 waiting x 0.7 s
        for (var i = 0; i < 4; i++)
        {
            await pool.DispatchAsync(NewInvocation(), default);
        }
        Assert.Equal(4, pool.EstimateRetryAfterSeconds()); // 5 waiting x 0.7 s = 3.5 s
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(DispatchOutcome.Rejected, await pool.DispatchAsync(NewInvocation(), default));
        Assert.Equal(1, pool.EstimateRetryAfterSeconds()); // a new second: 1 waiting
    }
}
