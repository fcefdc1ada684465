namespace Fgs.Snapshot;

/// <summary>A restored copy: the host process id of its root (the init of its own PID namespace).</summary>
/// <param name="Pid">The root's process id as the host sees it.</param>
/// <param name="Elapsed">How long the restore command took.</param>
public sealed record RestoredProcess(int Pid, TimeSpan Elapsed)
{
    /// <summary>Whether the copy's memory is filled lazily (on first touch and in the background by a
    /// <c>criu lazy-pages</c> daemon) rather than before it ran.</summary>
    public bool LazyPages { get; init; }

    /// <summary>With lazy pages: the daemon's exit code once it has finished (0 when every page was
    /// copied, or the copy exited first). Any other code means pages may be missing: the copy must
    /// not be used any more.</summary>
    public Task<int>? LazyPagesDone { get; init; }
}
