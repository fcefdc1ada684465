namespace Fgs.Core.Instances;

/// <summary>Life cycle of a function instance.</summary>
public enum InstanceState
{
    /// <summary>Process starting, code loading, initializer running.</summary>
    Starting,
    /// <summary>Ready, no invocation in flight.</summary>
    Idle,
    /// <summary>At least one invocation in flight.</summary>
    Busy,
    /// <summary>Being stopped (pre-stop hook, kill).</summary>
    Stopping,
    /// <summary>Gone.</summary>
    Stopped,
}
