using System.Collections.Concurrent;
using Fgs.Snapshot;
using Fgs.Snapshot.Criu;
using Fgs.Snapshot.Images;
using Fgs.Snapshot.Lifecycle;

namespace Fgs.Invoker.Snapshots;

/// <summary>Sets up snapshots for one invoker: finds a usable CRIU (system first, then the local
/// prefix), logs the capability with its reason, and creates the image store and lifecycle. A host
/// without CRIU gets a service that always answers "cold start", with the reason.</summary>
internal static class SnapshotSupport
{
    /// <summary>The image store's default budget (tmpfs memory).</summary>
    public const long DefaultBudgetBytes = 2L << 30;

    // One detection (criu check) per CRIU prefix and process: invokers in one process share it.
    private static readonly ConcurrentDictionary<string, Lazy<Task<(CriuDriver? Driver, CheckpointCapability Capability)>>> s_detections = new(StringComparer.Ordinal);
    private static int s_stores;

    /// <summary>Detects CRIU and creates the snapshot instances of this invoker. Never throws for an
    /// unusable host: the capability says why.</summary>
    public static async Task<SnapshotInstances> StartAsync(TimeProvider time, Action<string> log, string? criuPrefix = null,
        long budgetBytes = DefaultBudgetBytes, CancellationToken cancellationToken = default)
    {
        var detection = s_detections.GetOrAdd(criuPrefix ?? "", _ => new Lazy<Task<(CriuDriver?, CheckpointCapability)>>(
            () => CriuDriver.DetectAsync(CriuLocator.FindCandidates(prefix: criuPrefix), CancellationToken.None)));
        var (driver, capability) = await detection.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        log(capability.Available
            ? $"snapshots: available ({capability.Tool}; {capability.Reason})"
            : $"snapshots: unavailable, instances cold start ({capability.Reason})");
        if (capability.Available && Fgs.Snapshot.Processes.PidNamespaceLauncher.UserSwitchUnavailableReason is { } why)
            log($"snapshots: made and restored as the invoker's user even where instances run as another user ({why})");
        var name = $"invoker-{Environment.ProcessId}-{Interlocked.Increment(ref s_stores)}";
        var images = new SnapshotImageStore(Path.Combine(SnapshotImageStore.DefaultRoot, name), budgetBytes);
        // Restores start CRIU ahead of time through the launcher when it is there (see RestoreSlots).
        var checkpointer = driver is null ? null : new CriuDriver(driver.Command) { SpawnHelper = Instances.Supervisor.SpawnHelperPath };
        return new SnapshotInstances(new SnapshotService(checkpointer, capability, images, new SnapshotRegistry(time)), log);
    }
}
