using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fgs.Snapshot;
using Fgs.Snapshot.Criu;
using Fgs.Snapshot.Images;
using Fgs.Snapshot.Lifecycle;

namespace Fgs.Invoker.Snapshots;

/// <summary>Sets up snapshots for one invoker: finds a usable CRIU (system first, then the local
/// prefix), logs the capability with its reason, and creates the image store and lifecycle. A host
/// without CRIU gets a service that always answers "cold start", with the reason. An invoker's image
/// store belongs to its data folder (<see cref="StoreRoot"/>) and outlives the invoker; stores whose
/// data folder is gone are deleted.</summary>
internal static class SnapshotSupport
{
    /// <summary>The image store's default budget (tmpfs memory).</summary>
    public const long DefaultBudgetBytes = 2L << 30;

    // One detection (criu check) per CRIU prefix and process: invokers in one process share it.
    private static readonly ConcurrentDictionary<string, Lazy<Task<(CriuDriver? Driver, CheckpointCapability Capability)>>> s_detections = new(StringComparer.Ordinal);
    private static int s_stores;

    /// <summary>Detects CRIU and creates the snapshot instances of this invoker. Never throws for an
    /// unusable host: the capability says why.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="log">The invoker's log.</param>
    /// <param name="criuPrefix">A CRIU prefix to use, or null to find one.</param>
    /// <param name="budgetBytes">The image store's budget.</param>
    /// <param name="cancellationToken">Cancels the detection.</param>
    /// <param name="dataDir">The invoker's data folder, whose image store is kept across restarts;
    /// null for a store of this process only (the caller deletes it).</param>
    public static async Task<SnapshotInstances> StartAsync(TimeProvider time, Action<string> log, string? criuPrefix = null,
        long budgetBytes = DefaultBudgetBytes, CancellationToken cancellationToken = default, string? dataDir = null)
    {
        var detection = s_detections.GetOrAdd(criuPrefix ?? "", _ => new Lazy<Task<(CriuDriver?, CheckpointCapability)>>(
            () => CriuDriver.DetectAsync(CriuLocator.FindCandidates(prefix: criuPrefix), CancellationToken.None)));
        var (driver, capability) = await detection.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        log(capability.Available
            ? $"snapshots: available ({capability.Tool}; {capability.Reason})"
            : $"snapshots: unavailable, instances cold start ({capability.Reason})");
        if (capability.Available && Fgs.Snapshot.Processes.PidNamespaceLauncher.UserSwitchUnavailableReason is { } why)
            log($"snapshots: made and restored as the invoker's user even where instances run as another user ({why})");
        string root;
        if (dataDir is null)
        {
            root = Path.Combine(SnapshotImageStore.DefaultRoot, $"invoker-{Environment.ProcessId}-{Interlocked.Increment(ref s_stores)}");
        }
        else
        {
            dataDir = Path.GetFullPath(dataDir);
            root = StoreRoot(dataDir);
            RemoveAbandonedStores(root);
            Directory.CreateDirectory(root);
            File.WriteAllText(Path.Combine(root, OwnerFile), dataDir);
        }
        var images = new SnapshotImageStore(root, budgetBytes);
        // Restore workers keep their folders under one per data folder, so that what a killed invoker
        // left there (its daemons are killed at start with the other recorded processes) is deleted.
        string? workRoot = null;
        if (dataDir is not null)
        {
            workRoot = Path.Combine(Path.GetTempPath(), "fgs-criu-" + Path.GetFileName(root));
            try
            {
                if (Directory.Exists(workRoot))
                {
                    Directory.Delete(workRoot, recursive: true);
                }
                Directory.CreateDirectory(workRoot);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log($"snapshots: cannot prepare {workRoot} for restore workers, using the temporary folder: {e.Message}");
                workRoot = null;
            }
        }
        // Restores start CRIU ahead of time through the launcher when it is there (see RestoreSlots).
        var checkpointer = driver is null ? null : new CriuDriver(driver.Command)
        {
            SpawnHelper = Instances.Supervisor.SpawnHelperPath,
            LazyPagesSupported = driver.LazyPagesSupported,
            WorkRoot = workRoot,
        };
        return new SnapshotInstances(new SnapshotService(checkpointer, capability, images, new SnapshotRegistry(time)), log, workRoot);
    }

    /// <summary>The image store of <paramref name="dataDir"/> (a full path): a folder under
    /// <see cref="SnapshotImageStore.DefaultRoot"/> named by a short hash of the path.</summary>
    public static string StoreRoot(string dataDir)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDir)))[..16];
        return Path.Combine(SnapshotImageStore.DefaultRoot, hash);
    }

    // The file in a store that names its data folder.
    private const string OwnerFile = "data-folder";

    /// <summary>Deletes the stores beside <paramref name="root"/> that nobody will use again: those
    /// whose data folder no longer exists, and the per-process stores of processes that are gone.</summary>
    private static void RemoveAbandonedStores(string root)
    {
        var parent = Path.GetDirectoryName(root)!;
        if (!Directory.Exists(parent))
        {
            return;
        }
        foreach (var dir in Directory.EnumerateDirectories(parent))
        {
            if (dir == root)
            {
                continue;
            }
            var name = Path.GetFileName(dir);
            var owner = Path.Combine(dir, OwnerFile);
            bool abandoned;
            try
            {
                var parts = name.Split('-');
                abandoned = parts.Length == 3 && parts[0] == "invoker"
                    ? int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}")
                    : File.Exists(owner) && !Directory.Exists(File.ReadAllText(owner).Trim());
                if (abandoned)
                {
                    Directory.Delete(dir, recursive: true);
                    // The restore workers' folder of that data folder too (see StartAsync).
                    var workRoot = Path.Combine(Path.GetTempPath(), "fgs-criu-" + name);
                    if (Directory.Exists(workRoot))
                    {
                        Directory.Delete(workRoot, recursive: true);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
