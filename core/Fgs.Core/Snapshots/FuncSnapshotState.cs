using System.Text.Json.Serialization;

namespace Fgs.Core.Snapshots;

/// <summary>Answer of <c>GET</c> and <c>POST /v2/{project_id}/fgs/functions/{function_urn}/snapshots/{action}</c>
/// (the SDK's <c>ShowFuncSnapshotStateResponse</c> and <c>UpdateFuncSnapshotResponse</c>): where the
/// function version's snapshot stands.</summary>
public sealed class FuncSnapshotState
{
    /// <summary><c>making</c>, <c>ready</c>, <c>failed</c>, <c>unsupported</c>, <c>disabled</c>, or
    /// <c>enabled</c> (on, and no version published since).</summary>
    [JsonPropertyName("state")]
    public string State { get; set; } = "";

    /// <summary>Why the snapshot failed or is unsupported; empty otherwise.</summary>
    [JsonPropertyName("code")]
    public string Code { get; set; } = "";
}
