using System.Text.Json.Serialization;
using Fgs.Core.Functions;

namespace Fgs.Core.Versions;

/// <summary>One version in <see cref="ListFunctionVersionsResponse.Versions"/> (the SDK's
/// <c>ListFunctionVersionResult</c>): the version's frozen configuration, its <c>func_urn</c>
/// qualified with the version.</summary>
public sealed class ListFunctionVersionResult : FunctionConfigView
{
    /// <summary>The description given when the version was published (absent for <c>latest</c>).</summary>
    [JsonPropertyName("version_description")]
    public string? VersionDescription { get; set; }
}
