using System.Text.Json.Serialization;
using Fgs.Core.Functions;

namespace Fgs.Core.Versions;

/// <summary>Response of <c>POST /v2/{project_id}/fgs/functions/{function_urn}/versions</c> (the
/// SDK's <c>CreateFunctionVersionResponse</c>): the published version's configuration, its
/// <c>func_urn</c> qualified with the version.</summary>
public sealed class CreateFunctionVersionResponse : FunctionConfigView
{
    /// <summary>The description given when the version was published.</summary>
    [JsonPropertyName("version_description")]
    public string? VersionDescription { get; set; }
}
