namespace Fgs.Harness.E2e;

/// <summary>Invoker resident memory at the steps of the memory scenario.</summary>
public sealed record MemoryResult
{
    /// <summary>Functions registered.</summary>
    public int Functions { get; init; }

    /// <summary>Instances kept warm (one per function).</summary>
    public int WarmInstances { get; init; }

    /// <summary>Live descendant processes of the invoker at the end.</summary>
    public int InstanceProcesses { get; init; }

    /// <summary>VmRSS just after start (no functions), bytes.</summary>
    public long RssIdleBytes { get; init; }

    /// <summary>VmRSS with all functions registered, no instance, bytes.</summary>
    public long RssFunctionsBytes { get; init; }

    /// <summary>VmRSS with the warm instances started (instances themselves excluded), bytes.</summary>
    public long RssWarmBytes { get; init; }

    /// <summary>Summed VmRSS of the instance processes, bytes (for information).</summary>
    public long InstancesRssBytes { get; init; }

    /// <summary>Seconds taken to create the functions.</summary>
    public double CreateSeconds { get; init; }
}
