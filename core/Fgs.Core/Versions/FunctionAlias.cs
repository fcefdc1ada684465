using System.Text.Json.Serialization;

namespace Fgs.Core.Versions;

/// <summary>
/// An alias as the store persists it: a name that points at one version (<c>latest</c> or a
/// published one) and, optionally, at one additional published version (a canary) that takes a
/// share of the requests, either by <see cref="AdditionalWeight"/> or by the header rules of
/// <see cref="AdditionalStrategy"/>, never both. Build it with <see cref="VersionValidator"/>.
/// </summary>
public sealed record FunctionAlias
{
    /// <summary>The alias name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The version requests go to (unless the additional version takes them).</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>Description (empty when none).</summary>
    [JsonPropertyName("description")]
    public string Description { get; init; } = string.Empty;

    /// <summary>When the alias was created or last updated.</summary>
    [JsonPropertyName("last_modified")]
    public DateTimeOffset LastModified { get; init; }

    /// <summary>The additional (canary) version, or null. Never <c>latest</c>, never <see cref="Version"/>.</summary>
    [JsonPropertyName("additional_version")]
    public string? AdditionalVersion { get; init; }

    /// <summary>Percent of the requests (0-100) that go to <see cref="AdditionalVersion"/>; set
    /// when the canary is chosen by weight.</summary>
    [JsonPropertyName("additional_weight")]
    public int? AdditionalWeight { get; init; }

    /// <summary>The header rules that send a request to <see cref="AdditionalVersion"/>; set when
    /// the canary is chosen by rules (normalized: lower-case rule types, ops and combine type).</summary>
    [JsonPropertyName("additional_strategy")]
    public VersionStrategy? AdditionalStrategy { get; init; }

    /// <summary>True when the alias names <paramref name="version"/> as its version or its additional version.</summary>
    public bool Targets(string version) => Version == version || AdditionalVersion == version;
}
