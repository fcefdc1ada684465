namespace Fgs.Harness.Report;

/// <summary>Order statistics of a handful of values (rounds, starts).</summary>
public static class Stats
{
    /// <summary>The median, or <paramref name="empty"/> when there are no values.</summary>
    public static double Median(IEnumerable<double> values, double empty = 0) => Percentile(values, 50, empty);

    /// <summary>The <paramref name="percentile"/> (0 to 100) with linear interpolation between
    /// neighbours, or <paramref name="empty"/> when there are no values.</summary>
    public static double Percentile(IEnumerable<double> values, double percentile, double empty = 0)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return empty;
        }
        var rank = percentile / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
