using System.Text.Json.Serialization;

namespace Fgs.Core.Snapshots;

/// <summary>A function's snapshot setting as stored beside it (<c>snapshot.json</c>).</summary>
public sealed class SnapshotSettings
{
    /// <summary>Whether versions published from now on are snapshotted and cold start by restoring.</summary>
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>The versions published while snapshots were enabled, oldest first: each has a
    /// snapshot, which a restarted invoker takes up again (or makes again when its image is gone).</summary>
    [JsonPropertyName("versions")]
    public List<string> Versions { get; set; } = [];

    /// <summary>Versions whose snapshot could not be made, with the code it was made from and why. A
    /// restarted invoker does not make them again while the code is the same: publishing the version
    /// again, or enabling snapshots again, clears the entry.</summary>
    [JsonPropertyName("failed")]
    public Dictionary<string, FailedSnapshot> Failed { get; set; } = [];
}

/// <summary>A snapshot that could not be made.</summary>
public sealed class FailedSnapshot
{
    /// <summary>The code identity of the version it was made from.</summary>
    [JsonPropertyName("identity")]
    public string Identity { get; set; } = "";

    /// <summary>Why it failed.</summary>
    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";
}
