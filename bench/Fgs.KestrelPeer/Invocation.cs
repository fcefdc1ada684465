namespace Fgs.KestrelPeer;

/// <summary>One queued invocation: the event and the outcome the front door awaits.</summary>
/// <param name="Id">Request id (a UUID).</param>
/// <param name="Event">The client's body.</param>
public sealed record Invocation(string Id, byte[] Event)
{
    /// <summary>Completed by the runtime's response or error POST.</summary>
    public TaskCompletionSource<InvocationOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
