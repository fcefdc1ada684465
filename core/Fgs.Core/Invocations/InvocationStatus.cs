namespace Fgs.Core.Invocations;

/// <summary>How an invocation ended. Expected failures are results, not exceptions.</summary>
public enum InvocationStatus
{
    /// <summary>Not finished yet.</summary>
    Pending,
    /// <summary>The runtime posted a response.</summary>
    Success,
    /// <summary>The runtime posted an error (a code exception in the function).</summary>
    FunctionError,
    /// <summary>The function ran past its timeout; the instance was killed.</summary>
    TimedOut,
    /// <summary>The instance process exited or crashed while the invocation was pending.</summary>
    InstanceExited,
    /// <summary>The instance could not be started or its initializer failed or timed out.</summary>
    InitFailed,
    /// <summary>The runtime's response exceeded the response size limit.</summary>
    ResponseTooLarge,
    /// <summary>No capacity: the function is at its maximum instances.</summary>
    Rejected,
    /// <summary>The platform failed (an internal error, or shutting down).</summary>
    SystemError,
    /// <summary>A process of the instance was killed for using more than the function's memory size.</summary>
    MemoryLimitExceeded,
}
