namespace Fgs.Snapshot;

/// <summary>A file a restore worker opens in advance for the copy it will restore.</summary>
/// <param name="Path">The file.</param>
/// <param name="Write">Open it for appending (created when missing) rather than for reading.</param>
public sealed record PreparedFile(string Path, bool Write);
