using System.Globalization;
using System.Text;
using System.Text.Json;
using Fgs.Harness.E2e;
using Fgs.Harness.Load;
using HdrHistogram;

namespace Fgs.Harness.Report;

/// <summary>Writes the .hgrm files, <c>e2e.json</c> and the Markdown <c>summary.md</c>.</summary>
public static class ReportWriter
{
    /// <summary>Nanoseconds recorded, microseconds printed.</summary>
    private const double NanosToMicros = 1000.0;

    /// <summary>Writes the HdrHistogram percentile distribution (values in microseconds).</summary>
    public static void WriteHistogram(string path, LoadTally tally)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = new StreamWriter(path);
        if (tally.Count == 0)
        {
            writer.WriteLine("# no values recorded");
            return;
        }
        tally.Histogram.OutputPercentileDistribution(writer, 5, NanosToMicros);
    }

    /// <summary>Writes e2e.json and summary.md into <paramref name="dir"/>.</summary>
    public static void Write(string dir, E2eReport report)
    {
        File.WriteAllText(Path.Combine(dir, "e2e.json"), JsonSerializer.Serialize(report, HarnessJsonContext.Default.E2eReport));
        File.WriteAllText(Path.Combine(dir, "summary.md"), Markdown(report));
    }

    /// <summary>The Markdown summary.</summary>
    public static string Markdown(E2eReport report)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# End-to-end harness, {report.StartedUtc}\n\n");
        md.Append("```\n").Append(report.Command).Append("\n```\n\n");
        md.Append("Machine: ");
        md.AppendJoin("; ", report.Machine.Select(kv => kv.Key + " " + kv.Value));
        md.Append(".\nSettings: ");
        md.AppendJoin("; ", report.Settings.Select(kv => kv.Key + " " + kv.Value));
        md.Append(".\n\nGenerator, servers and runtimes share the same cores: every number includes that contention. ");
        md.Append("Values are medians over the rounds (targets alternate within a round; the order rotates between rounds). ");
        md.Append("Latency in microseconds; closed loop measures send to last byte, open loop measures from the intended send time.\n\n");

        if (report.Checks.Count > 0)
        {
            md.Append("## Targets\n\n| target | measured | ratio | |\n| --- | --- | --- | --- |\n");
            foreach (var check in report.Checks)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {check.Goal} | {check.Measured} | {check.Ratio} | {(check.Pass ? "pass" : "**miss**")} |\n");
            }
            md.Append('\n');
        }

        if (report.Summaries.Count > 0)
        {
            md.Append("## Warm path (median of rounds)\n\n");
            md.Append("| scenario | target | inv/s | p50 | p90 | p99 | p99.9 | max | p50 / floor | p99 / floor | inv/s / peer | p99 / peer | server CPU us/inv | children CPU us/inv | generator CPU us/inv | non-200 |\n");
            md.Append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            foreach (var s in report.Summaries)
            {
                var floor = report.Summaries.FirstOrDefault(x => x.Scenario == s.Scenario && x.Target == "floor");
                var peer = report.Summaries.FirstOrDefault(x => x.Scenario == s.Scenario && x.Target == "peer");
                md.Append(CultureInfo.InvariantCulture,
                    $"| {s.Scenario} | {s.Target} | {s.Throughput:F0} | {s.P50Us:F1} | {s.P90Us:F1} | {s.P99Us:F1} | {s.P999Us:F1} | {s.MaxUs:F1} | {Ratio(s.P50Us, floor?.P50Us)} | {Ratio(s.P99Us, floor?.P99Us)} | {Ratio(s.Throughput, peer?.Throughput)} | {Ratio(s.P99Us, peer?.P99Us)} | {s.ServerCpuUsPerRequest:F1} | {s.ChildrenCpuUsPerRequest:F1} | {s.GeneratorCpuUsPerRequest:F1} | {s.Non200} |\n");
            }
            md.Append("\nScenarios: `c1` closed loop, 1 connection; `c64` closed loop, 64 connections; `open` open loop at the offered rate. ");
            md.Append("Server CPU is the target process (nginx: its master, idle; invoker; Kestrel peer); children CPU is its descendants ");
            md.Append("(nginx workers; the echo-csharp runtime processes of the invoker and of the peer). CPU comes from /proc utime+stime (10 ms ticks).\n\n");
        }


        if (report.ColdStarts.Count > 0)
        {
            md.Append("## Cold start (fresh invoker; create N functions, invoke each once)\n\n");
            md.Append("| runtime | n | p50 ms | p90 ms | max ms | X-Cff-Cold-Start | non-200 | warm p50 ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            foreach (var c in report.ColdStarts)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| {c.Runtime} | {c.Count} | {c.P50Ms:F2} | {c.P90Ms:F2} | {c.MaxMs:F2} | {c.ColdStartHeaders} | {c.Non200} | {c.WarmP50Ms:F3} |\n");
            }
            md.Append("\nWhere the time of a cold start goes, as the invoker measures it (`fgs_instance_start_seconds`, mean ms per start): ");
            md.Append("load = unpack the code (cached after the first function); spawn = the invoker's preparation (runtime API listener, folders, cgroup) and the process start; ");
            md.Append("preload = from the process start until its runtime asks for its first event; the rest of the mean is the request's path and the first event's round trip.\n\n");
            md.Append("| runtime | mean ms | load | spawn | preload | init | rest |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            foreach (var c in report.ColdStarts)
            {
                double Phase(string name) => c.PhaseMeansMs.GetValueOrDefault(name);
                var rest = c.MeanMs - Phase("load") - Phase("spawn") - Phase("preload") - Phase("init");
                md.Append(CultureInfo.InvariantCulture,
                    $"| {c.Runtime} | {c.MeanMs:F2} | {Phase("load"):F2} | {Phase("spawn"):F2} | {Phase("preload"):F2} | {Phase("init"):F2} | {rest:F2} |\n");
            }
            md.Append('\n');
        }

        if (report.Memory is { } m)
        {
            md.Append("## Invoker resident memory (fresh invoker)\n\n| step | VmRSS MB |\n| --- | ---: |\n");
            md.Append(CultureInfo.InvariantCulture, $"| started, no function | {m.RssIdleBytes / 1048576.0:F1} |\n");
            md.Append(CultureInfo.InvariantCulture, $"| {m.Functions} functions registered ({m.CreateSeconds:F1} s to create) | {m.RssFunctionsBytes / 1048576.0:F1} |\n");
            md.Append(CultureInfo.InvariantCulture, $"| + {m.WarmInstances} warm echo-csharp instances (invoker only) | {m.RssWarmBytes / 1048576.0:F1} |\n");
            md.Append(CultureInfo.InvariantCulture, $"| the instance processes themselves ({m.InstanceProcesses} processes, not counted above) | {m.InstancesRssBytes / 1048576.0:F1} |\n\n");
        }

        md.Append("## Every run\n\n| round | scenario | target | inv/s | p50 | p99 | p99.9 | max | server CPU us/inv | children CPU us/inv | non-200 | histogram |\n");
        md.Append("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        foreach (var r in report.Measurements)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {r.Round} | {r.Scenario} | {r.Target} | {r.Throughput:F0} | {r.P50Us:F1} | {r.P99Us:F1} | {r.P999Us:F1} | {r.MaxUs:F1} | {r.ServerCpuUsPerRequest:F1} | {r.ChildrenCpuUsPerRequest:F1} | {r.Non200} | {r.HistogramFile} |\n");
        }
        return md.ToString();
    }

    private static string Ratio(double value, double? baseline) =>
        baseline is > 0 ? (value / baseline.Value).ToString("F2", CultureInfo.InvariantCulture) : "";
}
