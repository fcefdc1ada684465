namespace Fgs.Gpu;

/// <summary>A GPU memory slice held by one instance.</summary>
/// <param name="DeviceIndex">The device it is on.</param>
/// <param name="Gigabytes">Its size.</param>
/// <param name="InstanceId">The instance holding it.</param>
public sealed record MemorySlice(int DeviceIndex, int Gigabytes, string InstanceId);
