namespace Fgs.Snapshot;

/// <summary>
/// Checkpoints an initialized instance process tree into an image and restores copies of it:
/// the seam between the scheduler and a checkpoint tool (CRIU, driven through its command line).
/// </summary>
public interface ICheckpointer
{
    /// <summary>Checks what the host supports (kernel features, tool version).</summary>
    Task<CheckpointCapability> CheckAsync(CancellationToken cancellationToken);

    /// <summary>Dumps the process tree rooted at <paramref name="rootPid"/> into <paramref name="imageDirectory"/>.
    /// Throws <see cref="CheckpointException"/> with the tool's errors when the dump fails.</summary>
    Task<SnapshotImage> DumpAsync(int rootPid, string imageDirectory, DumpOptions options, CancellationToken cancellationToken);

    /// <summary>Restores one copy of <paramref name="image"/> in a fresh PID namespace.
    /// Throws <see cref="CheckpointException"/> with the tool's errors when the restore fails.</summary>
    Task<RestoredProcess> RestoreAsync(SnapshotImage image, RestoreOptions options, CancellationToken cancellationToken);

    /// <summary>Starts the tool ahead of one restore with <paramref name="files"/> already open, so
    /// the restore itself does not pay for starting it. Null when this checkpointer cannot (then
    /// <see cref="RestoreAsync"/> starts the tool itself).</summary>
    Task<IRestoreWorker?> StartRestoreWorkerAsync(IReadOnlyList<PreparedFile> files, CancellationToken cancellationToken);

    /// <summary>Whether a restore of <paramref name="image"/> through a worker leaves its memory to be filled lazily.</summary>
    bool RestoresLazily(SnapshotImage image);

    /// <summary>Prepares <paramref name="worker"/> for a restore of <paramref name="image"/> (starts the
    /// helper that will fill the copy's memory lazily); nothing to do where that is unsupported.</summary>
    Task PrepareWorkerAsync(IRestoreWorker worker, SnapshotImage image, CancellationToken cancellationToken);

    /// <summary>Whether <see cref="PrepareWorkerAsync"/> does anything here.</summary>
    bool CanPrepareWorkers { get; }
}
