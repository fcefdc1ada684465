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
}
