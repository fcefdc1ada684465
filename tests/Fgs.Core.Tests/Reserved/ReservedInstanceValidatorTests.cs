using Fgs.Core.Errors;
using Fgs.Core.Reserved;
using static Fgs.Core.Tests.Reserved.ReservedTestTime;

namespace Fgs.Core.Tests.Reserved;

/// <summary>The rules of the reserved-instance update body.</summary>
public sealed class ReservedInstanceValidatorTests
{
    private static CronConfig Cron(string name = "peak", string cron = "0 0 9 * * *", int? count = 10,
        long? start = 1714521600, long? expired = 1717200000) =>
        new() { Name = name, Cron = cron, Count = count, StartTime = start, ExpiredTime = expired };

    private static MetricConfig Metric(string name = "util", string? type = "Concurrency", int? threshold = 60, int? min = 1) =>
        new() { Name = name, Type = type, Threshold = threshold, Min = min };

    private static UpdateFunctionReservedInstancesCountRequestBody Body(int? count = 2, CronConfig[]? cron = null, MetricConfig[]? metric = null) => new()
    {
        Count = count,
        TacticsConfig = cron is null && metric is null ? null : new TacticsConfig
        {
            CronConfigs = cron is null ? null : [.. cron],
            MetricConfigs = metric is null ? null : [.. metric],
        },
    };

    private static FgsError Refused(UpdateFunctionReservedInstancesCountRequestBody? body, int maxInstanceNum = -1)
    {
        Assert.False(ReservedInstanceValidator.TryValidate(body, out _, out var error, maxInstanceNum));
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("FSS.0400", error.ErrorCode);
        Assert.Equal(error, ReservedInstanceValidator.Validate(body, maxInstanceNum));
        return error;
    }

    [Fact]
    public void A_full_body_becomes_settings_with_parsed_rules()
    {
        var body = Body(2, [Cron(), Cron("night", "CRON_TZ=Asia/Shanghai 0 0 21 * * *", 4, null, null)], [Metric()]);
        body.IdleMode = true;

        Assert.True(ReservedInstanceValidator.TryValidate(body, out var settings, out var error), error.ToString());

        Assert.Equal(2, settings.Count);
        Assert.True(settings.IdleMode);
        Assert.Equal(2, settings.CronRules.Count);
        var peak = settings.CronRules[0];
        Assert.Equal("peak", peak.Name);
        Assert.Equal(10, peak.Count);
        Assert.Equal(T("2024-05-01T00:00:00Z"), peak.Start);
        Assert.Equal(T("2024-06-01T00:00:00Z"), peak.Expires);
        Assert.Equal("0 0 9 * * *", peak.Schedule.Expression);
        Assert.Null(settings.CronRules[1].Start);
        Assert.Null(settings.CronRules[1].Expires);
        Assert.Equal(new MetricRule { Name = "util", Type = "Concurrency", Threshold = 60, Min = 1 }, settings.MetricRules[0]);
        Assert.Null(ReservedInstanceValidator.Validate(body));
    }

    [Fact]
    public void A_count_alone_is_a_fixed_configuration_with_idle_mode_off()
    {
        Assert.True(ReservedInstanceValidator.TryValidate(Body(0), out var settings, out _));

        Assert.Equal(0, settings.Count);
        Assert.False(settings.IdleMode);
        Assert.Empty(settings.CronRules);
        Assert.Empty(settings.MetricRules);
        Assert.True(settings.ReservesNothing);
        Assert.Null(settings.ToTacticsConfig());
    }

    [Fact]
    public void The_body_and_count_are_required() =>
        Assert.Multiple(
            () => Assert.Contains("request body is required", Refused(null).ErrorMessage, StringComparison.Ordinal),
            () => Assert.Equal("count is required (0-1000)", Refused(Body(null)).ErrorMessage));

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void Count_is_0_to_1000(int count) =>
        Assert.Equal($"count {count} is out of range 0-1000", Refused(Body(count)).ErrorMessage);

