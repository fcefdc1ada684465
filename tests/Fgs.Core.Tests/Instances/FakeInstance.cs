using Fgs.Core.Instances;
using Fgs.Core.Invocations;

namespace Fgs.Core.Tests.Instances;

/// <summary>An instance that records what it is given and finishes or exits when the test says.</summary>
internal sealed class FakeInstance(string id, IInstanceEvents events) : IFunctionInstance
{
    public string Id { get; } = id;

    public List<Invocation> Delivered { get; } = [];

    public string? StoppedBecause { get; private set; }

    /// <summary>Paused by idle mode.</summary>
    public bool Frozen { get; private set; }

    /// <summary>Whether an invocation was ever handed over while paused (a placement bug).</summary>
    public bool DeliveredWhileFrozen { get; private set; }

    public void Deliver(Invocation invocation)
    {
        DeliveredWhileFrozen |= Frozen;
        Delivered.Add(invocation);
    }

    public bool TryFreeze()
    {
        Frozen = true;
        return true;
    }

    public TimeSpan Thaw()
    {
        var was = Frozen;
        Frozen = false;
        return was ? TimeSpan.FromMilliseconds(2) : TimeSpan.Zero;
    }

    public void Finish(Invocation invocation)
    {
        invocation.TryComplete(InvocationStatus.Success, "ok"u8, 0);
        events.InvocationFinished(this);
    }

    public void Exit() => events.InstanceExited(this);

    public void SweepDeadlines(long nowTimestamp)
    {
    }

    public ValueTask StopAsync(string reason)
    {
        StoppedBecause ??= reason;
        return ValueTask.CompletedTask;
    }
}
