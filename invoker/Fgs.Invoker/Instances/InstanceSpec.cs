namespace Fgs.Invoker.Instances;

/// <summary>Everything needed to start one instance of a function version.</summary>
internal sealed record InstanceSpec
{
    /// <summary>The function URN with its version, for logs.</summary>
    public required string FunctionUrn { get; init; }

    /// <summary>Version label for the log framing lines (<c>latest</c>, a version name).</summary>
    public required string Version { get; init; }

    /// <summary>Unpacked code package.</summary>
    public required string CodeRoot { get; init; }

    /// <summary>Executable started as the instance (normally <c>CodeRoot/bootstrap</c>).</summary>
    public required string Bootstrap { get; init; }

    /// <summary>Directory under which each instance gets a private working folder.</summary>
    public required string InstancesRoot { get; init; }

    /// <summary>The complete environment of the process (platform variables and the user's).</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>The function's timeout.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>Initializer handler, or null when the function has none.</summary>
    public string? InitializerHandler { get; init; }

    /// <summary>Initializer timeout.</summary>
    public TimeSpan InitializerTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Pre-stop hook handler, or null.</summary>
    public string? PreStopHandler { get; init; }

    /// <summary>Pre-stop hook timeout.</summary>
    public TimeSpan PreStopTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Heartbeat handler, or null when the function declares none.</summary>
    public string? HeartbeatHandler { get; init; }

    /// <summary>Instance memory size in MB (billing memory in the log lines).</summary>
    public int MemoryMb { get; init; } = 128;

    /// <summary>Largest response a runtime may post (6 MB unless streaming).</summary>
    public int MaxResponseBytes { get; init; } = 6 * 1024 * 1024;

    /// <summary>Largest event accepted from a client for this function.</summary>
    public int MaxEventBytes { get; init; } = 6 * 1024 * 1024;

    /// <summary>CPU share of the instance, millicores (proportional to memory).</summary>
    public int CpuMillicores { get; init; } = 38;

    /// <summary>The cgroups instances are placed in (null: none).</summary>
    public CgroupHost? Cgroups { get; init; }

    /// <summary>The user and group the bootstrap runs as (null: the invoker's own).</summary>
    public InstanceUser? RunAs { get; init; }
}
