namespace Fgs.Snapshot;

/// <summary>
/// Checkpoints an initialized instance process tree into an image and restores copies of it:
/// the seam between the scheduler and a checkpoint tool (CRIU, driven through its command line).
/// </summary>
public interface ICheckpointer
{
    /// <summary>Checks what the host supports (kernel features, tool version).</summary>
    Task<CheckpointCapability> CheckAsync(CancellationToken cancellationToken);

    /// <summary>Dumps the process tree rooted at <paramref name="rootPid"/> into <paramref name="imageDirectory"/>
    /// (the tree is left stopped or killed, per <paramref name="leaveRunning"/>).</summary>
    Task<SnapshotImage> DumpAsync(int rootPid, string imageDirectory, bool leaveRunning, CancellationToken cancellationToken);

    /// <summary>Restores one copy of <paramref name="image"/>; returns the restored root's process id.</summary>
    Task<int> RestoreAsync(SnapshotImage image, CancellationToken cancellationToken);
}
