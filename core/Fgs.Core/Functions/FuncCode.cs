using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>Function code as the SDK sends and returns it (<c>func_code</c>).</summary>
public sealed class FuncCode
{
    /// <summary>Base64 of the zip (code_type zip) or of the single source file (inline).</summary>
    [JsonPropertyName("file")]
    public string? File { get; set; }

    /// <summary>Where the code can be downloaded (responses only).</summary>
    [JsonPropertyName("link")]
    public string? Link { get; set; }
}
