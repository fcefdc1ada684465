using BenchmarkDotNet.Attributes;
using Fgs.Core.Instances;
using Fgs.Core.Invocations;

namespace Fgs.Bench;

/// <summary>
/// The pool's admission and hand-off to a warm instance (<see cref="InstancePool.DispatchAsync"/>,
/// completing synchronously), and the life cycle of one <see cref="Invocation"/>.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    /// <summary>A small JSON event, as the demo functions get.</summary>
    public static readonly byte[] Event = "{\"hello\":\"world\"}"u8.ToArray();

    private readonly string _requestId = SampleRequests.InvocationId;
    private InstancePool _pool = null!;
    private Invocation _invocation = null!;

    /// <summary>Creates a one-instance pool and warms its instance with a first (cold) dispatch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _pool = new InstancePool("urn:bench", new InstancePoolSettings(1, 1, TimeSpan.FromMinutes(10)),
            (events, _) => ValueTask.FromResult(LaunchResult.Ready(new FakeWarmInstance(events))), TimeProvider.System);
        _invocation = NewInvocation();
        if (_pool.DispatchAsync(_invocation, CancellationToken.None).GetAwaiter().GetResult() != DispatchOutcome.DeliveredCold)
        {
            throw new InvalidOperationException("the first dispatch should start the instance");
        }
    }

    /// <summary>
    /// Admission plus hand-off to the warm instance, which completes and frees its slot synchronously.
    /// One invocation is reused (it is completed once; later completions are refused), so this measures
    /// the pool, not the invocation's construction.
    /// </summary>
    [Benchmark]
    public DispatchOutcome DispatchWarm() =>
        _pool.DispatchAsync(_invocation, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Construct an invocation (copying the event), complete it with a body, read the outcome.</summary>
    [Benchmark]
    public InvocationStatus InvocationLifecycle()
    {
        var inv = NewInvocation();
        inv.TryComplete(InvocationStatus.Success, Event, 1);
        return inv.WaitAsync().GetAwaiter().GetResult();
    }

    private Invocation NewInvocation() => new(_requestId, InvokeType.Sync, Event, TimeSpan.FromSeconds(30));
}
