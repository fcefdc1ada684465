using System.Globalization;
using Fgs.Harness.Report;

namespace Fgs.Harness.E2e;

/// <summary>The performance targets, evaluated on the medians of a run (ratios against a baseline: the median of the per-round ratios).</summary>
public static class TargetChecks
{
    /// <summary>Floor, peer and invoker targets are named so in the run.</summary>
    public static List<TargetCheck> Evaluate(E2eReport report)
    {
        var checks = new List<TargetCheck>();
        ScenarioSummary? Find(string scenario, string target) =>
            report.Summaries.FirstOrDefault(s => s.Scenario == scenario && s.Target == target);
        var c1Floor = Find("c1", "floor");
        var c1Invoker = Find("c1", "invoker");
        var c64Peer = Find("c64", "peer");
        var c64Invoker = Find("c64", "invoker");
        // Ratios against a baseline are paired by round: within a round the targets run seconds
        // apart, while the machine's speed drifts between rounds (a ratio of medians can pair a
        // fast round of one target with a slow round of the other). The check takes the median of
        // the per-round ratios; the ratio of the medians is shown beside it.
        List<double> PerRound(string scenario, string target, string baseline, Func<Measurement, double> value) =>
            [.. report.Measurements.Where(m => m.Scenario == scenario && m.Target == target).OrderBy(m => m.Round)
                .Select(m => report.Measurements.FirstOrDefault(b => b.Scenario == scenario && b.Target == baseline && b.Round == m.Round) is { } b
                    ? value(m) / value(b) : double.NaN)
                .Where(r => !double.IsNaN(r))];
        static string Rounds(List<double> ratios) => string.Join(", ", ratios.Select(r => F(r, "F2")));
        if (c1Floor is not null && c1Invoker is not null)
        {
            var rounds = PerRound("c1", "invoker", "floor", m => m.P50Us);
            var ratio = Stats.Median(rounds, c1Invoker.P50Us / c1Floor.P50Us);
            checks.Add(new("c1 p50 at most 3x the floor's p50",
                F(c1Invoker.P50Us) + " us (floor " + F(c1Floor.P50Us) + " us, " + F(c1Invoker.P50Us / c1Floor.P50Us, "F2") + "x; per round " + Rounds(rounds) + ")",
                F(ratio, "F2") + "x floor", ratio <= 3));
        }
        if (c1Invoker is not null)
        {
            checks.Add(new("c1 p99 under 1 ms", F(c1Invoker.P99Us) + " us", F(c1Invoker.P99Us / 1000, "F2") + "x 1 ms", c1Invoker.P99Us < 1000));
        }
        if (c64Invoker is not null)
        {
            checks.Add(new("c64 at least 25,000 inv/s", F(c64Invoker.Throughput, "F0") + " inv/s", F(c64Invoker.Throughput / 25000, "F2") + "x 25,000", c64Invoker.Throughput >= 25000));
        }
        if (c64Invoker is not null && c64Peer is not null)
        {
            var rounds = PerRound("c64", "invoker", "peer", m => m.Throughput);
            var ratio = Stats.Median(rounds, c64Invoker.Throughput / c64Peer.Throughput);
            checks.Add(new("c64 at least 1.5x the peer's throughput",
                F(c64Invoker.Throughput, "F0") + " vs " + F(c64Peer.Throughput, "F0") + " inv/s (" + F(c64Invoker.Throughput / c64Peer.Throughput, "F2") + "x; per round " + Rounds(rounds) + ")",
                F(ratio, "F2") + "x peer", ratio >= 1.5));
            var p99Rounds = PerRound("c64", "invoker", "peer", m => m.P99Us);
            var p99Ratio = Stats.Median(p99Rounds, c64Invoker.P99Us / c64Peer.P99Us);
            checks.Add(new("c64 p99 lower than the peer's",
                F(c64Invoker.P99Us) + " vs " + F(c64Peer.P99Us) + " us (" + F(c64Invoker.P99Us / c64Peer.P99Us, "F2") + "x; per round " + Rounds(p99Rounds) + ")",
                F(p99Ratio, "F2") + "x peer", p99Ratio < 1));
        }
        if (c64Invoker is not null)
        {
            checks.Add(new("invoker CPU per warm invocation at saturation (c64) at most 10 us", F(c64Invoker.ServerCpuUsPerRequest) + " us", F(c64Invoker.ServerCpuUsPerRequest / 10, "F2") + "x 10 us", c64Invoker.ServerCpuUsPerRequest <= 10));
        }
        var coldCsharp = report.ColdStarts.FirstOrDefault(c => c.Runtime == "echo-csharp");
        if (coldCsharp is not null)
        {
            checks.Add(new("C# AOT cold start p50 at most 15 ms", F(coldCsharp.P50Ms, "F2") + " ms", F(coldCsharp.P50Ms / 15, "F2") + "x 15 ms", coldCsharp.P50Ms <= 15));
        }
        if (report.Memory is { } memory)
        {
            var mb = memory.RssWarmBytes / 1048576.0;
            checks.Add(new(
                "invoker RSS with " + memory.Functions + " functions and " + memory.WarmInstances + " warm instances at most 150 MB",
                F(mb) + " MB", F(mb / 150, "F2") + "x 150 MB", mb <= 150));
        }
        return checks;
    }

    private static string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);
}
