using Fgs.Core.Reserved;
using static Fgs.Core.Tests.Reserved.ReservedTestTime;

namespace Fgs.Core.Tests.Reserved;

/// <summary>Fixed, scheduled and metric policies together: the desired count is the larger of
/// the scheduled and metric counts, and each is the other's floor.</summary>
public sealed class ReservedPolicyTests
{
    private static readonly DateTimeOffset May1 = T("2024-05-01T00:00:00Z");
    private static readonly DateTimeOffset June1 = T("2024-06-01T00:00:00Z");

    private static ScheduledRule Rule(string name, string cron, int count, DateTimeOffset start, DateTimeOffset expires) => new()
    {
        Name = name,
        Schedule = CronSchedule.Parse(cron),
        Count = count,
        Start = start,
        Expires = expires,
    };

    private static MetricRule Util(int threshold = 50, int min = 0) => new() { Name = "util", Threshold = threshold, Min = min };

    [Fact]
    public void A_fixed_count_alone_is_always_desired_and_never_changes()
    {
        var policy = new ReservedPolicy(3, null, null);

        Assert.Equal(3, policy.Current);
        Assert.Equal(3, policy.Desired(May1, 3, 3));
        Assert.Equal(3, policy.Desired(June1, 0, 3));
        Assert.Null(policy.NextWakeUp(May1));
        Assert.Null(policy.Metric);
    }

    [Fact]
    public void Without_metric_rules_the_scheduled_count_is_desired()
    {
        var policy = new ReservedPolicy(2, [Rule("day", "0 0 9 * * *", 10, May1, June1)], []);

        Assert.Equal(2, policy.Desired(T("2024-05-01T08:00:00Z"), 2, 2));
        Assert.Equal(10, policy.Desired(T("2024-05-01T09:00:00Z"), 0, 2));
        Assert.Equal(T("2024-05-02T09:00:00Z"), policy.NextWakeUp(T("2024-05-01T09:00:00Z")));
    }

    [Fact]
    public void The_schedule_applies_at_once_and_the_metric_never_goes_below_it_nor_the_schedule_below_the_metric()
    {
        var policy = new ReservedPolicy(2, [Rule("day", "0 0 9 * * *", 10, May1, June1), Rule("night", "0 0 21 * * *", 4, May1, June1)], [Util()]);

        Assert.Equal(2, policy.Desired(T("2024-05-01T08:00:00Z"), busy: 1, total: 2));
        Assert.Equal(2, policy.Desired(T("2024-05-01T08:59:30Z"), busy: 0, total: 2));
        // 30 s later the metric does not evaluate, but the schedule's 10 applies at once.
        Assert.Equal(10, policy.Desired(T("2024-05-01T09:00:00Z"), busy: 0, total: 2));
        // The metric evaluates with the schedule's latest value as its floor: low load keeps 10.
        Assert.Equal(10, policy.Desired(T("2024-05-01T09:00:30Z"), busy: 3, total: 10));
        Assert.Equal(10, policy.Metric!.Current);
        // High load: the metric goes above the schedule.
        Assert.Equal(20, policy.Desired(T("2024-05-01T09:01:30Z"), busy: 10, total: 10));
        // The night rule asks for 4, but never below the metric's latest value.
        Assert.Equal(20, policy.Desired(T("2024-05-01T21:00:00Z"), busy: 10, total: 20));
        Assert.Equal(4, policy.Scheduled.DesiredCount(T("2024-05-01T21:00:00Z")));
        // Then the load goes: the metric steps down to the schedule's 4.
        var counts = Enumerable.Range(1, 14).Select(m => policy.Desired(T("2024-05-01T21:00:00Z").AddMinutes(m), 0, policy.Current)).ToList();
        Assert.Equal([18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5], counts);
        Assert.Equal(4, policy.Desired(T("2024-05-01T21:15:00Z"), 0, 5));
        Assert.Equal(4, policy.Desired(T("2024-05-01T21:16:00Z"), 0, 4));
        Assert.Equal(4, policy.Current);
    }

    [Fact]
    public void When_a_window_ends_the_metric_steps_down_from_the_schedules_latest_value()
    {
        var policy = new ReservedPolicy(2, [Rule("first-day", "0 0 0 * * *", 10, May1, May1.AddDays(1))], [Util()]);

        Assert.Equal(10, policy.Desired(T("2024-05-01T12:00:00Z"), 0, 10));
        Assert.Equal(10, policy.Metric!.Current);

        var counts = Enumerable.Range(0, 10).Select(m => policy.Desired(T("2024-05-02T00:00:00Z").AddMinutes(m), 0, policy.Current)).ToList();

        Assert.Equal([9, 8, 7, 6, 5, 4, 3, 2, 2, 2], counts);
    }

    [Fact]
    public void Metric_min_and_the_fixed_count_are_floors()
    {
        var policy = new ReservedPolicy(2, [], [Util(min: 5)]);

        Assert.Equal(5, policy.Desired(May1, 0, 0));
        Assert.Equal(5, policy.Desired(May1.AddMinutes(1), 0, 5));
        Assert.Equal(8, policy.Desired(May1.AddMinutes(2), 4, 5));
    }

    [Fact]
    public void NextWakeUp_is_the_earlier_of_the_schedules_next_change_and_the_next_metric_evaluation()
    {
        var policy = new ReservedPolicy(2, [Rule("day", "0 0 9 * * *", 10, May1, June1)], [Util()]);

        Assert.Equal(T("2024-05-01T08:58:00Z"), policy.NextWakeUp(T("2024-05-01T08:58:00Z")));
        policy.Desired(T("2024-05-01T08:58:00Z"), 0, 2);
        Assert.Equal(T("2024-05-01T08:59:00Z"), policy.NextWakeUp(T("2024-05-01T08:58:00Z")));
        policy.Desired(T("2024-05-01T08:59:30Z"), 0, 2);
        Assert.Equal(T("2024-05-01T09:00:00Z"), policy.NextWakeUp(T("2024-05-01T08:59:30Z")));
    }

    [Fact]
    public void A_policy_is_built_from_validated_settings()
    {
        var body = new UpdateFunctionReservedInstancesCountRequestBody
        {
            Count = 1,
            TacticsConfig = new TacticsConfig
            {
                CronConfigs = [new CronConfig { Name = "day", Cron = "CRON_TZ=Asia/Shanghai 0 0 9 * * *", Count = 6, StartTime = Epoch("2024-05-01T00:00:00Z"), ExpiredTime = Epoch("2024-06-01T00:00:00Z") }],
                MetricConfigs = [new MetricConfig { Name = "util", Type = "Concurrency", Threshold = 80, Min = 1 }],
            },
        };
        Assert.True(ReservedInstanceValidator.TryValidate(body, out var settings, out var error), error.ToString());

        var policy = settings.CreatePolicy();

        Assert.Equal(1, policy.FixedCount);
        Assert.Equal(1, policy.Desired(T("2024-05-01T00:30:00Z"), 0, 1));
        Assert.Equal(6, policy.Desired(T("2024-05-01T01:00:00Z"), 0, 1));
        Assert.Equal(13, policy.Desired(T("2024-05-01T01:05:00Z"), 10, 10)); // 10 / 0.8 = 12.5
    }
}
