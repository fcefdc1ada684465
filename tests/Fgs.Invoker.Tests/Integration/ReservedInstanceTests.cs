using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>Reserved instances with real processes: started without any invocation and serving
/// warm, kept past the keep-alive, stopped at count 0, validated, persisted across a restart, and
/// raised by a scheduled policy on a fake clock.</summary>
public sealed class ReservedInstanceTests
{
    private static byte[] Curl => TestRuntimes.Package("curl");

    /// <summary>Reserved instances that are started and in their pool (ready to serve).</summary>
    private static int ReservedReady(InvokerFixture fx)
        => fx.Host.Instances!.PoolCounts().Where(p => p.Kind == "reserved").Sum(p => p.Idle + p.Busy);

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);

    private static async Task<(int Status, string Body)> PutReservedAsync(InvokerFixture fx, string name, string body, string? qualifier = "latest")
    {
        using var response = await fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn(name, qualifier)}/reservedinstances",
            new StringContent(body, Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(int Status, string Body)> GetAsync(InvokerFixture fx, string pathAndQuery)
    {
        using var response = await fx.Client.GetAsync(pathAndQuery);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Reserved_instances_start_without_invocations_serve_warm_survive_keep_alive_and_stop_at_zero()
    {
        await using var fx = await InvokerFixture.StartAsync(o => o.KeepAlive = TimeSpan.FromSeconds(1));
        await fx.CreateOkAsync("reserved", Curl);
        var (status, body) = await PutReservedAsync(fx, "reserved", "{\"count\":2}");
        Assert.Equal(200, status);
        using (var doc = JsonDocument.Parse(body))
        {
            Assert.Equal(2, doc.RootElement.GetProperty("count").GetInt32());
            Assert.False(doc.RootElement.GetProperty("idle_mode").GetBoolean());
        }
        await InvocationLifecycleTests.WaitUntil(() => ReservedReady(fx) == 2, StartLimit);

        var first = await fx.InvokeAsync("reserved", "{\"echo\":1}");
        Assert.Equal(200, first.HttpStatus);
        Assert.False(first.Headers.Contains("X-Cff-Cold-Start"), first.ToString());

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(2, fx.Host.Instances!.LiveInstances);

        var metrics = (await GetAsync(fx, "/metrics")).Body;
        Assert.Contains("kind=\"reserved\",state=\"idle\"} 2", metrics);
        Assert.Contains("fgs_function_reserved_instances{function=\"urn:fss:cn-north-4:" + InvokerFixture.Project + ":function:default:reserved\",version=\"latest\"} 2", metrics);

        var (listStatus, list) = await GetAsync(fx, $"{InvokerFixture.FunctionsPath}/reservedinstanceconfigs?function_urn={InvokerFixture.Urn("reserved", null)}");
        Assert.Equal(200, listStatus);
        using (var doc = JsonDocument.Parse(list))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("count").GetInt64());
            var item = doc.RootElement.GetProperty("reserved_instances")[0];
            Assert.Equal("version", item.GetProperty("qualifier_type").GetString());
            Assert.Equal("latest", item.GetProperty("qualifier_name").GetString());
            Assert.Equal(2, item.GetProperty("min_count").GetInt32());
        }
        var (countsStatus, counts) = await GetAsync(fx, $"{InvokerFixture.FunctionsPath}/reservedinstances");
        Assert.Equal(200, countsStatus);
        Assert.Contains("\"count\":2", counts);
        Assert.Contains(":function:default:reserved:latest\"", counts);

        Assert.Equal(200, (await PutReservedAsync(fx, "reserved", "{\"count\":0}")).Status);
        await InvocationLifecycleTests.WaitUntil(() => fx.Host.Instances!.LiveInstances == 0, StartLimit);
        Assert.Contains("\"count\":0", (await GetAsync(fx, $"{InvokerFixture.FunctionsPath}/reservedinstanceconfigs")).Body);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"count\":-1}")]
    [InlineData("{\"count\":1001}")]
    [InlineData("{\"count\":1,\"tactics_config\":{\"cron_configs\":[{\"name\":\"a\",\"cron\":\"not a cron\",\"count\":2}]}}")]
    [InlineData("{\"count\":1,\"tactics_config\":{\"metric_configs\":[{\"name\":\"m\",\"type\":\"Concurrency\",\"threshold\":100}]}}")]
    public async Task Invalid_bodies_are_400_in_functiongraph_shape(string body)
    {
        await using var fx = await InvokerFixture.StartAsync();
        await fx.CreateOkAsync("invalid", Curl);
        var (status, text) = await PutReservedAsync(fx, "invalid", body);
        Assert.Equal(400, status);
        using var doc = JsonDocument.Parse(text);
        Assert.Equal("FSS.0400", doc.RootElement.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("error_msg").GetString()));
        Assert.Equal(0, fx.Host.Instances!.LiveInstances);
    }

    [Fact]
    public async Task Unknown_version_is_404_and_unknown_function_is_404()
    {
        await using var fx = await InvokerFixture.StartAsync();
        await fx.CreateOkAsync("targets", Curl);
        Assert.Equal(404, (await PutReservedAsync(fx, "targets", "{\"count\":1}", "v9")).Status);
        Assert.Equal(404, (await PutReservedAsync(fx, "nosuch", "{\"count\":1}")).Status);
    }

    [Fact]
    public async Task Alias_configuration_runs_on_its_version_and_excludes_the_version()
    {
        await using var fx = await InvokerFixture.StartAsync();
        await fx.CreateOkAsync("aliased", Curl);
        var functionPath = $"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("aliased", null)}";
        using (var published = await fx.Client.PostAsync($"{functionPath}/versions",
                   new StringContent("{\"version\":\"v1\"}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)published.StatusCode);
        }
        using (var alias = await fx.Client.PostAsync($"{functionPath}/aliases",
                   new StringContent("{\"name\":\"prod\",\"version\":\"v1\"}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)alias.StatusCode);
        }
        Assert.Equal(200, (await PutReservedAsync(fx, "aliased", "{\"count\":1}", "!prod")).Status);
        await InvocationLifecycleTests.WaitUntil(() => ReservedReady(fx) == 1, StartLimit);
        var (conflict, text) = await PutReservedAsync(fx, "aliased", "{\"count\":1}", "v1");
        Assert.Equal(409, conflict);
        Assert.Contains("FSS.0409", text);

        var viaVersion = await fx.InvokeAsync("aliased", "{\"echo\":1}", qualifier: "v1");
        Assert.Equal(200, viaVersion.HttpStatus);
        Assert.False(viaVersion.Headers.Contains("X-Cff-Cold-Start"), viaVersion.ToString());
        var list = (await GetAsync(fx, $"{InvokerFixture.FunctionsPath}/reservedinstanceconfigs")).Body;
        Assert.Contains("\"qualifier_type\":\"alias\",\"qualifier_name\":\"prod\"", list);
    }

    [Fact]
    public async Task Configuration_survives_a_restart_and_instances_come_back_warm()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "fgs-test-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            await using (var fx = await InvokerFixture.StartAsync(dataDir: dataDir))
            {
                await fx.CreateOkAsync("durable", Curl);
                Assert.Equal(200, (await PutReservedAsync(fx, "durable", "{\"count\":1}")).Status);
                await InvocationLifecycleTests.WaitUntil(() => ReservedReady(fx) == 1, StartLimit);
            }
            await using (var fx = await InvokerFixture.StartAsync(dataDir: dataDir))
            {
                await InvocationLifecycleTests.WaitUntil(() => ReservedReady(fx) == 1, StartLimit);
                var r = await fx.InvokeAsync("durable", "{\"echo\":1}");
                Assert.Equal(200, r.HttpStatus);
                Assert.False(r.Headers.Contains("X-Cff-Cold-Start"), r.ToString());
                // Deleting the function removes its configuration with it.
                using var deleted = await fx.Client.DeleteAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("durable", null)}");
                Assert.Equal(204, (int)deleted.StatusCode);
                await InvocationLifecycleTests.WaitUntil(() => fx.Host.Instances!.LiveInstances == 0, StartLimit);
                Assert.Contains("\"count\":0", (await GetAsync(fx, $"{InvokerFixture.FunctionsPath}/reservedinstanceconfigs")).Body);
            }
        }
        finally
        {
            try { Directory.Delete(dataDir, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Scheduled_policy_raises_the_count_inside_its_window()
    {
        var start = new DateTimeOffset(2030, 1, 1, 9, 59, 50, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        await using var fx = await InvokerFixture.StartAsync(time: clock);
        await fx.CreateOkAsync("scheduled", Curl);
        var from = start.ToUnixTimeSeconds();
        var until = start.AddSeconds(40).ToUnixTimeSeconds();
        var body = "{\"count\":0,\"tactics_config\":{\"cron_configs\":[{\"name\":\"morning\",\"cron\":\"0 0 10 * * *\",\"count\":2,"
                   + $"\"start_time\":{from},\"expired_time\":{until}}}]}}}}";
        var (status, text) = await PutReservedAsync(fx, "scheduled", body);
        Assert.Equal(200, status);
        Assert.Contains("\"cron\":\"0 0 10 * * *\"", text);

        clock.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(300);
        Assert.Equal(0, fx.Host.Instances!.LiveInstances);

        // 10:00:00: the rule fires and its count holds inside the window. Instances start in real
        // time; the clock creeps on inside the window meanwhile, so a start that failed under load
        // is retried by the policy's next pass.
        clock.Advance(TimeSpan.FromSeconds(6));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (ReservedReady(fx) < 2 && waited.Elapsed < StartLimit)
        {
            await Task.Delay(250);
            if (clock.GetUtcNow() < start.AddSeconds(35))
            {
                clock.Advance(TimeSpan.FromSeconds(1));
            }
        }
        Assert.Equal(2, ReservedReady(fx));

        // Past the window's end the fixed count (0) applies again.
        for (var i = 0; i < 6; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
        }
        await InvocationLifecycleTests.WaitUntil(() => fx.Host.Instances!.LiveInstances == 0, StartLimit);
    }
}
