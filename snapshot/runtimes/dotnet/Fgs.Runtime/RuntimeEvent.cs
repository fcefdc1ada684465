namespace Fgs.Runtime;

/// <summary>An event from <c>GET /v1/runtime/invocation/request</c>.</summary>
/// <param name="RequestId">Its request id.</param>
/// <param name="InvokeType">Its invoke type (<c>X-CFF-Invoke-Type</c>).</param>
/// <param name="Body">The event body.</param>
public sealed record RuntimeEvent(string RequestId, string InvokeType, byte[] Body);