    [Fact]
    public void Counts_are_at_most_max_instance_num_unless_unlimited()
    {
        Assert.Equal("count 30 exceeds the function's max_instance_num (20)", Refused(Body(30), maxInstanceNum: 20).ErrorMessage);
        Assert.Contains("cron_configs[0].count 25 exceeds", Refused(Body(2, [Cron(count: 25)]), 20).ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("metric_configs[0].min 21 exceeds", Refused(Body(2, metric: [Metric(min: 21)]), 20).ErrorMessage, StringComparison.Ordinal);
        Assert.Null(ReservedInstanceValidator.Validate(Body(1000), -1));
        Assert.Null(ReservedInstanceValidator.Validate(Body(20, [Cron(count: 20)]), 20));
    }

    [Fact]
    public void A_cron_rules_count_is_at_least_the_fixed_count()
    {
        Assert.Equal("tactics_config.cron_configs[0].count 2 is below the fixed count 5; a scheduled count must be at least count",
            Refused(Body(5, [Cron(count: 2)])).ErrorMessage);
        Assert.Null(ReservedInstanceValidator.Validate(Body(5, [Cron(count: 5)])));
        Assert.Equal("tactics_config.cron_configs[0].count is required (0-1000)", Refused(Body(5, [Cron(count: null)])).ErrorMessage);
        Assert.Equal("tactics_config.cron_configs[0].count 1001 is out of range 0-1000", Refused(Body(5, [Cron(count: 1001)])).ErrorMessage);
    }

    [Theory]
    [InlineData("0 0 9 * * 7", "day-of-week field: value '7' is out of range 0-6")]
    [InlineData("CRON_TZ=Nowhere/City 0 0 9 * * *", "unknown time zone 'Nowhere/City'")]
    [InlineData("@every 5x", "unknown unit 'x'")]
    [InlineData("0 0 9", "3 fields")]
    public void A_cron_rule_must_parse(string cron, string reason)
    {
        var message = Refused(Body(2, [Cron(), Cron("second", cron)])).ErrorMessage;

        Assert.StartsWith($"tactics_config.cron_configs[1].cron '{cron}' is invalid: ", message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cron_rule_needs_a_name_and_an_expression()
    {
        Assert.Equal("tactics_config.cron_configs[0].name is required", Refused(Body(2, [Cron(name: " ")])).ErrorMessage);
        Assert.Equal("tactics_config.cron_configs[0].cron is required", Refused(Body(2, [Cron(cron: "")])).ErrorMessage);
        Assert.Equal("tactics_config.cron_configs[0] is null", Refused(Body(2, [null!])).ErrorMessage);
    }

    [Fact]
    public void Names_are_unique_within_each_list()
    {
        Assert.Equal("tactics_config.cron_configs[2].name 'peak' is also the name of cron_configs[0]; names must be unique",
            Refused(Body(2, [Cron(), Cron("other"), Cron()])).ErrorMessage);
        Assert.Equal("tactics_config.metric_configs[1].name 'util' is also the name of metric_configs[0]; names must be unique",
            Refused(Body(2, metric: [Metric(), Metric()])).ErrorMessage);
        Assert.Null(ReservedInstanceValidator.Validate(Body(2, [Cron("same")], [Metric("same")])));
    }

    [Fact]
    public void The_window_is_epoch_seconds_and_expires_after_it_starts()
    {
        Assert.Equal("tactics_config.cron_configs[0].expired_time 100 must be after start_time 100",
            Refused(Body(2, [Cron(start: 100, expired: 100)])).ErrorMessage);
        Assert.Contains("expired_time 99 must be after start_time 100", Refused(Body(2, [Cron(start: 100, expired: 99)])).ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("tactics_config.cron_configs[0].start_time -1 is out of range: expected Unix epoch seconds, 0-253402300799",
            Refused(Body(2, [Cron(start: -1)])).ErrorMessage);
        Assert.Contains("expired_time 253402300800 is out of range", Refused(Body(2, [Cron(expired: 253402300800)])).ErrorMessage, StringComparison.Ordinal);
        Assert.Null(ReservedInstanceValidator.Validate(Body(2, [Cron(start: null, expired: 1717200000)])));
        Assert.Null(ReservedInstanceValidator.Validate(Body(2, [Cron(start: 0, expired: 253402300799)])));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(-5)]
    public void A_metric_threshold_is_1_to_99_percent(int threshold) =>
        Assert.Equal($"tactics_config.metric_configs[0].threshold {threshold} is out of range 1-99 (percent utilization)",
            Refused(Body(2, metric: [Metric(threshold: threshold)])).ErrorMessage);

    [Theory]
    [InlineData(1)]
    [InlineData(99)]
    public void Threshold_bounds_are_accepted(int threshold) =>
        Assert.Null(ReservedInstanceValidator.Validate(Body(2, metric: [Metric(threshold: threshold)])));

    [Fact]
    public void A_metric_rule_needs_the_Concurrency_type_a_threshold_and_a_non_negative_min()
    {
        Assert.Equal("tactics_config.metric_configs[0].type 'CPU' is not supported; the only type is 'Concurrency'",
            Refused(Body(2, metric: [Metric(type: "CPU")])).ErrorMessage);
        Assert.Equal("tactics_config.metric_configs[0].type is required; the only type is 'Concurrency'",
            Refused(Body(2, metric: [Metric(type: null)])).ErrorMessage);
        Assert.StartsWith("tactics_config.metric_configs[0].threshold is required",
            Refused(Body(2, metric: [Metric(threshold: null)])).ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("tactics_config.metric_configs[0].min -1 is out of range 0-1000",
            Refused(Body(2, metric: [Metric(min: -1)])).ErrorMessage);
        Assert.Equal("tactics_config.metric_configs[0].name is required", Refused(Body(2, metric: [Metric(name: "")])).ErrorMessage);
        Assert.True(ReservedInstanceValidator.TryValidate(Body(2, metric: [Metric(min: null)]), out var settings, out _));
        Assert.Equal(0, settings.MetricRules[0].Min);
    }

    [Fact]
    public void Settings_echo_back_as_the_response_and_the_list_item()
    {
        var body = Body(2, [Cron()], [Metric()]);
        body.IdleMode = true;
        Assert.True(ReservedInstanceValidator.TryValidate(body, out var settings, out _));

        var response = settings.ToResponse();
        var item = settings.ToConfigs("urn:fss:cn-north-4:p:function:default:hello", ReservedQualifier.Alias("prod"));

        Assert.Equal(2, response.Count);
        Assert.True(response.IdleMode);
        var cron = Assert.Single(response.TacticsConfig!.CronConfigs!);
        Assert.Equal(("peak", "0 0 9 * * *", 10, 1714521600L, 1717200000L), (cron.Name, cron.Cron, cron.Count!.Value, cron.StartTime!.Value, cron.ExpiredTime!.Value));
        var metric = Assert.Single(response.TacticsConfig.MetricConfigs!);
        Assert.Equal(("util", "Concurrency", 60, 1), (metric.Name, metric.Type, metric.Threshold!.Value, metric.Min!.Value));
        Assert.Equal(("alias", "prod", 2, true), (item.QualifierType, item.QualifierName, item.MinCount, item.IdleMode));
        Assert.Equal("urn:fss:cn-north-4:p:function:default:hello", item.FunctionUrn);
    }
}
