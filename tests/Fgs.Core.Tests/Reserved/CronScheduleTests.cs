using Fgs.Core.Reserved;
using static Fgs.Core.Tests.Reserved.ReservedTestTime;

namespace Fgs.Core.Tests.Reserved;

/// <summary>FunctionGraph's cron syntax: fields, names, '?', time zones, descriptors and the
/// occurrences they produce.</summary>
public sealed class CronScheduleTests
{
    private static DateTimeOffset? Next(string cron, string after) => CronSchedule.Parse(cron).NextOccurrence(T(after));

    [Fact]
    public void A_six_field_rule_fires_strictly_after_the_given_instant_in_UTC()
    {
        Assert.Equal(T("2024-05-06T09:00:00Z"), Next("0 0 9 * * *", "2024-05-06T08:00:00Z"));
        Assert.Equal(T("2024-05-07T09:00:00Z"), Next("0 0 9 * * *", "2024-05-06T09:00:00Z"));
        Assert.Equal(T("2024-05-06T09:00:00Z"), Next("0 0 9 * * *", "2024-05-06T08:59:59.9999999Z"));
        Assert.Equal(T("2024-05-07T09:00:00Z"), Next("0 0 9 * * *", "2024-05-06T09:00:00.5Z"));
    }

    [Fact]
    public void CRON_TZ_Asia_Shanghai_9_oclock_fires_at_01_00_UTC()
    {
        var schedule = CronSchedule.Parse("CRON_TZ=Asia/Shanghai 0 0 9 * * *");

        Assert.Equal("Asia/Shanghai", schedule.TimeZone.Id);
        Assert.Equal(T("2024-05-06T01:00:00Z"), schedule.NextOccurrence(T("2024-05-06T00:00:00Z")));
        Assert.Equal(T("2024-05-07T01:00:00Z"), schedule.NextOccurrence(T("2024-05-06T01:00:00Z")));
        Assert.Equal(T("2024-05-06T01:00:00Z"), schedule.PreviousOccurrence(T("2024-05-06T20:00:00Z"), default));
    }

    [Theory]
    [InlineData("TZ=Asia/Shanghai 0 0 9 * * *")]
    [InlineData("cron_tz=Asia/Shanghai   0 0 9 * * *")]
    [InlineData("  CRON_TZ=Asia/Shanghai\t0 0 9 * *  ")]
    public void TZ_is_a_synonym_and_white_space_is_free(string cron) =>
        Assert.Equal(T("2024-05-06T01:00:00Z"), Next(cron, "2024-05-06T00:00:00Z"));

    [Fact]
    public void Without_a_zone_the_rule_runs_in_UTC() =>
        Assert.Equal("UTC", CronSchedule.Parse("0 0 9 * * *").TimeZone.Id);

    [Fact]
    public void The_five_field_form_has_no_day_of_week_and_means_every_day()
    {
        for (var day = 0; day < 7; day++)
        {
            var after = T("2024-05-06T10:00:00Z").AddDays(day);
            Assert.Equal(CronSchedule.Parse("0 0 9 * * *").NextOccurrence(after), CronSchedule.Parse("0 0 9 * *").NextOccurrence(after));
        }
    }

    [Fact]
    public void Month_and_weekday_names_work_in_ranges_and_lists_in_any_case()
    {
        // 2024-03-29 is a Friday; the next Monday-Friday in January-March is Wednesday 2025-01-01.
        Assert.Equal(T("2025-01-01T08:30:00Z"), Next("0 30 8 * JAN-MAR MON-FRI", "2024-03-29T09:00:00Z"));
        Assert.Equal(T("2025-01-01T08:30:00Z"), Next("0 30 8 * jan-Mar mon-fri", "2024-03-29T09:00:00Z"));
        Assert.Equal(T("2025-01-01T08:30:00Z"), Next("0 30 8 * 1-3 1-5", "2024-03-29T09:00:00Z"));
        // Sundays in July or January: 2024-07-07.
        Assert.Equal(T("2024-07-07T12:00:00Z"), Next("0 0 12 ? jul,JAN Sun", "2024-05-06T00:00:00Z"));
    }

