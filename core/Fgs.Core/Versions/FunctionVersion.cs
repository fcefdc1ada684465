using System.Text.Json.Serialization;
using Fgs.Core.Functions;

namespace Fgs.Core.Versions;

/// <summary>
/// A published version as the store persists it: a frozen copy of <c>latest</c>'s definition at
/// publication (code digest and configuration), with <see cref="FunctionDefinition.Version"/> set to
/// the version's name, plus the version's own description and publication time.
/// </summary>
public sealed record FunctionVersion
{
    /// <summary>The frozen definition; its <see cref="FunctionDefinition.Version"/> is the version name.</summary>
    [JsonPropertyName("function")]
    public required FunctionDefinition Definition { get; init; }

    /// <summary>The description given at publication (empty when none).</summary>
    [JsonPropertyName("version_description")]
    public string Description { get; init; } = string.Empty;

    /// <summary>When the version was published.</summary>
    [JsonPropertyName("published")]
    public DateTimeOffset Published { get; init; }

    /// <summary>The version's name.</summary>
    [JsonIgnore]
    public string Name => Definition.Version;
}
