using System.Globalization;
using System.Text;
using Fgs.Core.Metrics;

namespace Fgs.Invoker.Api;

/// <summary>
/// Renders the function metrics and instance counts in the Prometheus text exposition format
/// (version 0.0.4) for <c>GET /metrics</c>. Names follow FunctionGraph's metrics: count, failcount,
/// rejectcount, functionErrorCount, systemErrorCount, duration (sum, count, max, min),
/// concurrency, instance counts by kind and state, and reserved instances (reservedinstancenum).
/// </summary>
internal static class PrometheusExporter
{
    /// <summary>Instance counts of one pool.</summary>
    public readonly record struct PoolCounts(string FunctionUrn, string Version, int MemoryMb, string Kind, int Starting, int Idle, int Busy, int Frozen);

    /// <summary>Snapshot restores of one function version.</summary>
    public readonly record struct SnapshotCounts(string FunctionUrn, string Version, long Restored, long Failed, double SecondsSum, double MaxSeconds, int Live);

    private sealed record MetricFamily(string Name, string Type, string Help,
        Func<FunctionStatistics, IEnumerable<(string Suffix, (string Key, string Value)? Label, double Value)>> Samples);

    private static IEnumerable<(string, (string, string)?, double)> One(double value) => [("", null, value)];

    /// <summary>The per-version families, in FunctionGraph's terms.</summary>
    private static readonly MetricFamily[] Families =
    [
        new("fgs_function_invocations_total", "counter", "Invocations counted per function version, errors and rejections included (FunctionGraph count).", s => One(s.Count)),
        new("fgs_function_errors_total", "counter", "Failed invocations by kind: function (functionErrorCount) or system (systemErrorCount).",
            s => [("", ("kind", "function"), s.FunctionErrors), ("", ("kind", "system"), s.SystemErrors)]),
        new("fgs_function_rejections_total", "counter", "Invocations rejected for capacity with 429 (rejectcount).", s => One(s.Rejected)),
        new("fgs_function_cold_starts_total", "counter", "Invocations that started a new instance.", s => One(s.ColdStarts)),
        new("fgs_function_duration_milliseconds", "summary", "Run time of invocations that reached their function.",
            s => [("_sum", null, s.DurationSumMs), ("_count", null, s.Timed)]),
        new("fgs_function_duration_max_milliseconds", "gauge", "Longest run (maxDuration).", s => One(s.MaxDurationMs)),
        new("fgs_function_duration_min_milliseconds", "gauge", "Shortest run (minDuration).", s => One(s.MinDurationMs)),
        new("fgs_function_concurrency", "gauge", "Invocations in flight (concurrency).", s => One(s.Concurrency)),
        new("fgs_function_memory_max_megabytes", "gauge", "Largest instance memory (resident, whole tree) seen at the end of an invocation.", s => One(s.MaxMemoryMb)),
    ];

