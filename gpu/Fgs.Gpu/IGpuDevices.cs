namespace Fgs.Gpu;

/// <summary>
/// The GPUs of the host. The real implementation binds the CUDA driver API and NVML, loaded
/// lazily so that GPU-less hosts start; on such hosts <see cref="Discover"/> returns none and
/// <see cref="Reason"/> says why.
/// </summary>
public interface IGpuDevices
{
    /// <summary>The devices found (empty without a GPU or driver).</summary>
    IReadOnlyList<GpuDevice> Discover();

    /// <summary>Why no device is available, or null when some are.</summary>
    string? Reason { get; }
}
