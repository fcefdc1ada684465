using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>Body of <c>POST /v2/{project_id}/fgs/functions</c>, every field of the SDK's <c>CreateFunctionRequestBody</c>.</summary>
public sealed class CreateFunctionRequestBody
{
    /// <summary>Function name: 1-60 letters, digits, '_' or '-', starting with a letter, ending with a letter or digit.</summary>
    [JsonPropertyName("func_name")]
    public string? FuncName { get; set; }

    /// <summary>Package (function app); <c>default</c> when omitted.</summary>
    [JsonPropertyName("package")]
    public string? Package { get; set; }

    /// <summary>Runtime, one of the SDK's runtime names (see <see cref="FunctionRuntimes"/>).</summary>
    [JsonPropertyName("runtime")]
    public string? Runtime { get; set; }

    /// <summary>Timeout, seconds: 3-259200.</summary>
    [JsonPropertyName("timeout")]
    public int? Timeout { get; set; }

    /// <summary>Handler: <c>bootstrap</c> for Custom/http, <c>file.function</c> for Node.js/Python/PHP, <c>pkg.Class.method</c> for Java.</summary>
    [JsonPropertyName("handler")]
    public string? Handler { get; set; }

    /// <summary>Dependency version ids (dependencies are not supported; ignored).</summary>
    [JsonPropertyName("depend_version_list")]
    public List<string>? DependVersionList { get; set; }

    /// <summary>VPC settings (accepted, not applied).</summary>
    [JsonPropertyName("func_vpc")]
    public FuncVpc? FuncVpc { get; set; }

    /// <summary>Memory, MB: one of <see cref="FunctionLimits.MemorySizes"/>.</summary>
    [JsonPropertyName("memory_size")]
    public int? MemorySize { get; set; }

    /// <summary>GPU memory, MB: 1024-16384 in steps of 1024 (Custom and http runtimes only).</summary>
    [JsonPropertyName("gpu_memory")]
    public int? GpuMemory { get; set; }

    /// <summary>GPU type.</summary>
    [JsonPropertyName("gpu_type")]
    public string? GpuType { get; set; }

    /// <summary>Code type: <c>inline</c> or <c>zip</c> (<c>obs</c>, <c>jar</c>, <c>Custom-Image-Swr</c> are rejected).</summary>
    [JsonPropertyName("code_type")]
    public string? CodeType { get; set; }

    /// <summary>Object-storage address of the code (code_type obs; not supported).</summary>
    [JsonPropertyName("code_url")]
    public string? CodeUrl { get; set; }

    /// <summary>File name of the code package.</summary>
    [JsonPropertyName("code_filename")]
    public string? CodeFilename { get; set; }

    /// <summary>Container image settings (not supported).</summary>
    [JsonPropertyName("custom_image")]
    public CustomImage? CustomImage { get; set; }

    /// <summary>Environment variables: a JSON object of string values, as a string, e.g. <c>{"k":"v"}</c>.</summary>
    [JsonPropertyName("user_data")]
    public string? UserData { get; set; }

    /// <summary>Encrypted environment variables: same format as <c>user_data</c>.</summary>
    [JsonPropertyName("encrypted_user_data")]
    public string? EncryptedUserData { get; set; }

    /// <summary>Agency used to configure the function.</summary>
    [JsonPropertyName("xrole")]
    public string? Xrole { get; set; }

    /// <summary>Agency used to execute the function.</summary>
    [JsonPropertyName("app_xrole")]
    public string? AppXrole { get; set; }

    /// <summary>Description: at most 512 characters.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; set; }

    /// <summary>The code: base64 in <c>file</c>.</summary>
    [JsonPropertyName("func_code")]
    public FuncCode? FuncCode { get; set; }

    /// <summary>File-system mounts (accepted, not applied).</summary>
    [JsonPropertyName("mount_config")]
    public MountConfig? MountConfig { get; set; }

    /// <summary>Initializer handler; same shape as <c>handler</c>.</summary>
    [JsonPropertyName("initializer_handler")]
    public string? InitializerHandler { get; set; }

    /// <summary>Initializer timeout, seconds: 1-300 (required when <c>initializer_handler</c> is set).</summary>
    [JsonPropertyName("initializer_timeout")]
    public int? InitializerTimeout { get; set; }

    /// <summary>Pre-stop hook handler; same shape as <c>handler</c>.</summary>
    [JsonPropertyName("pre_stop_handler")]
    public string? PreStopHandler { get; set; }

    /// <summary>Pre-stop hook timeout, seconds: 1-90 (required when <c>pre_stop_handler</c> is set).</summary>
    [JsonPropertyName("pre_stop_timeout")]
    public int? PreStopTimeout { get; set; }

    /// <summary>Enterprise project id.</summary>
    [JsonPropertyName("enterprise_project_id")]
    public string? EnterpriseProjectId { get; set; }

    /// <summary>Function type: <c>v1</c> or <c>v2</c> (default <c>v2</c>).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>Log group and stream (accepted, not applied).</summary>
    [JsonPropertyName("log_config")]
    public FuncLogConfig? LogConfig { get; set; }

    /// <summary>Network controls (accepted, not applied).</summary>
    [JsonPropertyName("network_controller")]
    public NetworkControlConfig? NetworkController { get; set; }

    /// <summary>Whether the function is stateful.</summary>
    [JsonPropertyName("is_stateful_function")]
    public bool? IsStatefulFunction { get; set; }

    /// <summary>Whether a request may pick its instance memory with <c>X-Cff-Instance-Memory</c>.</summary>
    [JsonPropertyName("enable_dynamic_memory")]
    public bool? EnableDynamicMemory { get; set; }

    /// <summary>Whether logs go to the log service (accepted, not applied).</summary>
    [JsonPropertyName("enable_lts_log")]
    public bool? EnableLtsLog { get; set; }

    /// <summary>Custom log tags (accepted, not applied).</summary>
    [JsonPropertyName("lts_custom_tag")]
    public Dictionary<string, string>? LtsCustomTag { get; set; }

    /// <summary>KMS key for <c>encrypted_user_data</c> (accepted, not applied).</summary>
    [JsonPropertyName("user_data_encrypt_kms_key_id")]
    public string? UserDataEncryptKmsKeyId { get; set; }

    /// <summary>KMS key for the code (accepted, not applied).</summary>
    [JsonPropertyName("code_encrypt_kms_key_id")]
    public string? CodeEncryptKmsKeyId { get; set; }

    /// <summary>Domain names the function may resolve (accepted, not applied).</summary>
    [JsonPropertyName("domain_names")]
    public string? DomainNames { get; set; }

    /// <summary>Tags, as a string holding JSON: an array of <c>{"key","value"}</c> or an object of string values; at most 20.</summary>
    [JsonPropertyName("tags")]
    public string? Tags { get; set; }
}
