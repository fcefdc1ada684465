using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>Body of <c>PUT /v2/{project_id}/fgs/functions/{function_urn}/config-max-instance</c>.</summary>
public sealed class UpdateFunctionMaxInstanceConfigRequestBody
{
    /// <summary>Maximum instances: -1 (unlimited) or 0-1000.</summary>
    [JsonPropertyName("max_instance_num")]
    public int? MaxInstanceNum { get; set; }
}
