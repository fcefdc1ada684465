using Fgs.Core.Reserved;
using Microsoft.Extensions.Time.Testing;
using static Fgs.Core.Tests.Reserved.ReservedTestTime;

namespace Fgs.Core.Tests.Reserved;

/// <summary>The scheduled policy: cron firings inside windows set the count; the fixed count
/// applies otherwise.</summary>
public sealed class ScheduledPolicyTests
{
    private static readonly DateTimeOffset May1 = T("2024-05-01T00:00:00Z");
    private static readonly DateTimeOffset June1 = T("2024-06-01T00:00:00Z");

    private static ScheduledRule Rule(string name, string cron, int count, DateTimeOffset? start = null, DateTimeOffset? expires = null) => new()
    {
        Name = name,
        Schedule = CronSchedule.Parse(cron),
        Count = count,
        Start = start,
        Expires = expires,
    };

    // Fixed 2; in May, 10 from 09:00 and 4 from 21:00 (UTC).
    private static ScheduledPolicy DayAndNight() => new(2,
    [
        Rule("day", "0 0 9 * * *", 10, May1, June1),
        Rule("night", "0 0 21 * * *", 4, May1, June1),
    ]);

    [Fact]
    public void Without_rules_the_fixed_count_always_applies()
    {
        var policy = new ScheduledPolicy(3);

        Assert.Equal(3, policy.DesiredCount(May1));
        Assert.Null(policy.NextChange(May1));
        Assert.Null(policy.ActiveRule(May1));
    }

    [Fact]
    public void Before_the_window_and_at_its_start_before_any_firing_the_fixed_count_applies()
    {
        var policy = DayAndNight();

        Assert.Equal(2, policy.DesiredCount(T("2024-04-30T12:00:00Z")));
        Assert.Equal(2, policy.DesiredCount(May1));
        Assert.Equal(2, policy.DesiredCount(T("2024-05-01T08:59:59.9999999Z")));
    }

    [Fact]
    public void Each_firing_sets_its_count_until_the_next_firing_of_any_rule()
    {
        var policy = DayAndNight();

        Assert.Equal(10, policy.DesiredCount(T("2024-05-01T09:00:00Z")));
        Assert.Equal("day", policy.ActiveRule(T("2024-05-01T09:00:00Z"))!.Name);
        Assert.Equal(10, policy.DesiredCount(T("2024-05-01T20:59:59Z")));
        Assert.Equal(4, policy.DesiredCount(T("2024-05-01T21:00:00Z")));
        Assert.Equal(4, policy.DesiredCount(T("2024-05-02T08:00:00Z")));
        Assert.Equal(10, policy.DesiredCount(T("2024-05-02T09:00:00Z")));
        Assert.Equal(4, policy.DesiredCount(T("2024-05-31T23:59:59Z")));
    }

    [Fact]
    public void At_expired_time_the_rule_is_out_of_force_and_one_tick_before_it_still_applies()
    {
        var policy = DayAndNight();

        Assert.Equal(4, policy.DesiredCount(June1.AddTicks(-1)));
        Assert.Equal(2, policy.DesiredCount(June1));
        Assert.Equal(2, policy.DesiredCount(June1.AddHours(12)));
        Assert.Null(policy.ActiveRule(June1));
    }

    [Fact]
    public void A_firing_exactly_at_start_time_counts_and_one_tick_before_start_it_does_not()
    {
        var policy = new ScheduledPolicy(1, [Rule("midnight", "0 0 0 * * *", 7, May1, June1)]);

        Assert.Equal(1, policy.DesiredCount(May1.AddTicks(-1)));
        Assert.Equal(7, policy.DesiredCount(May1));
        Assert.Equal(May1, policy.NextChange(May1.AddTicks(-1)));
        Assert.Equal(May1, policy.NextChange(May1.AddDays(-3)));
    }

    [Fact]
    public void A_scheduled_count_is_never_below_the_fixed_count()
    {
        var policy = new ScheduledPolicy(5, [Rule("low", "0 0 9 * * *", 1, May1, June1)]);

        Assert.Equal(5, policy.DesiredCount(T("2024-05-01T10:00:00Z")));
    }

