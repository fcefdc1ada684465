using Microsoft.Extensions.Time.Testing;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>The pre-stop hook and heartbeats, with real instance processes. Heartbeat timing runs on
/// a fake clock: the instances answer in real time, the 5 s period and the 6-miss rule are driven
/// by advancing the clock.</summary>
public sealed class HooksTests
{
    /// <summary>Answers heartbeats (healthy or not, from HEALTHY), records the pre-stop event in
    /// $MARKER, and answers any other event with its invoke type.</summary>
    private const string Script = """
        #!/bin/bash
        API="http://${RUNTIME_API_ADDR}/v1/runtime/invocation"
        while true; do
          H=$(mktemp); B=$(mktemp)
          curl -sS -D "$H" -o "$B" "$API/request" || { sleep 0.05; continue; }
          ID=$(grep -i '^x-cff-request-id:' "$H" | cut -d: -f2- | tr -d '[:space:]')
          TYPE=$(grep -i '^x-cff-invoke-type:' "$H" | cut -d: -f2- | tr -d '[:space:]')
          case "$TYPE" in
            heartbeat)
              if [ "${HEALTHY:-0}" = 1 ]; then curl -sS -o /dev/null -X POST --data-binary ok "$API/response/$ID"
              else curl -sS -o /dev/null -X POST --data-binary '{"errorMessage":"sick"}' "$API/error/$ID"; fi ;;
            prestop)
              cp "$B" "$MARKER"
              curl -sS -o /dev/null -X POST --data-binary done "$API/response/$ID" ;;
            *)
              curl -sS -o /dev/null -X POST --data-binary "$TYPE" "$API/response/$ID" ;;
          esac
          rm -f "$H" "$B"
        done
        """;

    [Fact]
    public async Task Pre_stop_hook_runs_before_an_idle_instance_is_reclaimed()
    {
        var marker = Path.Combine(Path.GetTempPath(), "fgs-prestop-" + Guid.NewGuid().ToString("N"));
        await using var fx = await InvokerFixture.StartAsync(o => o.KeepAlive = TimeSpan.FromSeconds(1));
        await fx.CreateOkAsync("prestop", InvokerFixture.ZipBootstrap(Script),
            $"\"pre_stop_handler\":\"index.preStop\",\"pre_stop_timeout\":5,\"user_data\":\"{{\\\"MARKER\\\":\\\"{marker}\\\"}}\"");
        Assert.Equal("sync", (await fx.InvokeAsync("prestop", "{}")).Result);
        await InvocationLifecycleTests.WaitUntil(() => fx.Host.Instances!.LiveInstances == 0, TimeSpan.FromSeconds(15));
        Assert.True(File.Exists(marker), "the pre-stop hook did not run");
        var body = await File.ReadAllTextAsync(marker);
        Assert.Contains("\"pre_stop\":\"index.preStop\"", body);
        Assert.Contains("idle past keep-alive", body);
        File.Delete(marker);
    }

    [Fact]
    public async Task Six_missed_heartbeats_in_a_row_kill_the_instance()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await InvokerFixture.StartAsync(time: clock);
        await fx.CreateOkAsync("sick", InvokerFixture.ZipBootstrap(Script));
        await SetHeartbeatHandlerAsync(fx, "sick", extra: "");
        Assert.Equal("sync", (await fx.InvokeAsync("sick", "{}")).Result);
        var instance = Assert.Single(fx.Host.Instances!.Live);

        clock.Advance(TimeSpan.FromSeconds(5)); // arms the first heartbeat
        for (var miss = 1; miss <= 6; miss++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            var expected = miss;
            await InvocationLifecycleTests.WaitUntil(() => instance.MissedHeartbeats >= expected || instance.IsDead, TimeSpan.FromSeconds(10));
            if (miss < 6)
            {
                Assert.False(instance.IsDead, $"killed after {miss} missed heartbeats");
            }
        }
        await InvocationLifecycleTests.WaitUntil(() => instance.IsDead, TimeSpan.FromSeconds(10));
        await InvocationLifecycleTests.WaitUntil(() => fx.Host.Instances!.LiveInstances == 0, TimeSpan.FromSeconds(10));
    }

    /// <summary>The heartbeat handler is a config setting (the create body has no such field).</summary>
    private static async Task SetHeartbeatHandlerAsync(InvokerFixture fx, string name, string extra)
    {
        var body = "{\"func_name\":\"" + name + "\",\"runtime\":\"Custom\",\"handler\":\"bootstrap\",\"memory_size\":128,\"timeout\":30,\"heartbeat_handler\":\"index.heartbeat\"" + extra + "}";
        using var put = await fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn(name)}/config",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)put.StatusCode);
    }

    [Fact]
    public async Task Healthy_heartbeats_keep_the_instance()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await InvokerFixture.StartAsync(time: clock);
        await fx.CreateOkAsync("healthy", InvokerFixture.ZipBootstrap(Script));
        await SetHeartbeatHandlerAsync(fx, "healthy", extra: ",\"user_data\":\"{\\\"HEALTHY\\\":\\\"1\\\"}\"");
        Assert.Equal("sync", (await fx.InvokeAsync("healthy", "{}")).Result);
        var instance = Assert.Single(fx.Host.Instances!.Live);
        clock.Advance(TimeSpan.FromSeconds(5)); // arms the first heartbeat
        for (var beat = 1; beat <= 7; beat++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            // The runtime answers in real time; the clock moves on only once it has.
            var expected = beat;
            await InvocationLifecycleTests.WaitUntil(() => instance.HealthyHeartbeats >= expected || instance.IsDead, TimeSpan.FromSeconds(15));
        }
        Assert.Equal(7, instance.HealthyHeartbeats);
        Assert.False(instance.IsDead);
        Assert.Equal(0, instance.MissedHeartbeats);
        Assert.Equal("sync", (await fx.InvokeAsync("healthy", "{}")).Result);
    }
}
