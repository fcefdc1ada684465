namespace Fgs.Core.Reserved;

/// <summary>The values of <see cref="MetricConfig.Type"/> (the SDK's <c>MetricConfigTypeEnum</c>).</summary>
public static class MetricConfigTypes
{
    /// <summary>Reserved-instance utilization: busy reserved instances / reserved instances.</summary>
    public const string Concurrency = "Concurrency";
}
