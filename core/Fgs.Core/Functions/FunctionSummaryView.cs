using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>The fields a function's list item and its configuration views share (the SDK's <c>ListFunctionResult</c> and config responses): the fields this platform can fill truthfully; null fields are left out of the JSON.</summary>
public class FunctionSummaryView
{
    /// <summary>The function URN.</summary>
    [JsonPropertyName("func_urn")]
    public string? FuncUrn { get; set; }

    /// <summary>Function name: 1-60 letters, digits, '_' or '-', starting with a letter, ending with a letter or digit.</summary>
    [JsonPropertyName("func_name")]
    public string? FuncName { get; set; }

    /// <summary>Domain (account) id.</summary>
    [JsonPropertyName("domain_id")]
    public string? DomainId { get; set; }

    /// <summary>Project id.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    /// <summary>Region (project name).</summary>
    [JsonPropertyName("project_name")]
    public string? ProjectName { get; set; }

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

    /// <summary>Memory, MB: one of <see cref="FunctionLimits.MemorySizes"/>.</summary>
    [JsonPropertyName("memory_size")]
    public int? MemorySize { get; set; }

    /// <summary>GPU memory, MB: 1024-16384 in steps of 1024 (Custom and http runtimes only).</summary>
    [JsonPropertyName("gpu_memory")]
    public int? GpuMemory { get; set; }

    /// <summary>CPU, millicores, proportional to memory (see <see cref="FunctionMapper.CpuMillicores"/>).</summary>
    [JsonPropertyName("cpu")]
    public int? Cpu { get; set; }

    /// <summary>Code type: <c>inline</c> or <c>zip</c> (<c>obs</c>, <c>jar</c>, <c>Custom-Image-Swr</c> are rejected).</summary>
    [JsonPropertyName("code_type")]
    public string? CodeType { get; set; }

    /// <summary>Object-storage address of the code (code_type obs; not supported).</summary>
    [JsonPropertyName("code_url")]
    public string? CodeUrl { get; set; }

    /// <summary>File name of the code package.</summary>
    [JsonPropertyName("code_filename")]
    public string? CodeFilename { get; set; }

    /// <summary>Size of the code package, bytes.</summary>
    [JsonPropertyName("code_size")]
    public long? CodeSize { get; set; }

    /// <summary>Environment variables: a JSON object of string values, as a string, e.g. <c>{\"k\":\"v\"}</c>.</summary>
    [JsonPropertyName("user_data")]
    public string? UserData { get; set; }

    /// <summary>Encrypted environment variables: same format as <c>user_data</c>.</summary>
    [JsonPropertyName("encrypted_user_data")]
    public string? EncryptedUserData { get; set; }

    /// <summary>SHA-512 of the code package, lowercase hex.</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; set; }

    /// <summary>Version: <c>latest</c> or a published version.</summary>
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    /// <summary>Internal image name.</summary>
    [JsonPropertyName("image_name")]
    public string? ImageName { get; set; }

    /// <summary>Agency used to configure the function.</summary>
    [JsonPropertyName("xrole")]
    public string? Xrole { get; set; }

    /// <summary>Agency used to execute the function.</summary>
    [JsonPropertyName("app_xrole")]
    public string? AppXrole { get; set; }

    /// <summary>Description: at most 512 characters.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; set; }

    /// <summary>When the configuration or code last changed.</summary>
    [JsonPropertyName("last_modified")]
    public DateTimeOffset? LastModified { get; set; }

    /// <summary>Scaling: <c>concurrency</c> (max instances, -1 or 0-1000), <c>concurrent_num</c> (per-instance concurrency, 1-1000).</summary>
    [JsonPropertyName("strategy_config")]
    public StrategyConfig? StrategyConfig { get; set; }

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

    /// <summary>Whether the function allows long timeouts.</summary>
    [JsonPropertyName("long_time")]
    public bool? LongTime { get; set; }

    /// <summary>Function type: <c>v1</c> or <c>v2</c> (default <c>v2</c>).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }
}
