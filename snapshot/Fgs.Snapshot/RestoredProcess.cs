namespace Fgs.Snapshot;

/// <summary>A restored copy: the host process id of its root (the init of its own PID namespace).</summary>
/// <param name="Pid">The root's process id as the host sees it.</param>
/// <param name="Elapsed">How long the restore command took.</param>
public sealed record RestoredProcess(int Pid, TimeSpan Elapsed)
{
    /// <summary>Whether the copy's memory is filled lazily (on first touch and in the background by a
    /// <c>criu lazy-pages</c> daemon) rather than before it ran.</summary>
    public bool LazyPages { get; init; }
}
