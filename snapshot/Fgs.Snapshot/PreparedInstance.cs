namespace Fgs.Snapshot;

/// <summary>An initialized instance ready to be dumped: its runtime waits for its next event.</summary>
/// <param name="RootPid">The host pid of its namespace init.</param>
/// <param name="AddressFile">Its runtime API address file (fd 3).</param>
/// <param name="OutputFile">Its output file (stdout and stderr).</param>
public sealed record PreparedInstance(int RootPid, string AddressFile, string OutputFile);
