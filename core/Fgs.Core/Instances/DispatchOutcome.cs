namespace Fgs.Core.Instances;

/// <summary>What happened when the pool tried to place an invocation.</summary>
public enum DispatchOutcome
{
    /// <summary>Delivered to a warm instance.</summary>
    DeliveredWarm,
    /// <summary>Delivered to an instance started for it.</summary>
    DeliveredCold,
    /// <summary>The function is at its maximum instances and every instance is at its concurrency.</summary>
    Rejected,
    /// <summary>A new instance was needed and could not be started; the invocation was failed with the reason.</summary>
    LaunchFailed,
    /// <summary>The pool is shutting down.</summary>
    ShuttingDown,
}
