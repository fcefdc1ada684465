namespace Fgs.Gpu;

/// <summary>One GPU of the host, as discovered through the driver.</summary>
/// <param name="Index">Device ordinal.</param>
/// <param name="Name">Product name.</param>
/// <param name="TotalMemoryBytes">Device memory.</param>
public sealed record GpuDevice(int Index, string Name, long TotalMemoryBytes);
