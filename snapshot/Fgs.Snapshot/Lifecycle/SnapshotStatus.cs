namespace Fgs.Snapshot.Lifecycle;

/// <summary>A function version's snapshot as last recorded.</summary>
/// <param name="Key">The function version.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Reason">Why it failed or is unsupported; null otherwise.</param>
/// <param name="Image">The image when ready.</param>
/// <param name="Since">When it entered <paramref name="State"/>.</param>
public sealed record SnapshotStatus(string Key, SnapshotState State, string? Reason, SnapshotImage? Image, DateTimeOffset Since);
