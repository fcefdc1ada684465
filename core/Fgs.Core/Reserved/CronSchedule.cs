using System.Numerics;

namespace Fgs.Core.Reserved;

/// <summary>
/// A FunctionGraph cron rule (reference section 4), parsed once and evaluated on any clock.
/// </summary>
/// <remarks>
/// <para><b>Syntax.</b> <c>[CRON_TZ=Area/City] sec min hour day-of-month month [day-of-week]</c>,
/// fields separated by white space. Each field is a comma list of <c>*</c>, <c>N</c>, <c>N-M</c>,
/// each with an optional <c>/step</c> (<c>N/step</c> = <c>N-max/step</c>); <c>?</c> (same as
/// <c>*</c>) only in day-of-month and day-of-week. Ranges: seconds and minutes 0-59, hours 0-23,
/// day-of-month 1-31, month 1-12 or <c>JAN</c>-<c>DEC</c>, day-of-week 0-6 or <c>SUN</c>-<c>SAT</c>
/// (0 = Sunday; 7 is refused); names in any case. Without day-of-week (five fields) it is
/// <c>*</c>. <c>TZ=</c> is accepted as a synonym of <c>CRON_TZ=</c>; the zone is an IANA name
/// (<c>Asia/Shanghai</c>, <c>UTC</c>); without one the rule runs in UTC.</para>
/// <para>Also the descriptors <c>@every &lt;duration&gt;</c> (Go duration syntax: <c>ns</c>,
/// <c>us</c>/<c>µs</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, compound and fractional, e.g.
/// <c>@every 1.5h</c>, <c>@every 2h30m</c>), and <c>@yearly</c> (<c>@annually</c>),
/// <c>@monthly</c>, <c>@weekly</c>, <c>@daily</c> (<c>@midnight</c>), <c>@hourly</c>.</para>
/// <para><b>Matching</b> (as FunctionGraph's Go cron library): when day-of-month or day-of-week is
/// unrestricted (<c>*</c> or <c>?</c>), a day must match both; when both are restricted, either
/// one (<c>0 0 0 1 * MON</c> = the 1st and every Monday).</para>
/// <para><b>Time zones.</b> Fields are matched on the zone's wall clock. A wall time that does
/// not exist (skipped by a daylight-saving jump) does not fire; a wall time that occurs twice
/// (clocks set back) fires once, at its first occurrence. Occurrences are whole seconds.</para>
/// <para><b><c>@every</c></b> fires at <c>anchor + k × interval</c> for k ≥ 1, the anchor
/// truncated to a whole second. The interval is rounded down to whole seconds and is at least
/// one second (as the Go library does: <c>@every 1500ms</c> = 1 s); zero or negative is refused.
/// <see cref="NextOccurrence(DateTimeOffset)"/> takes its argument as the anchor (so the first
/// firing is one interval later, like a timer started then).</para>
/// <para>Pure: no method reads the clock.</para>
/// </remarks>
public sealed class CronSchedule
{
    private const int SearchYears = 5;
    private const string ExpectedFields = "expected 'sec min hour day-of-month month [day-of-week]', '@every <duration>' or a descriptor (@yearly, @monthly, @weekly, @daily, @hourly)";

    private readonly ulong _seconds;
    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _daysOfMonth;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;
    private readonly bool _dayOfMonthStar;
    private readonly bool _dayOfWeekStar;
    private readonly bool _utc;

    private CronSchedule(string expression, TimeZoneInfo zone, TimeSpan? interval, ulong[] bits, bool dayOfMonthStar, bool dayOfWeekStar)
    {
        Expression = expression;
        TimeZone = zone;
        Interval = interval;
        _utc = zone.BaseUtcOffset == TimeSpan.Zero && zone.GetAdjustmentRules().Length == 0;
        if (bits.Length == 6)
        {
            (_seconds, _minutes, _hours, _daysOfMonth, _months, _daysOfWeek) = (bits[0], bits[1], bits[2], bits[3], bits[4], bits[5]);
        }
        _dayOfMonthStar = dayOfMonthStar;
        _dayOfWeekStar = dayOfWeekStar;
    }

    /// <summary>The rule as given (trimmed).</summary>
    public string Expression { get; }

    /// <summary>The zone whose wall clock the fields are matched on (UTC without <c>CRON_TZ=</c>).</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The interval of an <c>@every</c> rule (whole seconds, at least one), else null.</summary>
    public TimeSpan? Interval { get; }

    /// <summary>True for an <c>@every</c> rule.</summary>
    public bool IsInterval => Interval is not null;

