using System.Net;

namespace Fgs.Invoker.Hosting;

/// <summary>Settings of one invoker (from the command line and the environment).</summary>
internal sealed class InvokerOptions
{
    /// <summary>Front door address (FunctionGraph v2 API and health).</summary>
    public IPEndPoint Listen { get; set; } = new(IPAddress.Loopback, 8080);

    /// <summary>Folder of the embedded store (functions, code, logs).</summary>
    public string DataDir { get; set; } = ".data";

    /// <summary>Access keys accepted by the signature check (AK → SK). Empty: no signing required
    /// (then only loopback addresses may be served).</summary>
    public Dictionary<string, string> AccessKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Region used in URNs.</summary>
    public string Region { get; set; } = "cn-north-4";

    /// <summary>How long an idle on-demand instance is kept.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a graceful stop waits for in-flight invocations before failing them.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Folder of demo function packages (one sub-folder per function) to preload.</summary>
    public string? DemoDir { get; set; }

    /// <summary>Project id the demo functions are created under.</summary>
    public string DemoProjectId { get; set; } = "demo";

    /// <summary>Most functions per project (FunctionGraph quota).</summary>
    public int MaxFunctionsPerProject { get; set; } = 400;

    /// <summary>Most instances of one tenant (project) across all its functions (FunctionGraph's
    /// per-tenant instance quota).</summary>
    public int MaxInstancesPerTenant { get; set; } = 1000;

    /// <summary>Most instances on this node across all tenants (its capacity).</summary>
    public int MaxInstancesTotal { get; set; } = 2000;

    /// <summary>How long a reserved instance in idle mode has had no work before it is paused.</summary>
    public TimeSpan IdleFreezeAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Instance user: "auto" (uid/gid 1003, as on FunctionGraph, when the invoker runs as
    /// root and 1003 can reach the data folder), "none" (the invoker's own user) or "UID:GID".</summary>
    public string InstanceUser { get; set; } = "auto";

    /// <summary>Scheduling priority (nice value) of the invoker's threads; instances always run at
    /// 0. Below 0 needs root; elsewhere the invoker keeps its own.</summary>
    public int Nice { get; set; } = -5;

    /// <summary>How many fgs-spawn launchers are kept started ahead of cold starts (0: none).</summary>
    public int PrestartLaunchers { get; set; } = 2;

    /// <summary>Whether instances get cgroups (memory limit, CPU share, freezer) when the host has them.</summary>
    public bool UseCgroups { get; set; } = true;

    /// <summary>Whether <see cref="Listen"/> is a loopback address.</summary>
    public bool IsLoopbackOnly => IPAddress.IsLoopback(Listen.Address);
}
