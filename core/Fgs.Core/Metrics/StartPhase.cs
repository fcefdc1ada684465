namespace Fgs.Core.Metrics;

/// <summary>
/// The phases of a new instance's start, named after FunctionGraph's spans of a cold invocation
/// (<c>load</c>, <c>preload</c>, <c>init</c>), with the invoker's own part before the runtime
/// exists kept apart (<c>spawn</c>).
/// </summary>
public enum StartPhase
{
    /// <summary>Fetching and unpacking the code package (near zero when it is already unpacked).</summary>
    Load,

    /// <summary>The invoker's preparation: runtime API listener, folders, cgroup, and starting the process.</summary>
    Spawn,

    /// <summary>From the process start until its runtime asks for its first event.</summary>
    Preload,

    /// <summary>The function's initializer, when it has one.</summary>
    Init,
}
