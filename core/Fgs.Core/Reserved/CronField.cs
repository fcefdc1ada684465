using System.Globalization;

namespace Fgs.Core.Reserved;

/// <summary>
/// One field of a cron rule (seconds, minutes, hours, day-of-month, month or day-of-week) and its
/// parser: a comma list of <c>*</c>, <c>?</c> (day fields only), <c>N</c>, <c>N-M</c>, each with an
/// optional <c>/step</c> (<c>N/step</c> means <c>N-max/step</c>); values are numbers or, for months
/// and weekdays, three-letter English names in any case.
/// </summary>
internal sealed class CronField
{
    private static readonly string[] MonthNames =
        ["", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    private static readonly string[] WeekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly string[]? _names;

    private CronField(string name, int min, int max, string[]? names, bool allowQuestion)
    {
        Name = name;
        Min = min;
        Max = max;
        _names = names;
        AllowQuestion = allowQuestion;
    }

    /// <summary>Seconds, 0-59.</summary>
    public static CronField Second { get; } = new("second", 0, 59, null, false);

    /// <summary>Minutes, 0-59.</summary>
    public static CronField Minute { get; } = new("minute", 0, 59, null, false);

    /// <summary>Hours, 0-23.</summary>
    public static CronField Hour { get; } = new("hour", 0, 23, null, false);

    /// <summary>Day of the month, 1-31, or <c>?</c>.</summary>
    public static CronField DayOfMonth { get; } = new("day-of-month", 1, 31, null, true);

    /// <summary>Month, 1-12 or JAN-DEC.</summary>
    public static CronField Month { get; } = new("month", 1, 12, MonthNames, false);

    /// <summary>Day of the week, 0-6 (0 = Sunday) or SUN-SAT, or <c>?</c>.</summary>
    public static CronField DayOfWeek { get; } = new("day-of-week", 0, 6, WeekdayNames, true);

    /// <summary>The field's name in messages.</summary>
    public string Name { get; }

    /// <summary>The least value.</summary>
    public int Min { get; }

    /// <summary>The largest value.</summary>
    public int Max { get; }

    /// <summary>Whether <c>?</c> (same as <c>*</c>) is allowed.</summary>
    public bool AllowQuestion { get; }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">The field.</param>
    /// <param name="bits">Bit <c>v</c> is set for every value <c>v</c> the field matches.</param>
    /// <param name="star">True when an item is <c>*</c> or <c>?</c> without a step above 1 (which
    /// decides how day-of-month and day-of-week combine).</param>
    /// <param name="error">Why the field is invalid.</param>
    public bool TryParse(string text, out ulong bits, out bool star, out string error)
    {
        bits = 0;
        star = false;
        foreach (var item in text.Split(','))
        {
            if (!TryParseItem(item, ref bits, ref star, out error))
            {
                return false;
            }
        }
        error = string.Empty;
        return true;
    }

    private bool TryParseItem(string item, ref ulong bits, ref bool star, out string error)
    {
        if (item.Length == 0)
        {
            error = $"{Name} field: empty list item";
            return false;
        }
        var slash = item.Split('/');
        if (slash.Length > 2)
        {
            error = $"{Name} field: '{item}' has more than one '/'";
            return false;
        }
        var range = slash[0];
        int start, end;
        var itemStar = false;
        if (range is "*" || range is "?")
        {
            if (range is "?" && !AllowQuestion)
            {
                error = $"{Name} field: '?' is only allowed in day-of-month and day-of-week";
                return false;
            }
            start = Min;
            end = Max;
            itemStar = true;
        }
        else
        {
            var bounds = range.Split('-');
            if (bounds.Length > 2)
            {
                error = $"{Name} field: '{item}' has more than one '-'";
                return false;
            }
            if (!TryParseValue(bounds[0], item, out start, out error))
            {
                return false;
            }
            end = start;
            if (bounds.Length == 2)
            {
                if (!TryParseValue(bounds[1], item, out end, out error))
                {
                    return false;
                }
            }
            else if (slash.Length == 2)
            {
                end = Max; // "N/step" means "N-max/step"
            }
            if (start > end)
            {
                error = $"{Name} field: range '{range}' starts after it ends";
                return false;
            }
        }
        var step = 1;
        if (slash.Length == 2)
        {
            if (!int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0)
            {
                error = $"{Name} field: step '{slash[1]}' in '{item}' is not a positive number";
                return false;
            }
        }
        for (var v = start; v <= end; v += step)
        {
            bits |= 1UL << v;
        }
        if (itemStar && step == 1)
        {
            star = true;
        }
        error = string.Empty;
        return true;
    }

    private bool TryParseValue(string text, string item, out int value, out string error)
    {
        if (text.Length == 0)
        {
            error = $"{Name} field: '{item}' is missing a value";
            value = 0;
            return false;
        }
        if (char.IsAsciiDigit(text[0]))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < Min || value > Max)
            {
                error = $"{Name} field: value '{text}' is out of range {Min}-{Max}";
                value = 0;
                return false;
            }
            error = string.Empty;
            return true;
        }
        if (_names is not null)
        {
            var index = Array.FindIndex(_names, n => n.Length > 0 && string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                value = index;
                error = string.Empty;
                return true;
            }
            error = $"{Name} field: '{text}' is neither a number {Min}-{Max} nor a name {_names[Min]}-{_names[Max]}";
        }
        else
        {
            error = $"{Name} field: '{text}' is not a number {Min}-{Max}";
        }
        value = 0;
        return false;
    }
}
