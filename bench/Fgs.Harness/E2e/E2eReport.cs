namespace Fgs.Harness.E2e;

/// <summary>Everything one harness run measured; serialized to <c>e2e.json</c>.</summary>
public sealed record E2eReport
{
    /// <summary>UTC start of the run, ISO 8601.</summary>
    public required string StartedUtc { get; init; }

    /// <summary>The harness command line.</summary>
    public required string Command { get; init; }

    /// <summary>Machine facts: processors, CPU model, kernel, load averages.</summary>
    public required Dictionary<string, string> Machine { get; init; }

    /// <summary>Run settings.</summary>
    public required Dictionary<string, string> Settings { get; init; }

    /// <summary>Every run of every round.</summary>
    public List<Measurement> Measurements { get; init; } = [];

    /// <summary>Medians over rounds.</summary>
    public List<ScenarioSummary> Summaries { get; set; } = [];

    /// <summary>Cold starts per demo runtime.</summary>
    public List<ColdStartResult> ColdStarts { get; init; } = [];

    /// <summary>The memory scenario, when run.</summary>
    public MemoryResult? Memory { get; set; }

    /// <summary>The performance targets, checked.</summary>
    public List<TargetCheck> Checks { get; set; } = [];
}
