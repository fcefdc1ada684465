using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>A key/value pair, as the SDK's <c>KvItem</c> (used for tags).</summary>
public sealed class KvItem
{
    /// <summary>The key.</summary>
    [JsonPropertyName("key")]
    public string? Key { get; set; }

    /// <summary>The value.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; set; }
}
