using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>Body of <c>PUT /v2/{project_id}/fgs/functions/{function_urn}/code</c>, every field of the SDK's <c>UpdateFunctionCodeRequestBody</c>.</summary>
public sealed class UpdateFunctionCodeRequestBody
{
    /// <summary>Code type: <c>inline</c> or <c>zip</c> (<c>obs</c>, <c>jar</c>, <c>Custom-Image-Swr</c> are rejected).</summary>
    [JsonPropertyName("code_type")]
    public string? CodeType { get; set; }

    /// <summary>Object-storage address of the code (code_type obs; not supported).</summary>
    [JsonPropertyName("code_url")]
    public string? CodeUrl { get; set; }

    /// <summary>File name of the code package.</summary>
    [JsonPropertyName("code_filename")]
    public string? CodeFilename { get; set; }

    /// <summary>The code: base64 in <c>file</c>.</summary>
    [JsonPropertyName("func_code")]
    public FuncCode? FuncCode { get; set; }

    /// <summary>Dependency version ids (dependencies are not supported; ignored).</summary>
    [JsonPropertyName("depend_version_list")]
    public List<string>? DependVersionList { get; set; }

    /// <summary>KMS key for the code (accepted, not applied).</summary>
    [JsonPropertyName("code_encrypt_kms_key_id")]
    public string? CodeEncryptKmsKeyId { get; set; }
}
