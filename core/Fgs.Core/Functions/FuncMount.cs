using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>One file-system mount (<c>func_mounts</c> item); accepted for SDK compatibility, not applied.</summary>
public sealed class FuncMount
{
    /// <summary>Mount type (sfs, sfsTurbo, ecs).</summary>
    [JsonPropertyName("mount_type")]
    public string? MountType { get; set; }

    /// <summary>Id of the mounted resource.</summary>
    [JsonPropertyName("mount_resource")]
    public string? MountResource { get; set; }

    /// <summary>Remote path.</summary>
    [JsonPropertyName("mount_share_path")]
    public string? MountSharePath { get; set; }

    /// <summary>Path inside the instance.</summary>
    [JsonPropertyName("local_mount_path")]
    public string? LocalMountPath { get; set; }
}
