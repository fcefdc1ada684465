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

    /// <summary>Most instances across all functions (tenant-wide quota).</summary>
    public int MaxInstancesTotal { get; set; } = 1000;

    /// <summary>Whether <see cref="Listen"/> is a loopback address.</summary>
    public bool IsLoopbackOnly => IPAddress.IsLoopback(Listen.Address);
}
