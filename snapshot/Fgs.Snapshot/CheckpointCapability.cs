namespace Fgs.Snapshot;

/// <summary>Whether this host can checkpoint and restore processes, and why not when it cannot
/// (reported at start; a host without it falls back to normal cold starts).</summary>
/// <param name="Available">True when checkpoint/restore works here.</param>
/// <param name="Tool">The checkpoint tool used (a CRIU command line and its version), or null.</param>
/// <param name="Reason">Why it is unavailable, or what the check said.</param>
public sealed record CheckpointCapability(bool Available, string? Tool, string Reason);
