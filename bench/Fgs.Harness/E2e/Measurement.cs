namespace Fgs.Harness.E2e;

/// <summary>One run of one scenario against one target, as written to the JSON report.</summary>
public sealed record Measurement
{
    /// <summary>Scenario key (c1, c64, open).</summary>
    public required string Scenario { get; init; }

    /// <summary>Target name.</summary>
    public required string Target { get; init; }

    /// <summary>Round number, from 1.</summary>
    public int Round { get; init; }

    /// <summary>Connections used.</summary>
    public int Connections { get; init; }

    /// <summary>Open loop: offered rate per second; closed loop: 0.</summary>
    public double OfferedRate { get; init; }

    /// <summary>Exchanges recorded.</summary>
    public long Count { get; init; }

    /// <summary>Answers other than 200 (connection failures included).</summary>
    public long Non200 { get; init; }

    /// <summary>Completed exchanges per second.</summary>
    public double Throughput { get; init; }

    /// <summary>Latency percentiles and maximum, microseconds.</summary>
    public double P50Us { get; init; }

    /// <inheritdoc cref="P50Us"/>
    public double P90Us { get; init; }

    /// <inheritdoc cref="P50Us"/>
    public double P99Us { get; init; }

    /// <inheritdoc cref="P50Us"/>
    public double P999Us { get; init; }

    /// <inheritdoc cref="P50Us"/>
    public double MaxUs { get; init; }

    /// <summary>CPU of the server process per exchange, microseconds.</summary>
    public double ServerCpuUsPerRequest { get; init; }

    /// <summary>CPU of the server's descendants (runtime processes, nginx workers) per exchange, microseconds.</summary>
    public double ChildrenCpuUsPerRequest { get; init; }

    /// <summary>CPU of the load generator (this harness) per exchange, microseconds.</summary>
    public double GeneratorCpuUsPerRequest { get; init; }

    /// <summary>Server VmRSS after the run, bytes.</summary>
    public long ServerRssBytes { get; init; }

    /// <summary>The .hgrm file of this run.</summary>
    public string? HistogramFile { get; init; }
}
