using Fgs.Core.Invocations;

namespace Fgs.Core.Instances;

/// <summary>
/// A running function instance as the dispatcher sees it. The invoker implements it over a real
/// process speaking the runtime API; tests and the trace simulator implement it with fakes.
/// </summary>
public interface IFunctionInstance
{
    /// <summary>Unique id of the instance (also used in logs).</summary>
    string Id { get; }

    /// <summary>Hands an invocation to the instance; its runtime takes it with <c>GET .../request</c>.
    /// The instance sets the deadline, and completes the invocation itself on response, error,
    /// timeout or exit, then reports it through <see cref="IInstanceEvents.InvocationFinished"/>.</summary>
    void Deliver(Invocation invocation);

    /// <summary>Fails every in-flight invocation whose deadline is at or before <paramref name="nowTimestamp"/>
    /// (which kills the instance). Called by the single deadline sweep.</summary>
    void SweepDeadlines(long nowTimestamp);

    /// <summary>Stops the instance and every process it started. Idempotent.</summary>
    ValueTask StopAsync(string reason);

    /// <summary>Pauses the instance while it has no work (reserved idle mode). False when it has
    /// work in flight or cannot be paused. Instances that cannot pause keep the default.</summary>
    bool TryFreeze() => false;

    /// <summary>Resumes a paused instance; returns how long the resume took (zero when it was not paused).</summary>
    TimeSpan Thaw() => TimeSpan.Zero;
}
