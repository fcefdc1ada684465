namespace Fgs.Harness.E2e;

/// <summary>Settings of an end-to-end run (see <c>Program.cs</c> for the command line).</summary>
public sealed record E2eOptions
{
    /// <summary>Results folder.</summary>
    public required string OutDir { get; init; }

    /// <summary>Warm-path targets, in the order of round 1.</summary>
    public required List<TargetSpec> Targets { get; init; }

    /// <summary>Request target path sent to every warm-path target.</summary>
    public required string Path { get; init; }

    /// <summary>Invoke event body.</summary>
    public string Body { get; init; } = """{"hello":"world"}""";

    /// <summary>Seconds per measured run.</summary>
    public double DurationSeconds { get; init; } = 4;

    /// <summary>Rounds (targets alternate within each, the order rotating between rounds).</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>High-concurrency level.</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>Open-loop rate per second.</summary>
    public double Rate { get; init; } = 2000;

    /// <summary>Open-loop connections.</summary>
    public int OpenConnections { get; init; } = 32;

    /// <summary>Invoker binary for the cold-start and memory scenarios (a fresh invoker each), or null to skip them.</summary>
    public string? InvokerBinary { get; init; }

    /// <summary>Staged demo folder (echo-csharp, echo-bash, echo-python bootstraps).</summary>
    public string? DemoDir { get; init; }

    /// <summary>Which scenarios run: warm (the interleaved warm-path rounds), cold, memory.</summary>
    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(["warm", "cold", "memory"], StringComparer.Ordinal);

    /// <summary>Cold starts per runtime.</summary>
    public int ColdCount { get; init; } = 20;

    /// <summary>Functions registered in the memory scenario.</summary>
    public int MemoryFunctions { get; init; } = 1000;

    /// <summary>Warm instances in the memory scenario.</summary>
    public int MemoryInstances { get; init; } = 100;

    /// <summary>Folder for the logs of the invokers the harness starts (kept out of the results).</summary>
    public string? LogDir { get; init; }

    /// <summary>File that receives the pid of every process the harness starts (for the caller's trap).</summary>
    public string? PidFile { get; init; }
}
