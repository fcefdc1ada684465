namespace Fgs.Core.Invocations;

/// <summary>What an event delivered to an instance through the runtime API is for
/// (sent to the runtime as <c>X-CFF-Invoke-Type</c>).</summary>
public enum InvokeType
{
    /// <summary>A synchronous invocation from a client.</summary>
    Sync,
    /// <summary>An asynchronous invocation taken from the queue.</summary>
    Async,
    /// <summary>The initializer, run once per instance before any request.</summary>
    Init,
    /// <summary>Sent to a copy restored from a snapshot, so the restore hook runs.</summary>
    Restore,
    /// <summary>A heartbeat probe for functions that declare a heartbeat handler.</summary>
    Heartbeat,
    /// <summary>The pre-stop hook, run before an instance is stopped.</summary>
    PreStop,
}
