using Fgs.Snapshot.Images;
using Fgs.Snapshot.Lifecycle;

namespace Fgs.Snapshot;

/// <summary>
/// Makes and restores snapshots of function versions: checkpoints an initialized instance into the
/// image store and records the lifecycle; restores copies, and when a restore cannot happen (no
/// image, unusable host, corrupt image, failed restore) says so and marks the snapshot failed with
/// the reason, so the caller cold starts instead. A failure never costs an invocation.
/// </summary>
public sealed class SnapshotService
{
    private readonly ICheckpointer? _checkpointer;
    private readonly SemaphoreSlim _dumping = new(1, 1);

    /// <summary>Creates the service. <paramref name="checkpointer"/> is null when the host cannot checkpoint.</summary>
    public SnapshotService(ICheckpointer? checkpointer, CheckpointCapability capability, SnapshotImageStore images, SnapshotRegistry registry)
    {
        _checkpointer = capability.Available ? checkpointer : null;
        Capability = capability;
        Images = images;
        Registry = registry;
    }

    /// <summary>What the host supports.</summary>
    public CheckpointCapability Capability { get; }

    /// <summary>The image store.</summary>
    public SnapshotImageStore Images { get; }

    /// <summary>The lifecycle of every snapshot.</summary>
    public SnapshotRegistry Registry { get; }

