using System.Text.Json.Serialization;

namespace Fgs.Core.Versions;

/// <summary>Body of <c>PUT /v2/{project_id}/fgs/functions/{function_urn}/aliases/{alias_name}</c>
/// (the SDK's <c>UpdateVersionAliasRequestBody</c>). A field left out keeps its value; giving
/// either additional-version field replaces the alias's additional version (an empty object
/// removes it).</summary>
public sealed class UpdateVersionAliasRequestBody
{
    /// <summary>The version the alias points at: <c>latest</c> or a published version.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    /// <summary>Description, at most 512 characters.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; set; }

    /// <summary>At most one entry: an additional published version and the percentage (0-100) of
    /// requests it takes.</summary>
    [JsonPropertyName("additional_version_weights")]
    public Dictionary<string, int>? AdditionalVersionWeights { get; set; }

    /// <summary>At most one entry: an additional published version and the header rules that send
    /// a request to it. Not together with <see cref="AdditionalVersionWeights"/>.</summary>
    [JsonPropertyName("additional_version_strategy")]
    public Dictionary<string, VersionStrategy>? AdditionalVersionStrategy { get; set; }
}
