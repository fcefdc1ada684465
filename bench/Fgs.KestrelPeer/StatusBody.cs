using System.Text.Json.Serialization;

namespace Fgs.KestrelPeer;

/// <summary>The runtime API's <c>{"status":"OK"}</c>.</summary>
public sealed record StatusBody([property: JsonPropertyName("status")] string Status);
