using System.Text;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>Per-instance concurrency (<c>concurrent_num</c>) with a real runtime that holds
/// several <c>GET .../request</c> calls at once.</summary>
public sealed class InstanceConcurrencyTests
{
    /// <summary>A Python runtime with three worker threads, each looping GET → sleep → POST.</summary>
    private const string ThreadedRuntime = """
        #!/usr/bin/env python3
        import os, threading, time, urllib.request
        api = "http://" + os.environ["RUNTIME_API_ADDR"] + "/v1/runtime/invocation"
        def work():
            while True:
                try:
                    with urllib.request.urlopen(api + "/request") as r:
                        rid = r.headers["X-Cff-Request-Id"]
                        r.read()
                except Exception:
                    time.sleep(0.05)
                    continue
                time.sleep(1.0)
                req = urllib.request.Request(api + "/response/" + rid, data=("%d" % os.getpid()).encode(), method="POST")
                urllib.request.urlopen(req).read()
        for _ in range(3):
            threading.Thread(target=work, daemon=True).start()
        threading.Event().wait()
        """;

    [Fact]
    public async Task One_instance_takes_up_to_its_concurrency_at_once_and_more_start_a_second()
    {
        await using var fx = await InvokerFixture.StartAsync();
        await fx.CreateOkAsync("threaded", InvokerFixture.ZipBootstrap(ThreadedRuntime), "\"timeout\":30");
        using (var put = await fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("threaded")}/config",
                   new StringContent("{\"func_name\":\"threaded\",\"runtime\":\"Custom\",\"handler\":\"bootstrap\",\"timeout\":30,\"memory_size\":128,"
                                     + "\"strategy_config\":{\"concurrency\":10,\"concurrent_num\":3}}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)put.StatusCode);
        }
        // Warm one instance first so the next three find it.
        Assert.Equal(200, (await fx.InvokeAsync("threaded", "{}")).Status);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var three = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fx.InvokeAsync("threaded", "{}")));
        var took = started.Elapsed;
        Assert.All(three, r => Assert.Equal(200, r.Status));
        Assert.Single(three.Select(r => r.Result).Distinct()); // one process served all three
        Assert.True(took < TimeSpan.FromSeconds(2.5), $"three 1 s invocations on one instance took {took}: they ran one after another");
        Assert.Equal(1, fx.Host.Instances!.LiveInstances);

        // A fourth concurrent one does not fit: a second instance starts.
        var four = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fx.InvokeAsync("threaded", "{}")));
        Assert.All(four, r => Assert.Equal(200, r.Status));
        Assert.Equal(2, four.Select(r => r.Result).Distinct().Count());
        Assert.Equal(2, fx.Host.Instances!.LiveInstances);
    }
}
