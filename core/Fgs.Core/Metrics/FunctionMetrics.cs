using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Fgs.Core.Metrics;

/// <summary>
/// The function metrics of a node: <see cref="FunctionStatistics"/> per function version (what
/// the Prometheus endpoint and the statistics API read), mirrored into a
/// <see cref="System.Diagnostics.Metrics.Meter"/> named <see cref="MeterName"/> for
/// OpenTelemetry and dotnet-counters.
/// </summary>
public sealed class FunctionMetrics : IDisposable
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Fgs.Invoker";

    private readonly ConcurrentDictionary<(string Urn, string Version), FunctionStatistics> _byVersion = new();
    private readonly Meter _meter;
    private readonly Counter<long> _invocations;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _active;
    private readonly Histogram<double> _thaw;
    private readonly Lock _thawGate = new();
    private TimingStatistics _thaws;
    private readonly Histogram<double> _startPhase;
    private readonly Lock _startGate = new();
    private readonly TimingStatistics[] _startPhases = new TimingStatistics[StartPhaseNames.Length];

    /// <summary>The names of <see cref="StartPhase"/> values, as metric labels.</summary>
    public static readonly string[] StartPhaseNames = ["load", "spawn", "preload", "init"];

    private readonly TimeProvider _time;

    /// <summary>Creates the metrics (one per node).</summary>
    /// <param name="time">The clock the per-minute series are kept on (default: the system's).</param>
    public FunctionMetrics(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _meter = new Meter(MeterName);
        _invocations = _meter.CreateCounter<long>("fgs.invocations", description: "Invocations by outcome (success, function_error, system_error, rejected).");
        _duration = _meter.CreateHistogram<double>("fgs.invocation.duration", unit: "ms", description: "Run time of invocations that reached their function.");
        _active = _meter.CreateUpDownCounter<long>("fgs.invocations.active", description: "Invocations in flight.");
        _thaw = _meter.CreateHistogram<double>("fgs.instance.thaw.duration", unit: "ms", description: "Time to resume a reserved instance paused by idle mode.");
        _startPhase = _meter.CreateHistogram<double>("fgs.instance.start.duration", unit: "ms", description: "Phases of new instances' starts (load, spawn, preload, init).");
    }

    /// <summary>Resumes of paused (idle-mode) instances so far: count, total and longest.</summary>
    public TimingStatistics Thaws { get { lock (_thawGate) { return _thaws; } } }

    /// <summary>A paused instance was resumed for an invocation.</summary>
    public void RecordThaw(TimeSpan took)
    {
        lock (_thawGate)
        {
            _thaws = _thaws.Add(took);
        }
        _thaw.Record(took.TotalMilliseconds);
    }

    /// <summary>The phases of instance starts so far, indexed by <see cref="StartPhase"/>.</summary>
    public TimingStatistics[] StartPhases { get { lock (_startGate) { return (TimingStatistics[])_startPhases.Clone(); } } }

    /// <summary>A phase of a new instance's start has ended.</summary>
    public void RecordStartPhase(StartPhase phase, TimeSpan took)
    {
        lock (_startGate)
        {
            _startPhases[(int)phase] = _startPhases[(int)phase].Add(took);
        }
        _startPhase.Record(took.TotalMilliseconds, new KeyValuePair<string, object?>("phase", StartPhaseNames[(int)phase]));
    }

    /// <summary>The meter, for callers that add node-level instruments (instance counts).</summary>
    public Meter Meter => _meter;

    /// <summary>The statistics of a function version, created on first use.</summary>
    public FunctionStatistics For(string functionUrn, string version)
        => _byVersion.GetOrAdd((functionUrn, version), static k => new FunctionStatistics(k.Urn, k.Version));

    /// <summary>Every function version with statistics, ordered by URN then version.</summary>
    public IEnumerable<FunctionStatistics> All
        => _byVersion.Values.OrderBy(s => s.FunctionUrn, StringComparer.Ordinal).ThenBy(s => s.Version, StringComparer.Ordinal);

    /// <summary>Drops the statistics of a deleted function.</summary>
    public void Forget(string functionUrn)
    {
        foreach (var key in _byVersion.Keys)
        {
            if (key.Urn == functionUrn)
            {
                _byVersion.TryRemove(key, out _);
            }
        }
    }

    /// <summary>An invocation was admitted.</summary>
    public void Started(FunctionStatistics stats)
    {
        stats.Started();
        _active.Add(1, Tags(stats));
    }

    /// <summary>An admitted invocation ended.</summary>
    public void Finished(FunctionStatistics stats, InvocationOutcome outcome, TimeSpan? duration, bool coldStart)
    {
        // Before Finished lowers the concurrency: a rejected one never held a slot.
        stats.RecordMinute(CurrentMinute, outcome, duration, stats.Concurrency - (outcome == InvocationOutcome.Rejected ? 1 : 0));
        stats.Finished(outcome, duration, coldStart);
        var tags = Tags(stats);
        _active.Add(-1, tags);
        tags.Add("outcome", OutcomeName(outcome));
        _invocations.Add(1, tags);
        if (duration is { } d)
        {
            _duration.Record(d.TotalMilliseconds, Tags(stats));
        }
    }

    /// <summary>An invocation that never ran (rejected for capacity, or failed before it started).</summary>
    public void NotRun(FunctionStatistics stats, InvocationOutcome outcome)
    {
        stats.NotRun(outcome);
        stats.RecordMinute(CurrentMinute, outcome, null, stats.Concurrency);
        var tags = Tags(stats);
        tags.Add("outcome", OutcomeName(outcome));
        _invocations.Add(1, tags);
    }

    /// <summary>The current Unix minute on the metrics' clock.</summary>
    public long CurrentMinute => _time.GetUtcNow().ToUnixTimeSeconds() / 60;

    /// <summary>Wire name of an outcome.</summary>
    public static string OutcomeName(InvocationOutcome outcome) => outcome switch
    {
        InvocationOutcome.Success => "success",
        InvocationOutcome.FunctionError => "function_error",
        InvocationOutcome.SystemError => "system_error",
        _ => "rejected",
    };

    private static TagList Tags(FunctionStatistics stats) => new()
    {
        { "function", stats.FunctionUrn },
        { "version", stats.Version },
    };

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