    [Fact]
    public void A_rule_whose_window_is_over_no_longer_counts_even_if_it_fired_last()
    {
        var policy = new ScheduledPolicy(1,
        [
            Rule("may", "0 0 9 * * *", 8, May1, June1),
            Rule("june", "0 0 12 * * *", 3, June1, June1.AddDays(30)),
        ]);

        Assert.Equal(8, policy.DesiredCount(June1.AddTicks(-1)));
        Assert.Equal(1, policy.DesiredCount(June1));                    // june has not fired yet
        Assert.Equal(3, policy.DesiredCount(T("2024-06-01T12:00:00Z")));
    }

    [Fact]
    public void When_two_rules_fire_at_the_same_instant_the_larger_count_wins()
    {
        var policy = new ScheduledPolicy(0, [Rule("a", "0 0 9 * * *", 3), Rule("b", "0 0 9 * * *", 6), Rule("c", "0 0 9 * * *", 5)]);

        Assert.Equal(6, policy.DesiredCount(T("2024-05-01T09:00:00Z")));
    }

    [Fact]
    public void Rules_without_a_window_are_always_in_force()
    {
        var policy = new ScheduledPolicy(0, [Rule("always", "0 0 9 * * *", 3)]);

        Assert.Equal(3, policy.DesiredCount(T("2030-01-01T10:00:00Z")));
        Assert.Equal(T("2030-01-02T09:00:00Z"), policy.NextChange(T("2030-01-01T10:00:00Z")));
    }

    [Fact]
    public void A_time_zone_rule_fires_on_the_zones_wall_clock()
    {
        var policy = new ScheduledPolicy(1, [Rule("shanghai-morning", "CRON_TZ=Asia/Shanghai 0 0 9 * * *", 6, May1, June1)]);

        Assert.Equal(1, policy.DesiredCount(T("2024-05-01T00:59:59Z")));
        Assert.Equal(6, policy.DesiredCount(T("2024-05-01T01:00:00Z")));
        Assert.Equal(T("2024-05-01T01:00:00Z"), policy.NextChange(May1));
    }

    [Fact]
    public void An_every_rule_counts_from_its_start_time()
    {
        var policy = new ScheduledPolicy(1, [Rule("every", "@every 2h", 5, May1, June1)]);

        Assert.Equal(1, policy.DesiredCount(May1));
        Assert.Equal(1, policy.DesiredCount(May1.AddHours(2).AddTicks(-1)));
        Assert.Equal(5, policy.DesiredCount(May1.AddHours(2)));
        Assert.Equal(May1.AddHours(2), policy.NextChange(May1));
        Assert.Equal(May1.AddHours(4), policy.NextChange(May1.AddHours(2)));
    }

    [Fact]
    public void NextChange_is_the_next_firing_inside_a_window_or_the_expiry_of_the_rule_in_effect()
    {
        var policy = DayAndNight();

        Assert.Equal(T("2024-05-01T09:00:00Z"), policy.NextChange(T("2024-04-20T00:00:00Z")));
        Assert.Equal(T("2024-05-01T09:00:00Z"), policy.NextChange(May1));
        Assert.Equal(T("2024-05-01T21:00:00Z"), policy.NextChange(T("2024-05-01T09:00:00Z")));
        Assert.Equal(June1, policy.NextChange(T("2024-05-31T21:00:00Z")));
        Assert.Null(policy.NextChange(June1));
    }

    [Fact]
    public void One_timer_on_a_fake_clock_follows_every_change()
    {
        var time = new FakeTimeProvider(T("2024-05-30T00:00:00Z"));
        var policy = DayAndNight();
        var changes = new List<(DateTimeOffset At, int Count)>();
        ITimer? timer = null;
        void Tick()
        {
            var now = time.GetUtcNow();
            changes.Add((now, policy.DesiredCount(now)));
            if (policy.NextChange(now) is { } next)
            {
                timer!.Change(next - now, Timeout.InfiniteTimeSpan);
            }
        }
        timer = time.CreateTimer(_ => Tick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Tick();

        for (var hour = 0; hour < 96; hour++)
        {
            time.Advance(TimeSpan.FromHours(1)); // every change falls on a whole hour
        }

        Assert.Equal(
        [
            (T("2024-05-30T00:00:00Z"), 4),
            (T("2024-05-30T09:00:00Z"), 10),
            (T("2024-05-30T21:00:00Z"), 4),
            (T("2024-05-31T09:00:00Z"), 10),
            (T("2024-05-31T21:00:00Z"), 4),
            (June1, 2),
        ], changes);
        timer.Dispose();
    }
}
