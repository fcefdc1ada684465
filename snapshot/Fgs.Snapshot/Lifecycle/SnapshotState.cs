namespace Fgs.Snapshot.Lifecycle;

/// <summary>Where a function version's snapshot stands (FunctionGraph shows making, ready and failed).</summary>
public enum SnapshotState
{
    /// <summary>The initializer is running or the image is being dumped (at most 5 minutes).</summary>
    Making,

    /// <summary>New instances restore from the image.</summary>
    Ready,

    /// <summary>Making or restoring failed; new instances cold start. The reason says why.</summary>
    Failed,

    /// <summary>The host cannot checkpoint (no working CRIU); new instances cold start.</summary>
    Unsupported,
}
