namespace Fgs.Snapshot;

/// <summary>A checkpoint image on disk, made from one function version's initialized instance.</summary>
/// <param name="Directory">Where the image files are.</param>
/// <param name="SizeBytes">Total size of the image files.</param>
/// <param name="CheckpointTime">How long the dump took.</param>
public sealed record SnapshotImage(string Directory, long SizeBytes, TimeSpan CheckpointTime);
