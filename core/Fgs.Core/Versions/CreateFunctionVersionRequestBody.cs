using System.Text.Json.Serialization;

namespace Fgs.Core.Versions;

/// <summary>
/// Body of <c>POST /v2/{project_id}/fgs/functions/{function_urn}/versions</c>, which publishes
/// <c>latest</c> as a new version (the SDK's <c>CreateFunctionVersionRequestBody</c>, formerly
/// <c>PublishFunctionVersionRequestBody</c>). Every field is optional.
/// </summary>
public sealed class CreateFunctionVersionRequestBody
{
    /// <summary>When given, the SHA-512 digest <c>latest</c>'s code must still have (guards against
    /// publishing code that changed after the caller read it).</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; set; }

    /// <summary>The version name: 1-42 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>; default
    /// <c>vYYYYMMDD-HHMMSS</c> (UTC, the publication time).</summary>
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    /// <summary>The version's description, at most 512 characters.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; set; }
}
