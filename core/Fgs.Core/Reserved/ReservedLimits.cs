namespace Fgs.Core.Reserved;

/// <summary>FunctionGraph's limits on reserved instances (reference section 6).</summary>
public static class ReservedLimits
{
    /// <summary>The largest reserved count (fixed, scheduled or metric).</summary>
    public const int MaxCount = 1000;

    /// <summary>The least target utilization of a metric policy, in percent.</summary>
    public const int MinThreshold = 1;

    /// <summary>The largest target utilization of a metric policy, in percent.</summary>
    public const int MaxThreshold = 99;

    /// <summary>The largest epoch-seconds value a window bound may take (9999-12-31T23:59:59Z).</summary>
    public const long MaxEpochSeconds = 253402300799;

    /// <summary>How often a metric policy is evaluated: once a minute.</summary>
    public static readonly TimeSpan MetricInterval = TimeSpan.FromMinutes(1);
}
