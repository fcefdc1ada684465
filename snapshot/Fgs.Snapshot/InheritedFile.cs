namespace Fgs.Snapshot;

/// <summary>A file a restored copy gets in place of one it had open at the checkpoint
/// (CRIU <c>--inherit-fd</c>).</summary>
/// <param name="CheckpointPath">The absolute path the dumped process had open.</param>
/// <param name="Path">The file the copy gets instead (opened for reading, or for appending when <paramref name="Write"/>).</param>
/// <param name="Write">Open <paramref name="Path"/> for appending rather than reading.</param>
public sealed record InheritedFile(string CheckpointPath, string Path, bool Write);
