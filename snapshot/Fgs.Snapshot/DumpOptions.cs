namespace Fgs.Snapshot;

/// <summary>How a process tree is dumped.</summary>
public sealed record DumpOptions
{
    /// <summary>Leave the tree running after the dump (otherwise CRIU kills it).</summary>
    public bool LeaveRunning { get; init; }

    /// <summary>The tree shares a session or terminal with its parent (<c>--shell-job</c>). Instances
    /// started with setsid lead their own session and do not need it.</summary>
    public bool ShellJob { get; init; }

    /// <summary>Dump established TCP connections as closed (<c>--tcp-close</c>): the runtime API
    /// connection a runtime waits on at the checkpoint is not restored, so the runtime reconnects.</summary>
    public bool TcpClose { get; init; } = true;
}
