namespace Fgs.Harness.E2e;

/// <summary>Median over rounds of one scenario against one target.</summary>
public sealed record ScenarioSummary
{
    /// <summary>Scenario key.</summary>
    public required string Scenario { get; init; }

    /// <summary>Target name.</summary>
    public required string Target { get; init; }

    /// <summary>Rounds the medians are taken over.</summary>
    public int Rounds { get; init; }

    /// <summary>Median throughput, per second.</summary>
    public double Throughput { get; init; }

    /// <summary>Median percentiles, microseconds.</summary>
    public double P50Us { get; init; }

    /// <inheritdoc cref="P50Us"/>
    public double P90Us { get; init; }

    /// <inheritdoc cref="P50Us"/>
    public double P99Us { get; init; }

    /// <inheritdoc cref="P50Us"/>
    public double P999Us { get; init; }

    /// <summary>Largest max over the rounds, microseconds.</summary>
    public double MaxUs { get; init; }

    /// <summary>Median server CPU per exchange, microseconds.</summary>
    public double ServerCpuUsPerRequest { get; init; }

    /// <summary>Median children CPU per exchange, microseconds.</summary>
    public double ChildrenCpuUsPerRequest { get; init; }

    /// <summary>CPU of the load generator (this harness) per exchange, microseconds.</summary>
    public double GeneratorCpuUsPerRequest { get; init; }

    /// <summary>Non-200 answers summed over rounds.</summary>
    public long Non200 { get; init; }
}
