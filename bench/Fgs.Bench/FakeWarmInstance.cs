using Fgs.Core.Instances;
using Fgs.Core.Invocations;

namespace Fgs.Bench;

/// <summary>
/// An instance that answers every delivered invocation at once: it completes it (empty success body)
/// and reports <see cref="IInstanceEvents.InvocationFinished"/> to its pool on the delivering thread,
/// so the pool's slot is free again when <see cref="InstancePool.DispatchAsync"/> returns.
/// </summary>
public sealed class FakeWarmInstance(IInstanceEvents events) : IFunctionInstance
{
    private readonly IInstanceEvents _events = events;

    /// <inheritdoc />
    public string Id => "bench-warm";

    /// <summary>How many invocations were delivered.</summary>
    public long Delivered { get; private set; }

    /// <inheritdoc />
    public void Deliver(Invocation invocation)
    {
        Delivered++;
        invocation.TryComplete(InvocationStatus.Success, default, 0);
        _events.InvocationFinished(this);
    }

    /// <inheritdoc />
    public void SweepDeadlines(long nowTimestamp)
    {
    }

    /// <inheritdoc />
    public ValueTask StopAsync(string reason) => ValueTask.CompletedTask;
}
