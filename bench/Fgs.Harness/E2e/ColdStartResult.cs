namespace Fgs.Harness.E2e;

/// <summary>Cold starts of one demo runtime: first invocation of freshly created functions.</summary>
public sealed record ColdStartResult
{
    /// <summary>Demo folder name (echo-csharp, echo-bash, echo-python).</summary>
    public required string Runtime { get; init; }

    /// <summary>Functions invoked.</summary>
    public int Count { get; init; }

    /// <summary>Answers that carried <c>X-Cff-Cold-Start: true</c>.</summary>
    public long ColdStartHeaders { get; init; }

    /// <summary>Answers other than 200.</summary>
    public long Non200 { get; init; }

    /// <summary>Client-side latency percentiles and maximum, milliseconds.</summary>
    public double P50Ms { get; init; }

    /// <inheritdoc cref="P50Ms"/>
    public double P90Ms { get; init; }

    /// <inheritdoc cref="P50Ms"/>
    public double MaxMs { get; init; }

    /// <summary>Warm invocation of the same function afterwards, p50 in milliseconds, for contrast.</summary>
    public double WarmP50Ms { get; init; }

    /// <summary>Mean client-side latency of the cold starts, milliseconds (to set beside the phases).</summary>
    public double MeanMs { get; init; }

    /// <summary>
    /// Mean of each phase of these starts as the invoker measured it (its <c>fgs_instance_start_seconds</c>
    /// metric, before and after), milliseconds: load, spawn, preload, init. What is left of
    /// <see cref="MeanMs"/> is the request's path to the instance and the first event's round trip.
    /// </summary>
    public Dictionary<string, double> PhaseMeansMs { get; init; } = [];
}