    /// <summary>Parses a rule.</summary>
    /// <param name="expression">The rule.</param>
    /// <param name="schedule">The schedule, when valid.</param>
    /// <param name="error">Why the rule is invalid, when not (names the field and the value).</param>
    public static bool TryParse(string? expression, out CronSchedule schedule, out string error)
    {
        schedule = null!;
        var text = expression?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            error = "the cron expression is empty; " + ExpectedFields;
            return false;
        }
        var rest = text;
        var zone = TimeZoneInfo.Utc;
        var zonePrefix = rest.StartsWith("CRON_TZ=", StringComparison.OrdinalIgnoreCase) ? "CRON_TZ=".Length
            : rest.StartsWith("TZ=", StringComparison.OrdinalIgnoreCase) ? "TZ=".Length : 0;
        if (zonePrefix > 0)
        {
            var end = rest.IndexOfAny([' ', '\t', '\n', '\r']);
            var zoneId = end < 0 ? rest[zonePrefix..] : rest[zonePrefix..end];
            if (!TryFindZone(zoneId, out zone, out error))
            {
                return false;
            }
            rest = end < 0 ? string.Empty : rest[end..].TrimStart();
            if (rest.Length == 0)
            {
                error = $"nothing follows CRON_TZ={zoneId}; " + ExpectedFields;
                return false;
            }
        }
        if (rest[0] == '@')
        {
            return TryParseDescriptor(text, rest, zone, out schedule, out error);
        }
        var fields = rest.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            error = $"the cron expression has {fields.Length} fields; " + ExpectedFields;
            return false;
        }
        return TryBuild(text, zone, fields, out schedule, out error);
    }

    /// <summary>Parses a rule, throwing <see cref="FormatException"/> when it is invalid.</summary>
    /// <param name="expression">The rule.</param>
    public static CronSchedule Parse(string expression) =>
        TryParse(expression, out var schedule, out var error) ? schedule : throw new FormatException(error);

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there
    /// is none within five years. An <c>@every</c> rule is anchored at <paramref name="after"/>.</summary>
    /// <param name="after">The instant to search from.</param>
    public DateTimeOffset? NextOccurrence(DateTimeOffset after) => NextOccurrence(after, after);

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there
    /// is none within five years.</summary>
    /// <param name="after">The instant to search from.</param>
    /// <param name="anchor">For an <c>@every</c> rule, the instant its firings count from
    /// (<c>anchor + k × interval</c>, k ≥ 1); ignored by field rules.</param>
    public DateTimeOffset? NextOccurrence(DateTimeOffset after, DateTimeOffset anchor)
    {
        if (Interval is { } interval)
        {
            var a = TruncateToSecond(anchor.UtcTicks);
            var first = a + interval.Ticks;
            long ticks;
            if (after.UtcTicks < first)
            {
                ticks = first;
            }
            else
            {
                var k = ((after.UtcTicks - a) / interval.Ticks) + 1;
                ticks = a + (k * interval.Ticks);
            }
            return ticks <= DateTimeOffset.MaxValue.UtcTicks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        }
        if (after.UtcDateTime.Year >= 9998 - SearchYears)
        {
            return null;
        }
        var wall = LatestWallAtOrBefore(after);
        var candidate = NextMatch(wall.AddSeconds(1), wall.Year + SearchYears);
        while (candidate is { } c)
        {
            if (ToInstant(c) is { } instant)
            {
                return instant;
            }
            candidate = NextMatch(c.AddSeconds(1), wall.Year + SearchYears);
        }
        return null;
    }

    /// <summary>The last occurrence at or before <paramref name="atOrBefore"/>, or null when there
    /// is none within five years before it (for <c>@every</c>: none since the anchor).</summary>
    /// <param name="atOrBefore">The instant to search back from.</param>
    /// <param name="anchor">For an <c>@every</c> rule, the instant its firings count from
    /// (<c>anchor + k × interval</c>, k ≥ 1); ignored by field rules.</param>
    public DateTimeOffset? PreviousOccurrence(DateTimeOffset atOrBefore, DateTimeOffset anchor)
    {
        if (Interval is { } interval)
        {
            var a = TruncateToSecond(anchor.UtcTicks);
            if (atOrBefore.UtcTicks - a < interval.Ticks)
            {
                return null;
            }
            var k = (atOrBefore.UtcTicks - a) / interval.Ticks;
            return new DateTimeOffset(a + (k * interval.Ticks), TimeSpan.Zero);
        }
        if (atOrBefore.UtcDateTime.Year <= SearchYears + 2)
        {
            return null;
        }
        var wall = LatestWallAtOrBefore(atOrBefore);
        var candidate = PreviousMatch(wall, wall.Year - SearchYears);
        while (candidate is { } c)
        {
            if (ToInstant(c) is { } instant)
            {
                return instant;
            }
            candidate = PreviousMatch(c.AddSeconds(-1), wall.Year - SearchYears);
        }
        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Expression;

    private static bool TryFindZone(string zoneId, out TimeZoneInfo zone, out string error)
    {
        zone = TimeZoneInfo.Utc;
        if (zoneId.Length == 0)
        {
            error = "CRON_TZ= names no time zone; expected an IANA name such as Asia/Shanghai";
            return false;
        }
        if (string.Equals(zoneId, "Local", StringComparison.OrdinalIgnoreCase))
        {
            error = "CRON_TZ=Local is not supported: name the IANA time zone, e.g. CRON_TZ=Asia/Shanghai";
            return false;
        }
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException
            or System.Security.SecurityException or IOException or UnauthorizedAccessException)
        {
            error = $"unknown time zone '{zoneId}' in CRON_TZ; expected an IANA name such as Asia/Shanghai or UTC";
            return false;
        }
    }

    private static bool TryParseDescriptor(string text, string rest, TimeZoneInfo zone, out CronSchedule schedule, out string error)
    {
        schedule = null!;
        var parts = rest.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var name = parts[0].ToLowerInvariant();
        if (name == "@every")
        {
            if (parts.Length != 2)
            {
                error = "@every takes one duration, e.g. '@every 1h30m'";
                return false;
            }
            if (!GoDuration.TryParse(parts[1], out var nanoseconds, out error))
            {
                error = "@every: " + error;
                return false;
            }
            if (nanoseconds <= 0)
            {
                error = $"@every: the interval '{parts[1]}' must be positive";
                return false;
            }
            var seconds = Math.Max(1, nanoseconds / 1_000_000_000L);
            schedule = new CronSchedule(text, zone, TimeSpan.FromSeconds(seconds), [], false, false);
            return true;
        }
        string? fields = name switch
        {
            "@yearly" or "@annually" => "0 0 0 1 1 *",
            "@monthly" => "0 0 0 1 * *",
            "@weekly" => "0 0 0 * * 0",
            "@daily" or "@midnight" => "0 0 0 * * *",
            "@hourly" => "0 0 * * * *",
            _ => null,
        };
        if (fields is null)
        {
            error = $"unknown descriptor '{parts[0]}'; " + ExpectedFields;
            return false;
        }
        if (parts.Length != 1)
        {
            error = $"{parts[0]} takes no argument";
            return false;
        }
        return TryBuild(text, zone, fields.Split(' '), out schedule, out error);
    }

    private static bool TryBuild(string text, TimeZoneInfo zone, string[] fields, out CronSchedule schedule, out string error)
    {
        schedule = null!;
        CronField[] specs = [CronField.Second, CronField.Minute, CronField.Hour, CronField.DayOfMonth, CronField.Month, CronField.DayOfWeek];
        var bits = new ulong[6];
        var stars = new bool[6];
        for (var i = 0; i < specs.Length; i++)
        {
            var field = i < fields.Length ? fields[i] : "*";
            if (!specs[i].TryParse(field, out bits[i], out stars[i], out error))
            {
                return false;
            }
        }
        schedule = new CronSchedule(text, zone, null, bits, stars[3], stars[5]);
        error = string.Empty;
        return true;
    }

    private static long TruncateToSecond(long ticks) => ticks - (((ticks % TimeSpan.TicksPerSecond) + TimeSpan.TicksPerSecond) % TimeSpan.TicksPerSecond);

    private static DateTime FloorSecond(DateTime wall) => new(TruncateToSecond(wall.Ticks), DateTimeKind.Unspecified);

    /// <summary>The latest whole-second wall time whose instant (see <see cref="ToInstant"/>) is at
    /// or before <paramref name="t"/>. Usually <paramref name="t"/>'s own wall time; during the
    /// second pass of a repeated (clocks set back) hour, the end of that hour, because every
    /// repeated wall time fires at its first pass.</summary>
    private DateTime LatestWallAtOrBefore(DateTimeOffset t)
    {
        if (_utc)
        {
            return FloorSecond(t.UtcDateTime);
        }
        var wall = FloorSecond(TimeZoneInfo.ConvertTime(t, TimeZone).DateTime);
        if (!TimeZone.IsAmbiguousTime(t))
        {
            return wall;
        }
        var offsets = TimeZone.GetAmbiguousTimeOffsets(t);
        var first = offsets.Max();
        var offset = TimeZone.GetUtcOffset(t);
        if (offset >= first)
        {
            return wall;
        }
        // Second pass: find the last ambiguous wall second in [wall, wall + (first - offset)].
        long lo = 0;
        var hi = (long)(first - offset).TotalSeconds;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo + 1) / 2);
            if (TimeZone.IsAmbiguousTime(wall.AddSeconds(mid)))
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return wall.AddSeconds(lo);
    }

    /// <summary>The instant of a wall time in <see cref="TimeZone"/>: null for a skipped wall time,
    /// the first (larger-offset) instant of a repeated one.</summary>
    private DateTimeOffset? ToInstant(DateTime wall)
    {
        if (_utc)
        {
            return new DateTimeOffset(wall, TimeSpan.Zero);
        }
        if (TimeZone.IsInvalidTime(wall))
        {
            return null;
        }
        var offset = TimeZone.IsAmbiguousTime(wall) ? TimeZone.GetAmbiguousTimeOffsets(wall).Max() : TimeZone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }

    private bool DayMatches(DateTime day)
    {
        var dom = (_daysOfMonth & (1UL << day.Day)) != 0;
        var dow = (_daysOfWeek & (1UL << (int)day.DayOfWeek)) != 0;
        return _dayOfMonthStar || _dayOfWeekStar ? dom && dow : dom || dow;
    }

    private static int NextBit(ulong mask, int from)
    {
        var m = mask & (ulong.MaxValue << from);
        return m == 0 ? -1 : BitOperations.TrailingZeroCount(m);
    }

    private static int PreviousBit(ulong mask, int from)
    {
        var m = mask & ((2UL << from) - 1);
        return m == 0 ? -1 : 63 - BitOperations.LeadingZeroCount(m);
    }

    /// <summary>The first matching wall time at or after <paramref name="t"/> (whole seconds).</summary>
    private DateTime? NextMatch(DateTime t, int lastYear)
    {
        while (true)
        {
            if (t.Year > lastYear)
            {
                return null;
            }
            var month = NextBit(_months, t.Month);
            if (month < 0)
            {
                t = new DateTime(t.Year + 1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
                continue;
            }
            if (month != t.Month)
            {
                t = new DateTime(t.Year, month, 1, 0, 0, 0, DateTimeKind.Unspecified);
                continue;
            }
            if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
                continue;
            }
            var hour = NextBit(_hours, t.Hour);
            if (hour < 0)
            {
                t = t.Date.AddDays(1);
                continue;
            }
            if (hour != t.Hour)
            {
                t = t.Date.AddHours(hour);
                continue;
            }
            var minute = NextBit(_minutes, t.Minute);
            if (minute < 0)
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }
            if (minute != t.Minute)
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(minute);
                continue;
            }
            var second = NextBit(_seconds, t.Second);
            if (second < 0)
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
                continue;
            }
            return t.Date.AddHours(t.Hour).AddMinutes(t.Minute).AddSeconds(second);
        }
    }

    /// <summary>The last matching wall time at or before <paramref name="t"/> (whole seconds).</summary>
    private DateTime? PreviousMatch(DateTime t, int firstYear)
    {
        while (true)
        {
            if (t.Year < firstYear)
            {
                return null;
            }
            var month = PreviousBit(_months, t.Month);
            if (month < 0)
            {
                t = new DateTime(t.Year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddSeconds(-1);
                continue;
            }
            if (month != t.Month)
            {
                t = new DateTime(t.Year, month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1).AddSeconds(-1);
                continue;
            }
            if (!DayMatches(t))
            {
                t = t.Date.AddSeconds(-1);
                continue;
            }
            var hour = PreviousBit(_hours, t.Hour);
            if (hour < 0)
            {
                t = t.Date.AddSeconds(-1);
                continue;
            }
            if (hour != t.Hour)
            {
                t = t.Date.AddHours(hour + 1).AddSeconds(-1);
                continue;
            }
            var minute = PreviousBit(_minutes, t.Minute);
            if (minute < 0)
            {
                t = t.Date.AddHours(t.Hour).AddSeconds(-1);
                continue;
            }
            if (minute != t.Minute)
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(minute + 1).AddSeconds(-1);
                continue;
            }
            var second = PreviousBit(_seconds, t.Second);
            if (second < 0)
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute).AddSeconds(-1);
                continue;
            }
            return t.Date.AddHours(t.Hour).AddMinutes(t.Minute).AddSeconds(second);
        }
    }
}
