using System.Text.Json.Serialization;

namespace Fgs.Core.Versions;

/// <summary>Body of <c>POST /v2/{project_id}/fgs/functions/{function_urn}/aliases</c> (the SDK's
/// <c>CreateVersionAliasRequestBody</c>).</summary>
public sealed class CreateVersionAliasRequestBody
{
    /// <summary>The alias name: 1-63 letters, digits, <c>_</c> or <c>-</c>, starting with a letter.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

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
