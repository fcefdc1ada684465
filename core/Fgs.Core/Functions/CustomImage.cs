using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>Container image settings (<c>custom_image</c>); image functions are not supported by this platform.</summary>
public sealed class CustomImage
{
    /// <summary>Whether the image is used.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>Image address.</summary>
    [JsonPropertyName("image")]
    public string? Image { get; set; }

    /// <summary>Start command.</summary>
    [JsonPropertyName("command")]
    public string? Command { get; set; }

    /// <summary>Start arguments.</summary>
    [JsonPropertyName("args")]
    public string? Args { get; set; }

    /// <summary>Working directory.</summary>
    [JsonPropertyName("working_dir")]
    public string? WorkingDir { get; set; }

    /// <summary>User id.</summary>
    [JsonPropertyName("uid")]
    public string? Uid { get; set; }

    /// <summary>Group id.</summary>
    [JsonPropertyName("gid")]
    public string? Gid { get; set; }

    /// <summary>Whether the image is public.</summary>
    [JsonPropertyName("is_public")]
    public bool? IsPublic { get; set; }
}
