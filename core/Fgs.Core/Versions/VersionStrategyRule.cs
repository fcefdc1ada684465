using System.Text.Json.Serialization;

namespace Fgs.Core.Versions;

/// <summary>One rule of a <see cref="VersionStrategy"/> (the SDK's <c>VersionStrategyRules</c>):
/// the request's header (or cookie) <see cref="Param"/> compared with <see cref="Value"/>.</summary>
public sealed class VersionStrategyRule
{
    /// <summary><c>header</c> (a request header) or <c>cookie</c> (a cookie of the <c>Cookie</c>
    /// header); matched case-insensitively, stored lower-case.</summary>
    [JsonPropertyName("rule_type")]
    public string? RuleType { get; set; }

    /// <summary>The header or cookie name.</summary>
    [JsonPropertyName("param")]
    public string? Param { get; set; }

    /// <summary><c>=</c> (the value equals <see cref="Value"/>) or <c>in</c> (the value is one of
    /// the comma-separated items of <see cref="Value"/>).</summary>
    [JsonPropertyName("op")]
    public string? Op { get; set; }

    /// <summary>The value, or for <c>in</c> a comma-separated list of values.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; set; }
}
