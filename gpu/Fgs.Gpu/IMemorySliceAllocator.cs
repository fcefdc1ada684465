namespace Fgs.Gpu;

/// <summary>
/// Hands out GPU memory slices (FunctionGraph's <c>gpu_memory</c>, whole GB) to instances and
/// takes them back; compute is shared.
/// </summary>
public interface IMemorySliceAllocator
{
    /// <summary>Reserves <paramref name="gigabytes"/> on some device, or returns null when no device has room.</summary>
    MemorySlice? TryAllocate(int gigabytes, string instanceId);

    /// <summary>Returns a slice.</summary>
    void Release(MemorySlice slice);
}
