using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>Log group and stream of a function (<c>log_config</c>); accepted for SDK compatibility, not applied.</summary>
public sealed class FuncLogConfig
{
    /// <summary>Log group name.</summary>
    [JsonPropertyName("group_name")]
    public string? GroupName { get; set; }

    /// <summary>Log group id.</summary>
    [JsonPropertyName("group_id")]
    public string? GroupId { get; set; }

    /// <summary>Log stream name.</summary>
    [JsonPropertyName("stream_name")]
    public string? StreamName { get; set; }

    /// <summary>Log stream id.</summary>
    [JsonPropertyName("stream_id")]
    public string? StreamId { get; set; }
}