    [Fact]
    public void Weekday_0_is_Sunday_like_SUN_and_7_is_refused()
    {
        // 2024-05-06 is a Monday; the next Sunday is 2024-05-12.
        Assert.Equal(T("2024-05-12T00:00:00Z"), Next("0 0 0 * * 0", "2024-05-06T00:00:00Z"));
        Assert.Equal(T("2024-05-12T00:00:00Z"), Next("0 0 0 * * SUN", "2024-05-06T00:00:00Z"));
        Assert.Equal(T("2024-05-11T00:00:00Z"), Next("0 0 0 * * 6", "2024-05-06T00:00:00Z"));
        Assert.False(CronSchedule.TryParse("0 0 0 * * 7", out _, out var error));
        Assert.Contains("day-of-week", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Question_mark_in_a_day_field_means_any_day()
    {
        Assert.Equal(T("2024-05-13T00:00:00Z"), Next("0 0 0 ? * MON", "2024-05-06T00:00:00Z"));
        Assert.Equal(T("2024-05-13T00:00:00Z"), Next("0 0 0 13 * ?", "2024-05-06T00:00:00Z"));
    }

    [Fact]
    public void Day_of_month_and_day_of_week_both_restricted_match_either_one()
    {
        // The 1st of the month or any Monday: from Wednesday 2024-05-01 the next is Monday 05-06,
        // and after Monday 05-27 comes Saturday 06-01.
        Assert.Equal(T("2024-05-06T00:00:00Z"), Next("0 0 0 1 * MON", "2024-05-01T00:00:00Z"));
        Assert.Equal(T("2024-06-01T00:00:00Z"), Next("0 0 0 1 * MON", "2024-05-27T00:00:00Z"));
        Assert.Equal(T("2024-05-03T00:00:00Z"), Next("0 0 0 13 * FRI", "2024-05-01T00:00:00Z"));
        Assert.Equal(T("2024-05-13T00:00:00Z"), Next("0 0 0 13 * FRI", "2024-05-10T00:00:00Z"));
        // A step above 1 makes a field restricted: odd days or Mondays.
        Assert.Equal(T("2024-05-03T00:00:00Z"), Next("0 0 0 */2 * MON", "2024-05-01T00:00:00Z"));
        // With one of them unrestricted (*, ? or */1) both must match.
        Assert.Equal(T("2024-05-13T00:00:00Z"), Next("0 0 0 13 * *", "2024-05-01T00:00:00Z"));
        Assert.Equal(T("2024-05-03T00:00:00Z"), Next("0 0 0 */1 * FRI", "2024-05-01T00:00:00Z"));
        Assert.Equal(T("2024-05-10T00:00:00Z"), Next("0 0 0 */1 * FRI", "2024-05-03T00:00:00Z"));
    }

    [Fact]
    public void Steps_ranges_and_lists()
    {
        Assert.Equal(T("2024-05-06T10:00:15Z"), Next("*/15 * * * * *", "2024-05-06T10:00:07Z"));
        Assert.Equal(T("2024-05-06T10:01:00Z"), Next("*/15 * * * * *", "2024-05-06T10:00:45Z"));
        Assert.Equal(T("2024-05-06T10:05:00Z"), Next("0 5-10/5 * * * *", "2024-05-06T10:00:00Z"));
        Assert.Equal(T("2024-05-06T10:10:00Z"), Next("0 5-10/5 * * * *", "2024-05-06T10:05:00Z"));
        Assert.Equal(T("2024-05-06T11:05:00Z"), Next("0 5-10/5 * * * *", "2024-05-06T10:10:00Z"));
        Assert.Equal(T("2024-05-06T13:00:00Z"), Next("0 0 1,13 * * *", "2024-05-06T01:00:00Z"));
        // "N/step" runs from N to the field's maximum.
        Assert.Equal(T("2024-05-06T10:00:30Z"), Next("30/10 * * * * *", "2024-05-06T10:00:00Z"));
        Assert.Equal(T("2024-05-06T10:00:50Z"), Next("30/10 * * * * *", "2024-05-06T10:00:40Z"));
        Assert.Equal(T("2024-05-06T10:01:30Z"), Next("30/10 * * * * *", "2024-05-06T10:00:50Z"));
        // The last day of February in a leap year, then four years on.
        Assert.Equal(T("2028-02-29T00:00:00Z"), Next("0 0 0 29 2 *", "2024-02-29T00:00:00Z"));
    }

    [Fact]
    public void An_impossible_date_has_no_occurrence()
    {
        var schedule = CronSchedule.Parse("0 0 0 31 FEB *");

        Assert.Null(schedule.NextOccurrence(T("2024-01-01T00:00:00Z")));
        Assert.Null(schedule.PreviousOccurrence(T("2024-01-01T00:00:00Z"), default));
    }

    [Fact]
    public void The_ends_of_the_calendar_have_no_occurrence()
    {
        var schedule = CronSchedule.Parse("CRON_TZ=Asia/Shanghai 0 0 9 * * *");

        Assert.Null(schedule.NextOccurrence(DateTimeOffset.MaxValue));
        Assert.Null(schedule.PreviousOccurrence(DateTimeOffset.MinValue, default));
        Assert.Null(CronSchedule.Parse("@every 1h").NextOccurrence(DateTimeOffset.MaxValue.AddMinutes(-30)));
    }

    [Fact]
    public void The_previous_occurrence_is_at_or_before_the_instant()
    {
        var schedule = CronSchedule.Parse("0 0 9 * * *");

        Assert.Equal(T("2024-05-06T09:00:00Z"), schedule.PreviousOccurrence(T("2024-05-06T09:00:00Z"), default));
        Assert.Equal(T("2024-05-05T09:00:00Z"), schedule.PreviousOccurrence(T("2024-05-06T08:59:59.9999999Z"), default));
        Assert.Equal(T("2024-04-30T09:00:00Z"), schedule.PreviousOccurrence(T("2024-05-01T00:00:00Z"), default));
        Assert.Equal(T("2023-12-31T23:59:45Z"), CronSchedule.Parse("*/15 * * * * *").PreviousOccurrence(T("2023-12-31T23:59:59Z"), default));
        Assert.Equal(T("2024-05-06T00:00:00Z"), CronSchedule.Parse("0 0 0 ? * MON").PreviousOccurrence(T("2024-05-12T23:00:00Z"), default));
    }

    [Fact]
    public void Next_and_previous_agree_over_a_month_of_mixed_rules()
    {
        foreach (var cron in new[] { "0 */7 * * * *", "13 5 3,17 * * MON-FRI", "0 0 0 1,15 * SAT", "CRON_TZ=Asia/Shanghai 0 30 9 * * *", "CRON_TZ=America/New_York 0 30 1 * * *" })
        {
            var schedule = CronSchedule.Parse(cron);
            var end = T("2024-11-20T00:00:00Z");
            var current = schedule.NextOccurrence(T("2024-10-20T00:00:00Z"))!.Value;
            while (schedule.NextOccurrence(current) is { } next && next < end)
            {
                Assert.True(next > current, cron);
                Assert.Equal(next, schedule.PreviousOccurrence(next, default));
                Assert.Equal(current, schedule.PreviousOccurrence(next.AddTicks(-1), default));
                current = next;
            }
        }
    }

    [Fact]
    public void A_wall_time_skipped_by_daylight_saving_does_not_fire()
    {
        // New York jumps from 02:00 EST to 03:00 EDT on 2024-03-10: 02:30 does not exist that day.
        var schedule = CronSchedule.Parse("CRON_TZ=America/New_York 0 30 2 * * *");

        Assert.Equal(T("2024-03-11T06:30:00Z"), schedule.NextOccurrence(T("2024-03-09T08:00:00Z")));
        Assert.Equal(T("2024-03-09T07:30:00Z"), schedule.PreviousOccurrence(T("2024-03-11T06:00:00Z"), default));
    }

    [Fact]
    public void A_wall_time_repeated_by_daylight_saving_fires_once_at_its_first_pass()
    {
        // New York sets clocks back from 02:00 EDT to 01:00 EST on 2024-11-03: 01:30 occurs at
        // 05:30Z (EDT) and again at 06:30Z (EST).
        var schedule = CronSchedule.Parse("CRON_TZ=America/New_York 0 30 1 * * *");

        Assert.Equal(T("2024-11-03T05:30:00Z"), schedule.NextOccurrence(T("2024-11-03T05:00:00Z")));
        Assert.Equal(T("2024-11-04T06:30:00Z"), schedule.NextOccurrence(T("2024-11-03T05:30:00Z")));
        Assert.Equal(T("2024-11-04T06:30:00Z"), schedule.NextOccurrence(T("2024-11-03T06:10:00Z")));
        // During the second pass (01:45 EST) the latest firing is the first pass's 01:30 EDT.
        Assert.Equal(T("2024-11-03T05:30:00Z"), schedule.PreviousOccurrence(T("2024-11-03T06:45:00Z"), default));
        Assert.Equal(T("2024-11-03T05:30:00Z"), schedule.PreviousOccurrence(T("2024-11-03T06:10:00Z"), default));

        var hourly = CronSchedule.Parse("CRON_TZ=America/New_York 0 0 * * * *");
        Assert.Equal(T("2024-11-03T07:00:00Z"), hourly.NextOccurrence(T("2024-11-03T05:00:00Z")));
    }

    [Theory]
    [InlineData("@every 1.5h", 90 * 60)]
    [InlineData("@every 2h30m", 150 * 60)]
    [InlineData("@every 1h30m15s", 5415)]
    [InlineData("@every .5h", 1800)]
    [InlineData("@every 90s", 90)]
    [InlineData("@every 1m", 60)]
    [InlineData("@every 2.5s", 2)]
    [InlineData("@every 1500ms", 1)]
    [InlineData("@every 500ms", 1)]
    [InlineData("@every 3000000us", 3)]
    [InlineData("@every 3000000\u00b5s", 3)]
    [InlineData("@every 5000000000ns", 5)]
    [InlineData("@every +10s", 10)]
    [InlineData("CRON_TZ=Asia/Shanghai @every 1h", 3600)]
    public void Every_takes_Go_durations_rounded_down_to_whole_seconds_and_at_least_one(string cron, int seconds)
    {
        var schedule = CronSchedule.Parse(cron);

        Assert.True(schedule.IsInterval);
        Assert.Equal(TimeSpan.FromSeconds(seconds), schedule.Interval);
    }

    [Fact]
    public void Every_fires_one_interval_after_its_anchor_and_on_the_anchor_grid_after()
    {
        var schedule = CronSchedule.Parse("@every 2h30m");
        var anchor = T("2024-05-06T00:00:00Z");

        Assert.Equal(T("2024-05-06T02:30:00Z"), schedule.NextOccurrence(anchor));
        Assert.Equal(T("2024-05-06T02:30:00Z"), schedule.NextOccurrence(T("2024-05-06T00:00:00.7Z")));
        Assert.Equal(T("2024-05-06T02:30:00Z"), schedule.NextOccurrence(T("2024-05-05T00:00:00Z"), anchor));
        Assert.Equal(T("2024-05-06T05:00:00Z"), schedule.NextOccurrence(T("2024-05-06T02:30:00Z"), anchor));
        Assert.Equal(T("2024-05-06T05:00:00Z"), schedule.NextOccurrence(T("2024-05-06T04:00:00Z"), anchor));
        Assert.Null(schedule.PreviousOccurrence(T("2024-05-06T02:29:59Z"), anchor));
        Assert.Equal(T("2024-05-06T02:30:00Z"), schedule.PreviousOccurrence(T("2024-05-06T02:30:00Z"), anchor));
        Assert.Equal(T("2024-05-06T02:30:00Z"), schedule.PreviousOccurrence(T("2024-05-06T04:59:59Z"), anchor));
    }

    [Theory]
    [InlineData("@daily", "2024-05-06T10:00:00Z", "2024-05-07T00:00:00Z")]
    [InlineData("@midnight", "2024-05-06T10:00:00Z", "2024-05-07T00:00:00Z")]
    [InlineData("@hourly", "2024-05-06T10:00:00Z", "2024-05-06T11:00:00Z")]
    [InlineData("@weekly", "2024-05-06T10:00:00Z", "2024-05-12T00:00:00Z")]
    [InlineData("@monthly", "2024-05-06T10:00:00Z", "2024-06-01T00:00:00Z")]
    [InlineData("@yearly", "2024-05-06T10:00:00Z", "2025-01-01T00:00:00Z")]
    [InlineData("@annually", "2024-05-06T10:00:00Z", "2025-01-01T00:00:00Z")]
    [InlineData("CRON_TZ=Asia/Shanghai @daily", "2024-05-06T10:00:00Z", "2024-05-06T16:00:00Z")]
    public void Descriptors_are_shorthands(string cron, string after, string expected) =>
        Assert.Equal(T(expected), Next(cron, after));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("0 0 9 * * * *", "7 fields")]
    [InlineData("0 9 * *", "4 fields")]
    [InlineData("60 * * * * *", "second field: value '60' is out of range 0-59")]
    [InlineData("* 60 * * * *", "minute field")]
    [InlineData("* * 24 * * *", "hour field: value '24'")]
    [InlineData("* * * 0 * *", "day-of-month field: value '0'")]
    [InlineData("* * * 32 * *", "day-of-month field")]
    [InlineData("* * * * 13 *", "month field: value '13'")]
    [InlineData("* * * * 0 *", "month field: value '0'")]
    [InlineData("* * * * * 7", "day-of-week field: value '7'")]
    [InlineData("? * * * * *", "'?' is only allowed in day-of-month and day-of-week")]
    [InlineData("* * * * ? *", "'?' is only allowed")]
    [InlineData("* * * * FOO *", "month field: 'FOO' is neither a number 1-12 nor a name JAN-DEC")]
    [InlineData("* * * * * MONDAY", "day-of-week field: 'MONDAY'")]
    [InlineData("* * JAN * * *", "hour field: 'JAN' is not a number")]
    [InlineData("5-1 * * * * *", "starts after it ends")]
    [InlineData("*/0 * * * * *", "step '0'")]
    [InlineData("*/x * * * * *", "step 'x'")]
    [InlineData("1/2/3 * * * * *", "more than one '/'")]
    [InlineData("1-2-3 * * * * *", "more than one '-'")]
    [InlineData("1,,2 * * * * *", "empty list item")]
    [InlineData("-1 * * * * *", "missing a value")]
    [InlineData("0 0 9 L * *", "day-of-month field: 'L'")]
    [InlineData("0 0 9 * * 1#2", "day-of-week field")]
    [InlineData("CRON_TZ=Mars/Olympus 0 0 9 * * *", "unknown time zone 'Mars/Olympus'")]
    [InlineData("CRON_TZ=Asia 0 0 9 * * *", "unknown time zone 'Asia'")]
    [InlineData("CRON_TZ=../../../etc/passwd 0 0 9 * * *", "unknown time zone")]
    [InlineData("CRON_TZ=China_Standard_Time 0 0 9 * * *", "unknown time zone")]
    [InlineData("CRON_TZ= 0 0 9 * * *", "names no time zone")]
    [InlineData("CRON_TZ=Asia/Shanghai", "nothing follows")]
    [InlineData("CRON_TZ=Local 0 0 9 * * *", "CRON_TZ=Local is not supported")]
    [InlineData("@every", "@every takes one duration")]
    [InlineData("@every 1h 2m", "@every takes one duration")]
    [InlineData("@every 1x", "unknown unit 'x'")]
    [InlineData("@every 1H", "unknown unit 'H'")]
    [InlineData("@every 10", "missing unit")]
    [InlineData("@every h", "expected a number")]
    [InlineData("@every .h", "expected a number")]
    [InlineData("@every 0", "must be positive")]
    [InlineData("@every 0s", "must be positive")]
    [InlineData("@every -1h", "must be positive")]
    [InlineData("@every 9999999999999h", "out of range")]
    [InlineData("@fortnightly", "unknown descriptor '@fortnightly'")]
    [InlineData("@daily 1", "takes no argument")]
    public void Invalid_rules_are_refused_with_the_reason(string cron, string reason)
    {
        Assert.False(CronSchedule.TryParse(cron, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => CronSchedule.Parse(cron));
    }

    [Fact]
    public void A_null_rule_is_refused() => Assert.False(CronSchedule.TryParse(null, out _, out _));

    [Fact]
    public void The_expression_is_kept_trimmed() =>
        Assert.Equal("CRON_TZ=Asia/Shanghai 0 0 9 * * *", CronSchedule.Parse("  CRON_TZ=Asia/Shanghai 0 0 9 * * * ").Expression);
}
