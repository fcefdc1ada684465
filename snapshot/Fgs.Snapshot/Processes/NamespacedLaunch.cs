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
}
