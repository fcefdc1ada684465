namespace Fgs.KestrelPeer;

/// <summary>What the runtime posted.</summary>
/// <param name="Body">The response or error body.</param>
/// <param name="IsError">Posted to <c>/error/</c>.</param>
public sealed record InvocationOutcome(byte[] Body, bool IsError);
