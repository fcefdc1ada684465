using System.Text.Json.Serialization;

namespace Fgs.Core.Functions;

/// <summary>A function's configuration as the config responses of the SDK carry it (<c>ShowFunctionConfigResponse</c>, <c>CreateFunctionResponse</c>, <c>UpdateFunctionConfigResponse</c>, <c>UpdateFunctionMaxInstanceConfigResponse</c>): the fields this platform can fill truthfully; null fields are left out of the JSON.</summary>
public class FunctionConfigView : FunctionSummaryView
{
    /// <summary>GPU type.</summary>
    [JsonPropertyName("gpu_type")]
    public string? GpuType { get; set; }

    /// <summary>Whether a request may pick its instance memory with <c>X-Cff-Instance-Memory</c>.</summary>
    [JsonPropertyName("enable_dynamic_memory")]
    public bool? EnableDynamicMemory { get; set; }

    /// <summary>Whether the function is stateful.</summary>
    [JsonPropertyName("is_stateful_function")]
    public bool? IsStatefulFunction { get; set; }

    /// <summary>Heartbeat handler; same shape as <c>handler</c>.</summary>
    [JsonPropertyName("heartbeat_handler")]
    public string? HeartbeatHandler { get; set; }

    /// <summary>Whether logs go to the log service (accepted, not applied).</summary>
    [JsonPropertyName("enable_lts_log")]
    public bool? EnableLtsLog { get; set; }
}
