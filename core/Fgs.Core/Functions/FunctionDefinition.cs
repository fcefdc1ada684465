using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>
/// A function's definition as the store persists it: the validated, defaulted configuration of one
/// version (<c>latest</c> or a published one), plus its code metadata. Build it with
/// <see cref="FunctionMapper.ToDefinition"/> and change it with the <c>FunctionMapper.Apply*</c>
/// methods; each change bumps <see cref="Revision"/>.
/// </summary>
public sealed record FunctionDefinition
{
    /// <summary>The owning project (tenant).</summary>
    [JsonPropertyName("project_id")]
    public required string ProjectId { get; init; }

    /// <summary>The package (function app), <c>default</c> unless given.</summary>
    [JsonPropertyName("package")]
    public required string Package { get; init; }

    /// <summary>The function name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The runtime name, as in <see cref="FunctionRuntimes"/>.</summary>
    [JsonPropertyName("runtime")]
    public required string Runtime { get; init; }

    /// <summary>The handler (<c>bootstrap</c> for Custom and http by default).</summary>
    [JsonPropertyName("handler")]
    public required string Handler { get; init; }

    /// <summary>Memory, MB.</summary>
    [JsonPropertyName("memory_size")]
    public int MemorySize { get; init; } = FunctionLimits.DefaultMemorySize;

    /// <summary>Timeout, seconds.</summary>
    [JsonPropertyName("timeout")]
    public int Timeout { get; init; } = FunctionLimits.DefaultTimeout;

    /// <summary>The code type: <c>zip</c> or <c>inline</c>.</summary>
    [JsonPropertyName("code_type")]
    public string CodeType { get; init; } = CodeTypes.Zip;

    /// <summary>The code package's file name.</summary>
    [JsonPropertyName("code_filename")]
    public string? CodeFilename { get; init; }

    /// <summary>Size of the code package as uploaded (decoded), bytes.</summary>
    [JsonPropertyName("code_size")]
    public long CodeSize { get; init; }

    /// <summary>SHA-512 of the code package, lowercase hex (as FunctionGraph's <c>digest</c>).</summary>
    [JsonPropertyName("digest")]
    public string Digest { get; init; } = string.Empty;

    /// <summary>Environment variables, in the order the user gave them.</summary>
    [JsonPropertyName("user_data")]
    public OrderedDictionary<string, string> UserData { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Encrypted environment variables, in the order the user gave them.</summary>
    [JsonPropertyName("encrypted_user_data")]
    public OrderedDictionary<string, string> EncryptedUserData { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Description (empty when none).</summary>
    [JsonPropertyName("description")]
    public string Description { get; init; } = string.Empty;

    /// <summary>Initializer handler, or null when the function has no initializer.</summary>
    [JsonPropertyName("initializer_handler")]
    public string? InitializerHandler { get; init; }

    /// <summary>Initializer timeout, seconds (set when <see cref="InitializerHandler"/> is).</summary>
    [JsonPropertyName("initializer_timeout")]
    public int? InitializerTimeout { get; init; }

    /// <summary>Pre-stop hook handler, or null.</summary>
    [JsonPropertyName("pre_stop_handler")]
    public string? PreStopHandler { get; init; }

    /// <summary>Pre-stop hook timeout, seconds (set when <see cref="PreStopHandler"/> is).</summary>
    [JsonPropertyName("pre_stop_timeout")]
    public int? PreStopTimeout { get; init; }

    /// <summary>Heartbeat handler, or null when the function declares none.</summary>
    [JsonPropertyName("heartbeat_handler")]
    public string? HeartbeatHandler { get; init; }

    /// <summary>Snapshot restore hook handler, or null.</summary>
    [JsonPropertyName("restore_hook_handler")]
    public string? RestoreHookHandler { get; init; }

    /// <summary>Snapshot restore hook timeout, seconds (set when <see cref="RestoreHookHandler"/> is).</summary>
    [JsonPropertyName("restore_hook_timeout")]
    public int? RestoreHookTimeout { get; init; }

    /// <summary>Single-instance concurrency, 1-1000 (default 1).</summary>
    [JsonPropertyName("concurrent_num")]
    public int ConcurrentNum { get; init; } = FunctionLimits.DefaultConcurrentNum;

    /// <summary>Maximum instances, -1 (unlimited) or 0-1000 (default 400).</summary>
    [JsonPropertyName("max_instance_num")]
    public int MaxInstanceNum { get; init; } = FunctionLimits.DefaultMaxInstanceNum;

    /// <summary>Tags, in the order the user gave them.</summary>
    [JsonPropertyName("tags")]
    public OrderedDictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Whether a request may choose its instance memory with <c>X-Cff-Instance-Memory</c>.</summary>
    [JsonPropertyName("enable_dynamic_memory")]
    public bool EnableDynamicMemory { get; init; }

    /// <summary>Whether the function is stateful.</summary>
    [JsonPropertyName("is_stateful_function")]
    public bool IsStatefulFunction { get; init; }

    /// <summary>GPU memory slice, MB (1024-16384, multiples of 1024), or null without a GPU.</summary>
    [JsonPropertyName("gpu_memory")]
    public int? GpuMemory { get; init; }

    /// <summary>GPU type, or null.</summary>
    [JsonPropertyName("gpu_type")]
    public string? GpuType { get; init; }

    /// <summary>Function type, <c>v1</c> or <c>v2</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = FunctionLimits.DefaultType;

    /// <summary>Agency used to configure the function, or null.</summary>
    [JsonPropertyName("xrole")]
    public string? Xrole { get; init; }

    /// <summary>Agency used to execute the function, or null.</summary>
    [JsonPropertyName("app_xrole")]
    public string? AppXrole { get; init; }

    /// <summary>Enterprise project id, or null.</summary>
    [JsonPropertyName("enterprise_project_id")]
    public string? EnterpriseProjectId { get; init; }

    /// <summary>The version this definition is: <c>latest</c> or a published version name.</summary>
    [JsonPropertyName("version")]
    public string Version { get; init; } = FunctionLimits.LatestVersion;

    /// <summary>When the function was created.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; init; }

    /// <summary>When the configuration or code last changed.</summary>
    [JsonPropertyName("last_modified")]
    public DateTimeOffset LastModified { get; init; }

    /// <summary>Incremented by every change (optimistic concurrency for the store); 1 at creation.</summary>
    [JsonPropertyName("revision")]
    public long Revision { get; init; } = 1;

    /// <summary>The runtime's family.</summary>
    [JsonIgnore]
    public RuntimeFamily RuntimeFamily => FunctionRuntimes.GetFamily(Runtime);

    /// <summary>CPU, millicores, for <c>RUNTIME_CPU</c> and the <c>cpu</c> field
    /// (see <see cref="FunctionMapper.CpuMillicores"/>).</summary>
    [JsonIgnore]
    public int CpuMillicores => FunctionMapper.CpuMillicores(MemorySize);

    /// <summary>The URN of this definition's version in <paramref name="region"/>.</summary>
    public FunctionUrn GetUrn(string region) => new(region, ProjectId, Package, Name, Version);
}
