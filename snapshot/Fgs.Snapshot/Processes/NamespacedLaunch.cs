namespace Fgs.Snapshot.Processes;

/// <summary>What to start as a snapshot-capable instance.</summary>
public sealed record NamespacedLaunch
{
    /// <summary>The program (the code package's bootstrap).</summary>
    public required string FileName { get; init; }

    /// <summary>Its arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The whole environment of the instance.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The working directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The file holding the runtime API address (<c>HOST:PORT</c>), opened as fd 3.</summary>
    public required string AddressFile { get; init; }

    /// <summary>The file stdout and stderr are appended to.</summary>
    public required string OutputFile { get; init; }

    /// <summary>The user id the instance runs as (null: the caller's own). Set together with
    /// <see cref="GroupId"/>; CRIU restores a process with the credentials it had at the checkpoint,
    /// so restored copies run as this user too.</summary>
    public int? UserId { get; init; }

    /// <summary>The group id the instance runs as, with no supplementary groups (null: the caller's own).</summary>
    public int? GroupId { get; init; }
}
