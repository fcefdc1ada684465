using System.Text.Json.Serialization;

namespace Fgs.Core.Quotas;

/// <summary>One quota and its use, as the SDK's <c>Resources</c> model.</summary>
public sealed class QuotaResource
{
    /// <summary>The limit.</summary>
    [JsonPropertyName("quota")]
    public long Quota { get; set; }

    /// <summary>How much is used now.</summary>
    [JsonPropertyName("used")]
    public long Used { get; set; }

    /// <summary>FunctionGraph's quota type, e.g. <c>fgs_func_num</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    /// <summary>Unit of <see cref="Quota"/> and <see cref="Used"/>, empty for counts.</summary>
    [JsonPropertyName("unit")]
    public string Unit { get; set; } = "";
}
