namespace Fgs.Core.Instances;

/// <summary>Instances of one pool by kind and state, taken at one moment.</summary>
/// <param name="ReservedStarting">Reserved instances being started.</param>
/// <param name="ReservedIdle">Ready reserved instances with nothing in flight (and not paused).</param>
/// <param name="ReservedBusy">Reserved instances with invocations in flight (surplus ones finishing their work included).</param>
/// <param name="OnDemandStarting">On-demand instances being started.</param>
/// <param name="OnDemandIdle">Ready on-demand instances with nothing in flight.</param>
/// <param name="OnDemandBusy">On-demand instances with invocations in flight.</param>
/// <param name="ReservedFrozen">Reserved instances paused by idle mode (not counted as idle).</param>
public readonly record struct InstanceCounts(int ReservedStarting, int ReservedIdle, int ReservedBusy,
    int OnDemandStarting, int OnDemandIdle, int OnDemandBusy, int ReservedFrozen = 0);
