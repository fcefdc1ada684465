namespace Fgs.Snapshot;

/// <summary>How one copy is restored.</summary>
public sealed record RestoreOptions
{
    /// <summary>Files the copy gets in place of the files it had open at the checkpoint (its own
    /// runtime API address file, its own output files).</summary>
    public IReadOnlyList<InheritedFile> Files { get; init; } = [];

    /// <summary>Where CRIU writes the restored root's process id; a fresh file in the image's
    /// work folder when null.</summary>
    public string? PidFile { get; init; }

    /// <summary>Where CRIU writes its restore log; next to the pid file when null. Unused with a
    /// <see cref="Worker"/> (its log goes into the image folder and is deleted after a success).</summary>
    public string? LogFile { get; init; }

    /// <summary>A worker started in advance with the files of <see cref="Files"/> (same paths, same
    /// order) already open, or null to start the tool now.</summary>
    public IRestoreWorker? Worker { get; init; }

    /// <summary>Leave the copy's anonymous memory to a lazy-pages daemon (only with a <see cref="Worker"/>;
    /// null lets the checkpointer decide by the image's size).</summary>
    public bool? LazyPages { get; init; }

    /// <summary>How long the restore may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}
