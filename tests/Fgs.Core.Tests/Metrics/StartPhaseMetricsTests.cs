using System.Diagnostics.Metrics;
using Fgs.Core.Metrics;

namespace Fgs.Core.Tests.Metrics;

/// <summary>The phases of instance starts: count, total and longest per phase, and the meter's histogram.</summary>
public sealed class StartPhaseMetricsTests
{
    [Fact]
    public void Each_phase_keeps_its_own_count_total_and_longest()
    {
        using var metrics = new FunctionMetrics();
        var measured = new List<(string Phase, double Ms)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter && instrument.Name == "fgs.instance.start.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var t in tags)
            {
                if (t.Key == "phase")
                {
                    measured.Add(((string)t.Value!, value));
                }
            }
        });
        listener.Start();

        metrics.RecordStartPhase(StartPhase.Spawn, TimeSpan.FromMilliseconds(2));
        metrics.RecordStartPhase(StartPhase.Spawn, TimeSpan.FromMilliseconds(6));
        metrics.RecordStartPhase(StartPhase.Preload, TimeSpan.FromMilliseconds(30));

        var phases = metrics.StartPhases;
        Assert.Equal(FunctionMetrics.StartPhaseNames.Length, phases.Length);
        Assert.Equal(new TimingStatistics(2, 0.008, 0.006), phases[(int)StartPhase.Spawn] with { TotalSeconds = Math.Round(phases[(int)StartPhase.Spawn].TotalSeconds, 6) });
        Assert.Equal(1, phases[(int)StartPhase.Preload].Count);
        Assert.Equal(0.030, phases[(int)StartPhase.Preload].MaxSeconds, 6);
        Assert.Equal(default, phases[(int)StartPhase.Load]);
        Assert.Equal(default, phases[(int)StartPhase.Init]);
        Assert.Equal([("spawn", 2.0), ("spawn", 6.0), ("preload", 30.0)], measured);

        // A copy: changing it does not change the metrics.
        phases[(int)StartPhase.Spawn] = default;
        Assert.Equal(2, metrics.StartPhases[(int)StartPhase.Spawn].Count);
    }
}
