namespace Fgs.Core.Instances;

/// <summary>The outcome of starting an instance: a ready instance, or why it could not start.</summary>
public readonly record struct LaunchResult(IFunctionInstance? Instance, string? Error, bool Throttled = false)
{
    /// <summary>No instance may be started now (a node- or tenant-wide quota is used up): the
    /// invocation is rejected like any other over-capacity request, not failed.</summary>
    public static LaunchResult Throttle(string reason) => new(null, reason, Throttled: true);

    /// <summary>A ready instance.</summary>
    public static LaunchResult Ready(IFunctionInstance instance) => new(instance, null);

    /// <summary>A failed start (load failure, initializer failure or timeout, exit during start).</summary>
    public static LaunchResult Failed(string error) => new(null, error);
}
