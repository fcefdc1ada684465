using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>The user a file-system mount is accessed as (<c>mount_user</c>).</summary>
public sealed class MountUser
{
    /// <summary>User id.</summary>
    [JsonPropertyName("user_id")]
    public int? UserId { get; set; }

    /// <summary>Group id.</summary>
    [JsonPropertyName("user_group_id")]
    public int? UserGroupId { get; set; }
}
