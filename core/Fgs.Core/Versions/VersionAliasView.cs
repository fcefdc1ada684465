using System.Text.Json.Serialization;

namespace Fgs.Core.Versions;

/// <summary>An alias as the SDK's alias responses carry it (<c>CreateVersionAliasResponse</c>,
/// <c>ShowVersionAliasResponse</c>, <c>UpdateVersionAliasResponse</c>, <c>ListVersionAliasResult</c>);
/// null fields are left out of the JSON. Fill it with <see cref="VersionMapper.ToAliasView{T}"/>.</summary>
public class VersionAliasView
{
    /// <summary>The alias name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The version the alias points at.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    /// <summary>Description.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; set; }

    /// <summary>When the alias was created or last updated.</summary>
    [JsonPropertyName("last_modified")]
    public DateTimeOffset? LastModified { get; set; }

    /// <summary>The alias URN: <c>urn:fss:{region}:{project_id}:function:{package}:{name}:!{alias}</c>.</summary>
    [JsonPropertyName("alias_urn")]
    public string? AliasUrn { get; set; }

    /// <summary>The additional version and its weight, when the canary is chosen by weight.</summary>
    [JsonPropertyName("additional_version_weights")]
    public Dictionary<string, int>? AdditionalVersionWeights { get; set; }

    /// <summary>The additional version and its rules, when the canary is chosen by header rules.</summary>
    [JsonPropertyName("additional_version_strategy")]
    public Dictionary<string, VersionStrategy>? AdditionalVersionStrategy { get; set; }
}
