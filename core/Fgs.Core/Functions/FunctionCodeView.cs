using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>A function's code as the SDK's <c>ShowFunctionCodeResponse</c> / <c>UpdateFunctionCodeResponse</c> carry it: the fields this platform can fill truthfully.</summary>
public class FunctionCodeView
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

    /// <summary>Runtime, one of the SDK's runtime names (see <see cref="FunctionRuntimes"/>).</summary>
    [JsonPropertyName("runtime")]
    public string? Runtime { get; set; }

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

    /// <summary>SHA-512 of the code package, lowercase hex.</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; set; }

    /// <summary>When the configuration or code last changed.</summary>
    [JsonPropertyName("last_modified")]
    public DateTimeOffset? LastModified { get; set; }

    /// <summary>The code: <c>link</c> is where the package can be downloaded; <c>file</c> is not filled for zip code.</summary>
    [JsonPropertyName("func_code")]
    public FuncCode? FuncCode { get; set; }

    /// <summary>Scaling: <c>concurrency</c> (max instances, -1 or 0-1000), <c>concurrent_num</c> (per-instance concurrency, 1-1000).</summary>
    [JsonPropertyName("strategy_config")]
    public StrategyConfig? StrategyConfig { get; set; }
}
