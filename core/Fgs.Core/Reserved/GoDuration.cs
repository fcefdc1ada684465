using System.Globalization;

namespace Fgs.Core.Reserved;

/// <summary>
/// Parses a duration the way Go's <c>time.ParseDuration</c> does (FunctionGraph's <c>@every</c>
/// argument): an optional sign, then one or more decimal numbers, each with an optional fraction
/// and a unit: <c>ns</c>, <c>us</c> (or <c>µs</c>, <c>μs</c>), <c>ms</c>, <c>s</c>, <c>m</c>,
/// <c>h</c> (case-sensitive), e.g. <c>1.5h</c>, <c>2h30m</c>, <c>300ms</c>. A bare <c>0</c> is zero.
/// </summary>
internal static class GoDuration
{
    private static readonly decimal MaxNanoseconds = long.MaxValue;

    /// <summary>Parses <paramref name="text"/> into nanoseconds (fractions of a nanosecond dropped).</summary>
    /// <returns>True when valid; otherwise <paramref name="error"/> says why.</returns>
    public static bool TryParse(string text, out long nanoseconds, out string error)
    {
        nanoseconds = 0;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s is "0")
        {
            error = string.Empty;
            return true;
        }
        if (s.IsEmpty)
        {
            error = $"invalid duration '{text}'";
            return false;
        }
        decimal total = 0;
        while (!s.IsEmpty)
        {
            var digits = 0;
            while (digits < s.Length && char.IsAsciiDigit(s[digits]))
            {
                digits++;
            }
            var intPart = s[..digits];
            s = s[digits..];
            ReadOnlySpan<char> fraction = default;
            var hasDot = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                hasDot = true;
                s = s[1..];
                var f = 0;
                while (f < s.Length && char.IsAsciiDigit(s[f]))
                {
                    f++;
                }
                fraction = s[..f];
                s = s[f..];
            }
            if (intPart.IsEmpty && fraction.IsEmpty)
            {
                error = $"invalid duration '{text}': expected a number" + (hasDot ? " around '.'" : string.Empty);
                return false;
            }
            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }
            var unit = s[..unitLength];
            s = s[unitLength..];
            if (unit.IsEmpty)
            {
                error = $"invalid duration '{text}': missing unit (ns, us, µs, ms, s, m or h)";
                return false;
            }
            long scale = unit switch
            {
                "ns" => 1L,
                "us" or "\u00b5s" or "\u03bcs" => 1_000L,
                "ms" => 1_000_000L,
                "s" => 1_000_000_000L,
                "m" => 60_000_000_000L,
                "h" => 3_600_000_000_000L,
                _ => 0,
            };
            if (scale == 0)
            {
                error = $"invalid duration '{text}': unknown unit '{unit}' (expected ns, us, µs, ms, s, m or h)";
                return false;
            }
            // At most 19 significant integer digits matter before the total overflows anyway.
            if (intPart.Length > 20)
            {
                error = $"invalid duration '{text}': out of range";
                return false;
            }
            var value = intPart.IsEmpty ? 0m : decimal.Parse(intPart, NumberStyles.None, CultureInfo.InvariantCulture);
            if (!fraction.IsEmpty)
            {
                var kept = fraction.Length > 18 ? fraction[..18] : fraction;
                value += decimal.Parse(kept, NumberStyles.None, CultureInfo.InvariantCulture) / Pow10(kept.Length);
            }
            total += value * scale;
            if (total > MaxNanoseconds)
            {
                error = $"invalid duration '{text}': out of range";
                return false;
            }
        }
        nanoseconds = (long)decimal.Truncate(total);
        if (negative)
        {
            nanoseconds = -nanoseconds;
        }
        error = string.Empty;
        return true;
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10m;
        }
        return result;
    }
}