    public static byte[] Render(FunctionMetrics metrics, IReadOnlyList<PoolCounts> pools, IReadOnlyList<SnapshotCounts>? snapshots = null)
    {
        var sb = new StringBuilder(4096);
        var stats = metrics.All.ToList();

        foreach (var family in Families)
        {
            Family(sb, family.Name, family.Type, family.Help);
            foreach (var s in stats)
            {
                foreach (var (suffix, label, value) in family.Samples(s))
                {
                    Sample(sb, family.Name + suffix, s, label, value);
                }
            }
        }

        Family(sb, "fgs_instances", "gauge", "Instances by memory size (MB), kind (reserved, on_demand) and state (starting, idle, busy, frozen: paused by idle mode).");
        foreach (var p in pools)
        {
            foreach (var (state, n) in new[] { ("starting", p.Starting), ("idle", p.Idle), ("busy", p.Busy), ("frozen", p.Frozen) })
            {
                sb.Append("fgs_instances{function=\"").Append(Escape(p.FunctionUrn)).Append("\",version=\"").Append(Escape(p.Version))
                  .Append("\",memory=\"").Append(p.MemoryMb.ToString(CultureInfo.InvariantCulture)).Append("\",kind=\"").Append(p.Kind).Append("\",state=\"").Append(state).Append("\"} ")
                  .Append(n.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        Family(sb, "fgs_function_reserved_instances", "gauge", "Reserved instances per function version, starting ones included (reservedinstancenum).");
        foreach (var g in pools.Where(p => p.Kind == "reserved").GroupBy(p => (p.FunctionUrn, p.Version)))
        {
            var n = g.Sum(p => p.Starting + p.Idle + p.Busy + p.Frozen);
            sb.Append("fgs_function_reserved_instances{function=\"").Append(Escape(g.Key.FunctionUrn)).Append("\",version=\"").Append(Escape(g.Key.Version))
              .Append("\"} ").Append(n.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        var thaw = metrics.Thaws;
        Family(sb, "fgs_instance_thaw_seconds", "summary", "Time to resume a reserved instance paused by idle mode, before its invocation is handed over.");
        sb.Append("fgs_instance_thaw_seconds_count ").Append(thaw.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("fgs_instance_thaw_seconds_sum ").Append(thaw.TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('\n');
        Family(sb, "fgs_instance_thaw_seconds_max", "gauge", "Longest resume of a paused instance so far.");
        sb.Append("fgs_instance_thaw_seconds_max ").Append(thaw.MaxSeconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('\n');
        var phases = metrics.StartPhases;
        Family(sb, "fgs_instance_start_seconds", "summary",
            "Phases of new instances' starts: load (unpack the code), spawn (the invoker's preparation and the process start), preload (until the runtime asks for its first event), init (the initializer).");
        for (var i = 0; i < phases.Length; i++)
        {
            var phase = FunctionMetrics.StartPhaseNames[i];
            sb.Append("fgs_instance_start_seconds_count{phase=\"").Append(phase).Append("\"} ").Append(phases[i].Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("fgs_instance_start_seconds_sum{phase=\"").Append(phase).Append("\"} ").Append(phases[i].TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('\n');
        }
        Family(sb, "fgs_instance_start_seconds_max", "gauge", "Longest of each phase of instance starts so far.");
        for (var i = 0; i < phases.Length; i++)
        {
            sb.Append("fgs_instance_start_seconds_max{phase=\"").Append(FunctionMetrics.StartPhaseNames[i]).Append("\"} ")
              .Append(phases[i].MaxSeconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('\n');
        }
        if (snapshots is { Count: > 0 })
        {
            RenderSnapshots(sb, snapshots);
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void RenderSnapshots(StringBuilder sb, IReadOnlyList<SnapshotCounts> snapshots)
    {
        Family(sb, "fgs_snapshot_restores_total", "counter",
            "Instances started from a snapshot (outcome restored), or whose restore failed and that cold started instead (outcome failed).");
        foreach (var s in snapshots)
        {
            SnapshotSample(sb, "fgs_snapshot_restores_total", s, ("outcome", "restored"), s.Restored);
            SnapshotSample(sb, "fgs_snapshot_restores_total", s, ("outcome", "failed"), s.Failed);
        }
        Family(sb, "fgs_snapshot_restore_seconds", "summary", "Time from the start of a restore to the end of the copy's restore hook.");
        foreach (var s in snapshots)
        {
            SnapshotSample(sb, "fgs_snapshot_restore_seconds_sum", s, null, s.SecondsSum);
            SnapshotSample(sb, "fgs_snapshot_restore_seconds_count", s, null, s.Restored);
        }
        Family(sb, "fgs_snapshot_restore_seconds_max", "gauge", "Longest restore so far.");
        foreach (var s in snapshots)
        {
            SnapshotSample(sb, "fgs_snapshot_restore_seconds_max", s, null, s.MaxSeconds);
        }
        Family(sb, "fgs_snapshot_restored_instances", "gauge", "Instances restored from a snapshot that are running now.");
        foreach (var s in snapshots)
        {
            SnapshotSample(sb, "fgs_snapshot_restored_instances", s, null, s.Live);
        }
    }

    private static void SnapshotSample(StringBuilder sb, string name, SnapshotCounts s, (string Key, string Value)? extra, double value)
    {
        sb.Append(name).Append("{function=\"").Append(Escape(s.FunctionUrn)).Append("\",version=\"").Append(Escape(s.Version)).Append('"');
        if (extra is { } e)
        {
            sb.Append(',').Append(e.Key).Append("=\"").Append(Escape(e.Value)).Append('"');
        }
        sb.Append("} ").Append(value.ToString("0.#########", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Family(StringBuilder sb, string name, string type, string help)
        => sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
             .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder sb, string name, FunctionStatistics s, (string Key, string Value)? extra, double value)
    {
        sb.Append(name).Append("{function=\"").Append(Escape(s.FunctionUrn)).Append("\",version=\"").Append(Escape(s.Version)).Append('"');
        if (extra is { } e)
        {
            sb.Append(',').Append(e.Key).Append("=\"").Append(Escape(e.Value)).Append('"');
        }
        sb.Append("} ").Append(value.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    internal static string Escape(string value)
        => value.Contains('\\') || value.Contains('"') || value.Contains('\n')
            ? value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
            : value;
}
