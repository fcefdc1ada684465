namespace Fgs.Core.Reserved;

/// <summary>A validated metric policy (from a <see cref="MetricConfig"/>); see <see cref="MetricPolicy"/>.</summary>
public sealed record MetricRule
{
    /// <summary>The policy name.</summary>
    public required string Name { get; init; }

    /// <summary>The metric, <see cref="MetricConfigTypes.Concurrency"/>.</summary>
    public string Type { get; init; } = MetricConfigTypes.Concurrency;

    /// <summary>The target utilization in percent, 1-99.</summary>
    public required int Threshold { get; init; }

    /// <summary>The least count this policy keeps.</summary>
    public int Min { get; init; }
}
