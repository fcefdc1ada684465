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
}
