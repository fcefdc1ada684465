using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>A dependency package (<c>dependencies</c> item); dependencies are not supported, never filled.</summary>
public sealed class Dependency
{
    /// <summary>Dependency id.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary>Owner.</summary>
    [JsonPropertyName("owner")]
    public string? Owner { get; set; }

    /// <summary>Download link.</summary>
    [JsonPropertyName("link")]
    public string? Link { get; set; }

    /// <summary>Runtime.</summary>
    [JsonPropertyName("runtime")]
    public string? Runtime { get; set; }

    /// <summary>Checksum.</summary>
    [JsonPropertyName("etag")]
    public string? Etag { get; set; }

    /// <summary>Size, bytes.</summary>
    [JsonPropertyName("size")]
    public long? Size { get; set; }

    /// <summary>Name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Description.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; set; }

    /// <summary>File name.</summary>
    [JsonPropertyName("file_name")]
    public string? FileName { get; set; }

    /// <summary>Version.</summary>
    [JsonPropertyName("version")]
    public long? Version { get; set; }

    /// <summary>Dependency id.</summary>
    [JsonPropertyName("dep_id")]
    public string? DepId { get; set; }

    /// <summary>Last modified, ms since the epoch.</summary>
    [JsonPropertyName("last_modified")]
    public long? LastModified { get; set; }
}
