using Fgs.Core.Instances;
using Fgs.Core.Invocations;
using Microsoft.Extensions.Time.Testing;

namespace Fgs.Core.Tests.Instances;

/// <summary>A pool on a fake clock whose launches create <see cref="FakeInstance"/>s (or fail, when
/// <see cref="FailLaunchWith"/> is set).</summary>
public abstract class PoolTestBase
{
    private protected readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private protected readonly List<FakeInstance> _launched = [];

    private protected string? FailLaunchWith { get; set; }

    private protected InstancePool Pool(int max = 3, int concurrency = 1, int keepAliveSeconds = 60,
        InstanceQuota? quota = null, Action<TimeSpan>? thawed = null) =>
        new("urn:test", new InstancePoolSettings(max, concurrency, TimeSpan.FromSeconds(keepAliveSeconds)), (events, _) =>
        {
            if (FailLaunchWith is { } why)
            {
                return ValueTask.FromResult(LaunchResult.Failed(why));
            }
            var instance = new FakeInstance("f" + _launched.Count, events);
            _launched.Add(instance);
            return ValueTask.FromResult(LaunchResult.Ready(instance));
        }, _time, quota, thawed);

    private protected static Invocation NewInvocation() => new(Guid.NewGuid().ToString(), InvokeType.Sync, "{}"u8, TimeSpan.FromSeconds(3));
}
