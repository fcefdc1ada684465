using System.Text.Json.Serialization;

namespace Fgs.Core.Versions;

/// <summary>The header rules that send a request to an alias's additional version (the SDK's
/// <c>VersionStrategy</c>).</summary>
public sealed class VersionStrategy
{
    /// <summary><c>and</c>: every rule must match; <c>or</c>: one rule is enough. Default <c>and</c>.</summary>
    [JsonPropertyName("combine_type")]
    public string? CombineType { get; set; }

    /// <summary>The rules, at least one.</summary>
    [JsonPropertyName("rules")]
    public List<VersionStrategyRule>? Rules { get; set; }
}
