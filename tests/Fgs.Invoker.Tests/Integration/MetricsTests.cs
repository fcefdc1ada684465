using System.Diagnostics.Metrics;
using Fgs.Core.Metrics;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>FunctionGraph's function metrics on <c>/metrics</c> (Prometheus text) and on the
/// <c>Fgs.Invoker</c> meter, counted from real invocations.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_count_successes_errors_rejections_and_instances()
    {
        await using var fx = await InvokerFixture.StartAsync();
        var measured = new List<(string Outcome, long Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == fx.Host.Metrics.Meter && instrument.Name == "fgs.invocations")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var t in tags)
            {
                if (t.Key == "outcome")
                {
                    lock (measured)
                    {
                        measured.Add(((string)t.Value!, value));
                    }
                }
            }
        });
        listener.Start();

        await fx.CreateOkAsync("measured", TestRuntimes.Package("curl"));
        using (var put = await fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("measured")}/config-max-instance",
            new StringContent("{\"max_instance_num\":1}")))
        {
            Assert.Equal(200, (int)put.StatusCode);
        }
        Assert.Equal(200, (await fx.InvokeAsync("measured", "{\"echo\":1}")).Status);
        Assert.Equal(500, (await fx.InvokeAsync("measured", "{\"error\":\"x\"}")).Status);
        var busy = fx.InvokeAsync("measured", "{\"sleep_ms\":1500}");
        await InvocationLifecycleTests.WaitUntil(() => fx.Host.Metrics.All.Any(s => s.Concurrency == 1), TimeSpan.FromSeconds(5));
        await Task.Delay(200);
        Assert.Equal(429, (await fx.InvokeAsync("measured", "{\"echo\":2}")).HttpStatus);
        var text = await fx.Client.GetStringAsync("/metrics");
        await busy;

        var labels = $"function=\"{InvokerFixture.Urn("measured", null)}\",version=\"latest\"";
        Assert.Contains($"fgs_function_errors_total{{{labels},kind=\"function\"}} 1", text);
        Assert.Contains($"fgs_function_rejections_total{{{labels}}} 1", text);
        Assert.Contains($"fgs_function_concurrency{{{labels}}} 1", text);
        Assert.Contains($"fgs_instances{{{labels},memory=\"128\",kind=\"on_demand\",state=\"busy\"}} 1", text);
        Assert.Contains("# TYPE fgs_function_invocations_total counter", text);

        var stats = fx.Host.Metrics.For(InvokerFixture.Urn("measured", null), "latest");
        Assert.Equal(4, stats.Count);
        Assert.Equal(0, stats.Concurrency);
        Assert.Equal(1, stats.ColdStarts);
        Assert.True(stats.MaxMemoryMb > 0, "instance memory was not observed");
        Assert.True(stats.MaxDurationMs >= 1500, $"max duration {stats.MaxDurationMs} ms");
        using (var deleted = await fx.Client.DeleteAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("measured", null)}"))
        {
            Assert.Equal(204, (int)deleted.StatusCode);
        }
        Assert.DoesNotContain(InvokerFixture.Urn("measured", null), await fx.Client.GetStringAsync("/metrics"));
        lock (measured)
        {
            Assert.Equal(2, measured.Count(m => m.Outcome == FunctionMetrics.OutcomeName(InvocationOutcome.Success)));
            Assert.Single(measured, m => m.Outcome == "function_error");
            Assert.Single(measured, m => m.Outcome == "rejected");
        }
    }

    [Fact]
    public async Task A_cold_start_is_measured_by_phase_and_a_warm_invocation_adds_nothing()
    {
        await using var fx = await InvokerFixture.StartAsync();
        // A runtime that takes 300 ms to start and whose initializer takes 200 ms.
        var script = """
            #!/bin/bash
            sleep 0.3
            API="http://${RUNTIME_API_ADDR}/v1/runtime/invocation"
            while true; do
              H=$(mktemp)
              curl -sS -D "$H" -o /dev/null "$API/request" || { sleep 0.05; continue; }
              ID=$(grep -i '^x-cff-request-id:' "$H" | cut -d: -f2- | tr -d '[:space:]')
              TYPE=$(grep -i '^x-cff-invoke-type:' "$H" | cut -d: -f2- | tr -d '[:space:]')
              [ "$TYPE" = "init" ] && sleep 0.2
              curl -sS -o /dev/null -X POST --data-binary "ok" "$API/response/$ID"
              rm -f "$H"
            done
            """;
        await fx.CreateOkAsync("phases", InvokerFixture.ZipBootstrap(script), "\"initializer_handler\":\"index.init\",\"initializer_timeout\":5");

        Assert.Equal(200, (await fx.InvokeAsync("phases", "{}")).Status);
        var cold = StartPhases(await fx.Client.GetStringAsync("/metrics"));
        foreach (var phase in FunctionMetrics.StartPhaseNames)
        {
            Assert.Equal(1, cold[phase].Count);
        }
        Assert.True(cold["preload"].Seconds >= 0.3, $"preload {cold["preload"].Seconds} s");
        Assert.True(cold["preload"].Seconds < 5, $"preload {cold["preload"].Seconds} s");
        Assert.True(cold["init"].Seconds >= 0.2, $"init {cold["init"].Seconds} s");
        Assert.True(cold["spawn"].Seconds > 0 && cold["spawn"].Seconds < 0.3, $"spawn {cold["spawn"].Seconds} s");
        Assert.Contains("# TYPE fgs_instance_start_seconds summary", await fx.Client.GetStringAsync("/metrics"));

        Assert.Equal(200, (await fx.InvokeAsync("phases", "{}")).Status);
        var warm = StartPhases(await fx.Client.GetStringAsync("/metrics"));
        Assert.Equal(cold, warm);
    }

    /// <summary>fgs_instance_start_seconds count and sum per phase.</summary>
    private static Dictionary<string, (long Count, double Seconds)> StartPhases(string metrics)
    {
        var phases = new Dictionary<string, (long Count, double Seconds)>();
        foreach (var line in metrics.Split('\n'))
        {
            var match = System.Text.RegularExpressions.Regex.Match(line, "^fgs_instance_start_seconds_(count|sum)\\{phase=\"(\\w+)\"\\} (\\S+)$");
            if (match.Success)
            {
                var value = double.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
                var current = phases.GetValueOrDefault(match.Groups[2].Value);
                phases[match.Groups[2].Value] = match.Groups[1].Value == "count" ? ((long)value, current.Seconds) : (current.Count, value);
            }
        }
        return phases;
    }
}
