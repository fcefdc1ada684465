using Fgs.Core.Reserved;
using Microsoft.Extensions.Time.Testing;
using static Fgs.Core.Tests.Reserved.ReservedTestTime;

namespace Fgs.Core.Tests.Reserved;

/// <summary>The metric policy: utilization above the target scales up at once, below it scales
/// down a step per minute, never below min or the fixed count.</summary>
public sealed class MetricPolicyTests
{
    private readonly FakeTimeProvider _time = new(T("2024-05-06T10:00:00Z"));

    private static MetricPolicy Policy(int threshold = 50, int min = 0, int fixedCount = 0) =>
        new(fixedCount, [new MetricRule { Name = "util", Threshold = threshold, Min = min }]);

    private int Minute(MetricPolicy policy, int busy, int total)
    {
        var count = policy.Evaluate(_time.GetUtcNow(), busy, total);
        _time.Advance(TimeSpan.FromMinutes(1));
        return count;
    }

    [Fact]
    public void It_starts_at_its_floor_and_has_not_evaluated()
    {
        var policy = Policy(min: 3, fixedCount: 2);

        Assert.Equal(3, policy.Floor);
        Assert.Equal(3, policy.Current);
        Assert.Null(policy.LastEvaluation);
        Assert.Null(policy.NextEvaluation);
    }

    [Fact]
    public void Above_the_target_it_scales_up_at_once_to_ceil_busy_over_target()
    {
        var policy = Policy(threshold: 50);

        Assert.Equal(16, Minute(policy, busy: 8, total: 10));   // 80 % > 50 %: 8 / 0.5
        Assert.Equal(40, Minute(policy, busy: 20, total: 16));  // 125 %: 20 / 0.5
        Assert.Equal(T("2024-05-06T10:01:00Z"), policy.LastEvaluation);
    }

    [Fact]
    public void Scale_up_rounds_up()
    {
        var policy = Policy(threshold: 70);

        Assert.Equal(15, Minute(policy, busy: 10, total: 10)); // 10 / 0.7 = 14.3
    }

    [Fact]
    public void It_evaluates_at_most_once_a_minute_so_it_lags_one_to_two_minutes()
    {
        var policy = Policy(threshold: 50);
        var start = _time.GetUtcNow();
        Assert.Equal(2, policy.Evaluate(start, 1, 1));

        // A spike 10 s later is not seen until the next evaluation, a minute after the last one.
        Assert.Equal(2, policy.Evaluate(start.AddSeconds(10), 10, 10));
        Assert.Equal(2, policy.Evaluate(start.AddSeconds(59.999), 10, 10));
        Assert.Equal(start.AddMinutes(1), policy.NextEvaluation);
        Assert.Equal(20, policy.Evaluate(start.AddMinutes(1), 10, 10));
        Assert.Equal(start.AddMinutes(1), policy.LastEvaluation);
    }

    [Fact]
    public void Below_the_target_it_scales_down_one_step_of_about_ten_percent_per_minute_to_what_the_load_needs()
    {
        var policy = Policy(threshold: 50);
        Assert.Equal(40, Minute(policy, busy: 20, total: 20));

        // 5 busy need 10 instances at 50 %; from 40 the steps are 10 % of the count, at least 1.
        var counts = Enumerable.Range(0, 16).Select(_ => Minute(policy, busy: 5, total: policy.Current)).ToList();

        Assert.Equal([36, 33, 30, 27, 25, 23, 21, 19, 18, 17, 16, 15, 14, 13, 12, 11], counts);
        Assert.Equal(10, Minute(policy, busy: 5, total: 11));
        Assert.Equal(10, Minute(policy, busy: 5, total: 10)); // exactly at the target: keep
        Assert.Equal(10, Minute(policy, busy: 5, total: 10));
    }

