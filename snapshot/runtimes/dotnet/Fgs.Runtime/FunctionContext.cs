namespace Fgs.Runtime;

/// <summary>What a hook knows about the event it runs for.</summary>
/// <param name="RequestId">The event's request id.</param>
/// <param name="InvokeType">sync, init, restore, heartbeat or prestop.</param>
public sealed record FunctionContext(string RequestId, string InvokeType);
