using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Fgs.Harness.Load;
using Fgs.Harness.Report;

namespace Fgs.Harness.E2e;

/// <summary>
/// Runs the warm-path scenarios against every target in interleaved rounds, then stops the targets
/// and runs the cold-start and memory scenarios on fresh invokers, and writes the reports.
/// </summary>
public sealed class E2eRunner(E2eOptions options, E2eReport report)
{
    private static readonly string[] ColdRuntimes = ["echo-csharp", "echo-bash", "echo-python"];

    /// <summary>Runs everything and writes e2e.json, summary.md and the .hgrm files.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.OutDir);
        if (options.Scenarios.Contains("warm"))
        {
            await WarmPathAsync(cancellationToken).ConfigureAwait(false);
            report.Summaries = Summarize(report.Measurements);
        }
        if (options.Scenarios.Contains("cold") || options.Scenarios.Contains("memory"))
        {
            // The warm-path servers (nginx, the peer and its 64 runtimes, the invoker and its
            // instances) are stopped first: each of the later scenarios has the machine to itself.
            foreach (var target in options.Targets)
            {
                Log("stopping " + target.Name);
                if (!await InvokerProcess.TerminateAsync(target.Pid, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false))
                {
                    Log(target.Name + " did not stop within 30 s");
                }
            }
        }
        if (options.InvokerBinary is not null && options.DemoDir is not null)
        {
            if (options.Scenarios.Contains("cold"))
            {
                foreach (var runtime in ColdRuntimes)
                {
                    report.ColdStarts.Add(await ColdStartAsync(runtime, cancellationToken).ConfigureAwait(false));
                }
            }
            if (options.Scenarios.Contains("memory"))
            {
                report.Memory = await MemoryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        report.Machine["loadavg_end"] = File.ReadAllText("/proc/loadavg").Trim();
        report.Checks = TargetChecks.Evaluate(report);
        ReportWriter.Write(options.OutDir, report);
    }

    private async Task WarmPathAsync(CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(options.Body);
        var requests = options.Targets.ToDictionary(
            t => t.Name, t => (IReadOnlyList<byte[]>)[HttpRequestBytes.Post(t.HostHeader, options.Path, body)]);
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        foreach (var target in options.Targets)
        {
            // Warm-up: instances for the high concurrency, JIT on every side. Not recorded.
            Log("warm-up " + target.Name);
            var warm = await ClosedLoopRunner.RunAsync(target.EndPoint, requests[target.Name], options.Concurrency,
                TimeSpan.Zero, TimeSpan.FromSeconds(2), null, cancellationToken).ConfigureAwait(false);
            if (warm.Tally.StatusCount(200) == 0)
            {
                throw new InvalidOperationException(target.Name + " answered no 200 during the warm-up");
            }
            await ClosedLoopRunner.RunAsync(target.EndPoint, requests[target.Name], 1, TimeSpan.Zero, TimeSpan.FromSeconds(0.5),
                null, cancellationToken).ConfigureAwait(false);
        }
        for (var round = 1; round <= options.Rounds; round++)
        {
            var order = options.Targets.Skip((round - 1) % options.Targets.Count)
                .Concat(options.Targets.Take((round - 1) % options.Targets.Count)).ToList();
            foreach (var scenario in new[] { "c1", "c64", "open" })
            {
                foreach (var target in order)
                {
                    var measurement = await MeasureAsync(scenario, target, round, requests[target.Name], duration, cancellationToken)
                        .ConfigureAwait(false);
                    report.Measurements.Add(measurement);
                    Log(string.Create(CultureInfo.InvariantCulture,
                        $"round {round} {scenario,-4} {target.Name,-8} {measurement.Throughput,9:F0}/s p50 {measurement.P50Us,8:F1} us p99 {measurement.P99Us,8:F1} us cpu {measurement.ServerCpuUsPerRequest,6:F1}+{measurement.ChildrenCpuUsPerRequest,6:F1} us/req (generator {measurement.GeneratorCpuUsPerRequest:F1}) non-200 {measurement.Non200}"));
                }
            }
        }
    }

    private async Task<Measurement> MeasureAsync(
        string scenario, TargetSpec target, int round, IReadOnlyList<byte[]> requests, TimeSpan duration, CancellationToken cancellationToken)
    {
        var serverCpu = ProcessMeter.CpuSeconds(target.Pid);
        var childrenCpu = ProcessMeter.DescendantsCpuSeconds(target.Pid);
        var generatorCpu = ProcessMeter.CpuSeconds(Environment.ProcessId);
        var run = scenario switch
        {
            "c1" => await ClosedLoopRunner.RunAsync(target.EndPoint, requests, 1, TimeSpan.Zero, duration, null, cancellationToken).ConfigureAwait(false),
            "c64" => await ClosedLoopRunner.RunAsync(target.EndPoint, requests, options.Concurrency, TimeSpan.Zero, duration, null, cancellationToken).ConfigureAwait(false),
            _ => await OpenLoopRunner.RunAsync(target.EndPoint, requests, options.Rate, options.OpenConnections, TimeSpan.Zero, duration, null, cancellationToken).ConfigureAwait(false),
        };
        serverCpu = ProcessMeter.CpuSeconds(target.Pid) - serverCpu;
        childrenCpu = ProcessMeter.DescendantsCpuSeconds(target.Pid) - childrenCpu;
        generatorCpu = ProcessMeter.CpuSeconds(Environment.ProcessId) - generatorCpu;
        var tally = run.Tally;
        var file = string.Create(CultureInfo.InvariantCulture, $"{scenario}-{target.Name}-r{round}.hgrm");
        ReportWriter.WriteHistogram(Path.Combine(options.OutDir, "hgrm", file), tally);
        var count = Math.Max(1, tally.Count);
        return new Measurement
        {
            Scenario = scenario,
            Target = target.Name,
            Round = round,
            Connections = run.Connections,
            OfferedRate = run.OfferedRate,
            Count = tally.Count,
            Non200 = tally.Count - tally.StatusCount(200),
            Throughput = run.Throughput,
            P50Us = tally.PercentileMicros(50),
            P90Us = tally.PercentileMicros(90),
            P99Us = tally.PercentileMicros(99),
            P999Us = tally.PercentileMicros(99.9),
            MaxUs = tally.MaxMicros,
            ServerCpuUsPerRequest = serverCpu * 1e6 / count,
            ChildrenCpuUsPerRequest = childrenCpu * 1e6 / count,
            GeneratorCpuUsPerRequest = generatorCpu * 1e6 / count,
            ServerRssBytes = ProcessMeter.RssBytes(target.Pid),
            HistogramFile = "hgrm/" + file,
        };
    }

    private async Task<ColdStartResult> ColdStartAsync(string runtime, CancellationToken cancellationToken)
    {
        Log("cold starts: " + runtime);
        await using var invoker = InvokerProcess.Start(options.InvokerBinary!, Path.Combine(options.LogDir ?? options.OutDir, "invoker-cold.log"), options.PidFile);
        using var admin = new InvokerAdmin(invoker.BaseAddress);
        await admin.WaitReadyAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        var code = InvokerAdmin.ZipBootstrap(Path.Combine(options.DemoDir!, runtime, "bootstrap"));
        const string project = "cold";
        var names = Enumerable.Range(0, options.ColdCount + 1).Select(i => "c" + runtime.Replace("echo-", "", StringComparison.Ordinal) + i.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var name in names)
        {
            await admin.CreateFunctionAsync(project, name, "zip", code, cancellationToken).ConfigureAwait(false);
        }
        var body = Encoding.UTF8.GetBytes(options.Body);
        var host = invoker.EndPoint.ToString();
        var cold = new LoadTally();
        var warm = new LoadTally();
        Dictionary<string, (long Count, double Seconds)>? phasesBefore = null;
        double coldSumMs = 0;
        for (var i = 0; i < names.Count; i++)
        {
            var request = HttpRequestBytes.Post(host, HttpRequestBytes.InvokePath(project, admin.Urn(project, names[i])), body);
            using var connection = new LoadConnection(invoker.EndPoint);
            await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var sent = Stopwatch.GetTimestamp();
            var result = await connection.ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetTimestamp() - sent;
            // The first function unpacks the shared package: a one-off, not counted.
            if (i > 0)
            {
                cold.Record(result, elapsed);
                coldSumMs += Stopwatch.GetElapsedTime(0, elapsed).TotalMilliseconds;
                sent = Stopwatch.GetTimestamp();
                result = await connection.ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
                warm.Record(result, Stopwatch.GetTimestamp() - sent);
            }
            else
            {
                phasesBefore = await admin.StartPhasesAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        var phasesAfter = await admin.StartPhasesAsync(cancellationToken).ConfigureAwait(false);
        var phaseMeans = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (phase, after) in phasesAfter)
        {
            var before = phasesBefore?.GetValueOrDefault(phase) ?? default;
            if (after.Count > before.Count)
            {
                phaseMeans[phase] = (after.Seconds - before.Seconds) * 1000 / (after.Count - before.Count);
            }
        }
        ReportWriter.WriteHistogram(Path.Combine(options.OutDir, "hgrm", "cold-" + runtime + ".hgrm"), cold);
        foreach (var name in names)
        {
            await admin.DeleteFunctionAsync(project, name, cancellationToken).ConfigureAwait(false);
        }
        var result2 = new ColdStartResult
        {
            Runtime = runtime,
            Count = (int)cold.Count,
            ColdStartHeaders = cold.ColdStarts,
            Non200 = cold.Count - cold.StatusCount(200),
            P50Ms = cold.PercentileMicros(50) / 1000,
            P90Ms = cold.PercentileMicros(90) / 1000,
            MaxMs = cold.MaxMicros / 1000,
            WarmP50Ms = warm.PercentileMicros(50) / 1000,
            MeanMs = cold.Count > 0 ? coldSumMs / cold.Count : 0,
            PhaseMeansMs = phaseMeans,
        };
        Log(string.Create(CultureInfo.InvariantCulture,
            $"cold {runtime}: p50 {result2.P50Ms:F2} ms p90 {result2.P90Ms:F2} ms max {result2.MaxMs:F2} ms (cold headers {result2.ColdStartHeaders}/{result2.Count}, warm p50 {result2.WarmP50Ms:F3} ms; mean {result2.MeanMs:F2} ms: {string.Join(", ", phaseMeans.Select(p => p.Key + " " + p.Value.ToString("F2", CultureInfo.InvariantCulture)))})"));
        return result2;
    }

    private async Task<MemoryResult> MemoryAsync(CancellationToken cancellationToken)
    {
        Log("memory: " + options.MemoryFunctions + " functions, " + options.MemoryInstances + " warm instances");
        await using var invoker = InvokerProcess.Start(options.InvokerBinary!, Path.Combine(options.LogDir ?? options.OutDir, "invoker-memory.log"), options.PidFile);
        using var admin = new InvokerAdmin(invoker.BaseAddress);
        await admin.WaitReadyAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        var rssIdle = ProcessMeter.RssBytes(invoker.Pid);
        var zip = InvokerAdmin.ZipBootstrap(Path.Combine(options.DemoDir!, "echo-csharp", "bootstrap"));
        // Functions beyond the warm ones get a tiny inline bash bootstrap: the package size does
        // not matter to the catalog, and 900 uploads of a 2 MB binary would only slow the set-up.
        var inline = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(options.DemoDir!, "echo-bash", "bootstrap")));
        var functions = Enumerable.Range(0, options.MemoryFunctions)
            .Select(i => (Project: "mem" + (i / 400).ToString(CultureInfo.InvariantCulture), Name: "f" + i.ToString(CultureInfo.InvariantCulture), Warm: i < options.MemoryInstances))
            .ToList();
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(functions, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (f, ct) => await admin.CreateFunctionAsync(f.Project, f.Name, f.Warm ? "zip" : "inline", f.Warm ? zip : inline, ct).ConfigureAwait(false))
            .ConfigureAwait(false);
        var createSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
        var rssFunctions = ProcessMeter.RssBytes(invoker.Pid);
        var body = Encoding.UTF8.GetBytes(options.Body);
        var host = invoker.EndPoint.ToString();
        long failures = 0;
        await Parallel.ForEachAsync(functions.Where(f => f.Warm), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (f, ct) =>
            {
                using var connection = new LoadConnection(invoker.EndPoint);
                var request = HttpRequestBytes.Post(host, HttpRequestBytes.InvokePath(f.Project, admin.Urn(f.Project, f.Name)), body);
                var result = await connection.ExchangeAsync(request, ct).ConfigureAwait(false);
                if (result.Status != 200)
                {
                    Interlocked.Increment(ref failures);
                }
            }).ConfigureAwait(false);
        await Task.Delay(2000, cancellationToken).ConfigureAwait(false);
        var descendants = ProcessMeter.Descendants(invoker.Pid);
        var result = new MemoryResult
        {
            Functions = options.MemoryFunctions,
            WarmInstances = options.MemoryInstances - (int)failures,
            InstanceProcesses = descendants.Count,
            RssIdleBytes = rssIdle,
            RssFunctionsBytes = rssFunctions,
            RssWarmBytes = ProcessMeter.RssBytes(invoker.Pid),
            InstancesRssBytes = descendants.Sum(ProcessMeter.RssBytes),
            CreateSeconds = createSeconds,
        };
        Log(string.Create(CultureInfo.InvariantCulture,
            $"memory: idle {result.RssIdleBytes / 1048576.0:F1} MB, {result.Functions} functions {result.RssFunctionsBytes / 1048576.0:F1} MB, +{result.WarmInstances} warm {result.RssWarmBytes / 1048576.0:F1} MB (instances {result.InstancesRssBytes / 1048576.0:F1} MB in {result.InstanceProcesses} processes)"));
        return result;
    }

    private static List<ScenarioSummary> Summarize(List<Measurement> measurements) =>
        measurements.GroupBy(m => (m.Scenario, m.Target)).Select(g => new ScenarioSummary
        {
            Scenario = g.Key.Scenario,
            Target = g.Key.Target,
            Rounds = g.Count(),
            Throughput = Stats.Median(g.Select(m => m.Throughput)),
            P50Us = Stats.Median(g.Select(m => m.P50Us)),
            P90Us = Stats.Median(g.Select(m => m.P90Us)),
            P99Us = Stats.Median(g.Select(m => m.P99Us)),
            P999Us = Stats.Median(g.Select(m => m.P999Us)),
            MaxUs = g.Max(m => m.MaxUs),
            ServerCpuUsPerRequest = Stats.Median(g.Select(m => m.ServerCpuUsPerRequest)),
            ChildrenCpuUsPerRequest = Stats.Median(g.Select(m => m.ChildrenCpuUsPerRequest)),
            GeneratorCpuUsPerRequest = Stats.Median(g.Select(m => m.GeneratorCpuUsPerRequest)),
            Non200 = g.Sum(m => m.Non200),
        }).ToList();

    private static void Log(string line) =>
        Console.Error.WriteLine(DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " " + line);
}