    [Fact]
    public void The_step_never_goes_below_what_the_busy_instances_need()
    {
        var policy = Policy(threshold: 50);
        Assert.Equal(100, Minute(policy, busy: 50, total: 50));

        Assert.Equal(90, Minute(policy, busy: 44, total: 100)); // 100 - 10
        Assert.Equal(88, Minute(policy, busy: 44, total: 90));  // 90 - 9 = 81, but 44 busy need 88
        Assert.Equal(88, Minute(policy, busy: 44, total: 88));  // exactly at the target
    }

    [Fact]
    public void It_never_goes_below_min()
    {
        var policy = Policy(threshold: 50, min: 3);
        Assert.Equal(10, Minute(policy, busy: 5, total: 5));

        var counts = Enumerable.Range(0, 9).Select(_ => Minute(policy, busy: 0, total: policy.Current)).ToList();

        Assert.Equal([9, 8, 7, 6, 5, 4, 3, 3, 3], counts);
    }

    [Fact]
    public void It_never_goes_below_the_fixed_count()
    {
        var policy = Policy(threshold: 50, min: 1, fixedCount: 4);
        Assert.Equal(4, policy.Current);
        Assert.Equal(6, Minute(policy, busy: 3, total: 4));

        Assert.Equal(5, Minute(policy, busy: 0, total: 6));
        Assert.Equal(4, Minute(policy, busy: 0, total: 5));
        Assert.Equal(4, Minute(policy, busy: 0, total: 4));
    }

    [Fact]
    public void An_extra_floor_from_the_caller_is_respected()
    {
        var policy = Policy(threshold: 50);

        Assert.Equal(12, policy.Evaluate(_time.GetUtcNow(), 0, 0, floor: 12));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(11, policy.Evaluate(_time.GetUtcNow(), 0, 12, floor: 0));
    }

    [Fact]
    public void With_no_reserved_instance_busy_work_scales_up_and_no_work_keeps_the_count()
    {
        var policy = Policy(threshold: 50);

        Assert.Equal(0, Minute(policy, busy: 0, total: 0));
        Assert.Equal(6, Minute(policy, busy: 3, total: 0));
        Assert.Equal(6, Minute(policy, busy: 0, total: 0));
    }

    [Fact]
    public void The_count_is_capped_at_1000()
    {
        var policy = Policy(threshold: 10);

        Assert.Equal(1000, Minute(policy, busy: 900, total: 900));
    }

    [Fact]
    public void With_several_rules_the_largest_proposal_wins()
    {
        var policy = new MetricPolicy(0,
        [
            new MetricRule { Name = "relaxed", Threshold = 90 },
            new MetricRule { Name = "strict", Threshold = 25, Min = 2 },
        ]);

        Assert.Equal(2, policy.Floor);
        Assert.Equal(40, Minute(policy, busy: 10, total: 10)); // 10 / 0.25
        Assert.Equal(40, Minute(policy, busy: 10, total: 40)); // strict is exactly at its target
    }

    [Theory]
    [InlineData(0, 50, 0)]
    [InlineData(1, 99, 2)]
    [InlineData(99, 99, 100)]
    [InlineData(5, 50, 10)]
    [InlineData(1, 1, 100)]
    [InlineData(7, 30, 24)]
    public void Needed_is_ceil_busy_over_target(int busy, int threshold, int expected) =>
        Assert.Equal(expected, MetricPolicy.Needed(busy, threshold));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(19, 1)]
    [InlineData(20, 2)]
    [InlineData(100, 10)]
    [InlineData(1000, 100)]
    public void StepDown_is_a_tenth_and_at_least_one(int current, int expected) =>
        Assert.Equal(expected, MetricPolicy.StepDown(current));

    [Fact]
    public void Invalid_arguments_throw()
    {
        Assert.Throws<ArgumentException>(() => new MetricPolicy(0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricPolicy(0, [new MetricRule { Name = "x", Threshold = 0 }]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricPolicy(0, [new MetricRule { Name = "x", Threshold = 100 }]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy().Evaluate(_time.GetUtcNow(), -1, 0));
    }
}
