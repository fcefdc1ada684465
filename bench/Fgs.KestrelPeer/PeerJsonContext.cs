using System.Text.Json.Serialization;

namespace Fgs.KestrelPeer;

/// <summary>Source-generated JSON for the peer's answers.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InvokeEnvelope))]
[JsonSerializable(typeof(StatusBody))]
public sealed partial class PeerJsonContext : JsonSerializerContext;
