using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>File-system mounts of a function (<c>mount_config</c>); accepted for SDK compatibility, not applied.</summary>
public sealed class MountConfig
{
    /// <summary>The user the mounts are accessed as.</summary>
    [JsonPropertyName("mount_user")]
    public MountUser? MountUser { get; set; }

    /// <summary>The mounts.</summary>
    [JsonPropertyName("func_mounts")]
    public List<FuncMount>? FuncMounts { get; set; }
}
