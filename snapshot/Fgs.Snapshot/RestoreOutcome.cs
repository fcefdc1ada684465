namespace Fgs.Snapshot;

/// <summary>A restored copy, or why the caller must cold start instead.</summary>
/// <param name="Process">The restored copy, or null.</param>
/// <param name="ColdStartReason">Why there is no copy, or null.</param>
public sealed record RestoreOutcome(RestoredProcess? Process, string? ColdStartReason)
{
    /// <summary>A copy was restored.</summary>
    public static RestoreOutcome Restored(RestoredProcess process) => new(process, null);

    /// <summary>No copy: cold start, for <paramref name="reason"/>.</summary>
    public static RestoreOutcome ColdStart(string reason) => new(null, reason);
}