    /// <summary>
    /// Makes <paramref name="key"/>'s snapshot. <paramref name="prepare"/> starts an instance with
    /// <see cref="Processes.PidNamespaceLauncher"/>, runs its initializer and returns once the runtime
    /// waits for its next event; the instance is then dumped (and killed) within the making limit.
    /// </summary>
    /// <param name="key">The function version.</param>
    /// <param name="prepare">Starts and initializes the instance; returns its namespace init pid and files.</param>
    /// <param name="cancellationToken">Cancels the making.</param>
    /// <param name="identity">The version's code identity: when given, the image gets an
    /// <see cref="ImageManifest"/> (written and fsync'd once the dump has succeeded), so a later run can
    /// use it (<see cref="Recover"/>).</param>
    /// <returns>The final status (ready, failed or unsupported).</returns>
    public async Task<SnapshotStatus> MakeAsync(string key, Func<CancellationToken, Task<PreparedInstance>> prepare, CancellationToken cancellationToken,
        string? identity = null)
    {
        if (_checkpointer is null)
        {
            Registry.MarkUnsupported(key, Capability.Reason);
            return Registry.Get(key)!;
        }
        if (Registry.TryBeginMaking(key) is not { } limit)
            return Registry.Get(key)!;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit, cancellationToken);
        string? directory = null;
        PreparedInstance? instance = null;
        try
        {
            instance = await prepare(linked.Token).ConfigureAwait(false);
            directory = Images.PrepareDirectory(key);
            SnapshotImage image;
            // One dump at a time: two criu dumps at once collide ("Can't create a directory (-17)"
            // while the parasite dumps /proc/self/cgroup), so versions published together queue here.
            await _dumping.WaitAsync(linked.Token).ConfigureAwait(false);
            try
            {
                image = await _checkpointer.DumpAsync(instance.RootPid, directory, new DumpOptions(), linked.Token).ConfigureAwait(false);
            }
            finally
            {
                _dumping.Release();
            }
            image = image with { AddressFile = instance.AddressFile, OutputFile = instance.OutputFile };
            if (identity is not null)
            {
                new ImageManifest(key, identity, image.SizeBytes, Registry.Now, image.CheckpointTime, image.AddressFile, image.OutputFile)
                    .Write(directory);
            }
            if (!Images.TryAdd(key, image, out _))
            {
                Registry.MarkFailed(key, $"image of {image.SizeBytes} bytes is over the store's budget of {Images.BudgetBytes} bytes");
            }
            else if (!Registry.MarkReady(key, image))
            {
                Images.Remove(key);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            Registry.MarkFailed(key, $"making took longer than {Registry.MakingLimit.TotalMinutes:0.#} minutes");
        }
#pragma warning disable CA1031 // Any failure of making (the initializer, the dump) is recorded as the snapshot's reason.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            Registry.MarkFailed(key, e is CheckpointException ? e.Message : $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (instance is not null)
                Processes.PidNamespaceLauncher.KillNamespace(instance.RootPid);
            if (directory is not null && Registry.Get(key)?.State != SnapshotState.Ready)
            {
                try
                {
                    if (Directory.Exists(directory))
                        Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
        return Registry.Get(key) ?? new SnapshotStatus(key, SnapshotState.Failed, "removed while making", null, DateTimeOffset.MinValue);
    }

    /// <summary>
    /// Takes in the images an earlier run left in the store: each one whose manifest names a key of
    /// <paramref name="identities"/> with the same identity becomes ready again without a new dump;
    /// every other image is deleted. Does nothing on a host that cannot checkpoint.
    /// </summary>
    /// <param name="identities">The versions that should have a snapshot, with their code identity.</param>
    /// <returns>The keys now ready.</returns>
    public IReadOnlyList<string> Recover(IReadOnlyDictionary<string, string> identities)
    {
        if (_checkpointer is null)
            return [];
        var kept = Images.Recover(m => identities.TryGetValue(m.Key, out var identity) && identity == m.Identity);
        var ready = new List<string>();
        foreach (var (key, image) in kept)
        {
            if (Registry.MarkRecovered(key, image))
                ready.Add(key);
        }
        return ready;
    }

    /// <summary>
    /// Restores a copy of <paramref name="key"/>'s snapshot with its own runtime API address file
    /// and output file. Returns the outcome: the restored root, or why the caller must cold start
    /// (and when the image failed, the snapshot is now marked failed with that reason and its image deleted).
    /// </summary>
    public async Task<RestoreOutcome> TryRestoreAsync(string key, string addressFile, string outputFile, CancellationToken cancellationToken,
        IRestoreWorker? worker = null, bool? lazyPages = null)
    {
        if (_checkpointer is null)
            return RestoreOutcome.ColdStart("checkpointing unsupported: " + Capability.Reason);
        var status = Registry.Get(key);
        if (status is not { State: SnapshotState.Ready })
            return RestoreOutcome.ColdStart(status is null ? "no snapshot" : $"snapshot {status.State.ToString().ToLowerInvariant()}");
        if (!Images.TryGet(key, out var image) || !Directory.Exists(image.Directory))
            return Fail(key, "image missing (evicted or deleted)");
        if (image.AddressFile is null || image.OutputFile is null)
            return Fail(key, "image lacks its instance files");
        try
        {
            var restored = await _checkpointer.RestoreAsync(image, new RestoreOptions
            {
                Files =
                [
                    new InheritedFile(image.AddressFile, addressFile, Write: false),
                    new InheritedFile(image.OutputFile, outputFile, Write: true),
                ],
                Worker = worker is { IsSpent: false } ? worker : null,
                LazyPages = lazyPages,
            }, cancellationToken).ConfigureAwait(false);
            // criu exits 0 once the copy runs; a copy killed at once (a restored parent-death
            // signal, a crash on the first instruction) is a failed restore, not a copy to use.
            if (!Processes.PidNamespaceLauncher.IsAlive(restored.Pid))
                return Fail(key, $"criu restore exited 0 but the restored process {restored.Pid} died at once");
            return RestoreOutcome.Restored(restored);
        }
        catch (CheckpointException e)
        {
            return Fail(key, e.Message);
        }
    }

    /// <summary>Starts the checkpoint tool ahead of a restore with a copy's address file (read) and
    /// output file (appended) already open; pass it to <see cref="TryRestoreAsync"/>. Null when the
    /// checkpointer cannot (the restore then starts the tool itself).</summary>
    /// <exception cref="CheckpointException">The worker failed to start.</exception>
    public Task<IRestoreWorker?> StartRestoreWorkerAsync(string addressFile, string outputFile, CancellationToken cancellationToken) =>
        _checkpointer is null
            ? Task.FromResult<IRestoreWorker?>(null)
            : _checkpointer.StartRestoreWorkerAsync(
                [new PreparedFile(addressFile, Write: false), new PreparedFile(outputFile, Write: true)], cancellationToken);

    /// <summary>Whether a worker can be prepared for one snapshot's image (<see cref="PrepareWorkerAsync"/>).</summary>
    public bool CanPrepareWorkers => _checkpointer is { CanPrepareWorkers: true };

    /// <summary>Prepares <paramref name="worker"/> for a restore of <paramref name="key"/>'s image.</summary>
    /// <exception cref="CheckpointException">The preparation failed.</exception>
    public Task PrepareWorkerAsync(IRestoreWorker worker, string key, CancellationToken cancellationToken) =>
        _checkpointer is not null && Images.TryGet(key, out var image)
            ? _checkpointer.PrepareWorkerAsync(worker, image, cancellationToken)
            : Task.CompletedTask;

    private RestoreOutcome Fail(string key, string reason)
    {
        Registry.MarkFailed(key, reason);
        Images.Remove(key);
        return RestoreOutcome.ColdStart(reason);
    }
}
