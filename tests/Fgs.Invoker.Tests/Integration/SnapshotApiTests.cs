using System.Text;
using System.Text.Json;
using Fgs.Core.Routing;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>Snapshots through the REST API: enabling, the state of a version's snapshot, restoring a
/// published version's cold start from it (real CRIU; skipped with the reason where it cannot run), and
/// falling back to a normal cold start when the image is corrupt.</summary>
public sealed class SnapshotApiTests
{
    private static readonly TimeSpan s_readyWithin = TimeSpan.FromSeconds(60);

    // A Custom bootstrap that answers every event, the checkpoint too, like an ordinary invocation.
    private static readonly byte[] PlainRuntime = InvokerFixture.ZipBootstrap("""
        #!/bin/bash
        API="http://${RUNTIME_API_ADDR}/v1/runtime/invocation"
        while true; do
          H=$(mktemp); curl -sS -D "$H" -o /dev/null "$API/request" || { sleep 0.05; continue; }
          ID=$(grep -i '^x-cff-request-id:' "$H" | cut -d: -f2- | tr -d '[:space:]')
          curl -sS -o /dev/null -X POST --data-binary '{"plain":true}' "$API/response/$ID"; rm -f "$H"
        done
        """);

    [Fact]
    public async Task Snapshot_actions_are_checked_and_the_setting_survives_a_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "fgs-test-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            await using (var fx = await InvokerFixture.StartAsync(dataDir: data))
            {
                await fx.CreateOkAsync("snap-api", PlainRuntime);
                var (status, json) = await SendAsync(fx, HttpMethod.Get, "snap-api", "state");
                Assert.Equal(200, status);
                Assert.Equal("disabled", json.GetProperty("state").GetString());
                Assert.Equal("", json.GetProperty("code").GetString());

                (status, json) = await SendAsync(fx, HttpMethod.Post, "snap-api", "switch-on");
                Assert.Equal(400, status);
                Assert.Equal("FSS.0400", json.GetProperty("error_code").GetString());
                Assert.Contains("switch-on", json.GetProperty("error_msg").GetString(), StringComparison.Ordinal);
                (status, json) = await SendAsync(fx, HttpMethod.Get, "snap-api", "enable");
                Assert.Equal(400, status);
                Assert.Equal("FSS.0400", json.GetProperty("error_code").GetString());
                (status, json) = await SendAsync(fx, HttpMethod.Post, "no-such-function", "enable");
                Assert.Equal(404, status);
                Assert.False(string.IsNullOrEmpty(json.GetProperty("error_code").GetString()));
                (status, _) = await SendAsync(fx, HttpMethod.Get, "no-such-function", "state");
                Assert.Equal(404, status);

                (status, json) = await SendAsync(fx, HttpMethod.Post, "snap-api", "enable");
                Assert.Equal(200, status);
                Assert.Equal("enabled", json.GetProperty("state").GetString());
            }
            await using (var fx = await InvokerFixture.StartAsync(dataDir: data))
            {
                var (status, json) = await SendAsync(fx, HttpMethod.Get, "snap-api", "enableSnapshot");
                Assert.Equal(200, status);
                Assert.Equal("enabled", json.GetProperty("state").GetString());
                (status, json) = await SendAsync(fx, HttpMethod.Post, "snap-api", "disable");
                Assert.Equal(200, status);
                Assert.Equal("disabled", json.GetProperty("state").GetString());
            }
        }
        finally
        {
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_bootstrap_that_does_not_speak_the_checkpoint_protocol_gets_a_failed_snapshot_and_still_serves()
    {
        await using var fx = await InvokerFixture.StartAsync();
        var capability = (await fx.Host.Instances!.Snapshots!.Instances).Service.Capability;
        await fx.CreateOkAsync("snap-plain", PlainRuntime);
        Assert.Equal(200, (await SendAsync(fx, HttpMethod.Post, "snap-plain", "enable")).Status);
        await PublishOkAsync(fx, "snap-plain", "1");
        var state = await WaitWhileMakingAsync(fx, "snap-plain", "1");
        if (!capability.Available)
        {
            Assert.Equal("unsupported", state.GetProperty("state").GetString());
            Assert.False(string.IsNullOrEmpty(state.GetProperty("code").GetString()));
        }
        else
        {
            Assert.Equal("failed", state.GetProperty("state").GetString());
            Assert.Contains("checkpoint protocol", state.GetProperty("code").GetString(), StringComparison.Ordinal);
        }
        var r = await fx.InvokeAsync("snap-plain", "{}", qualifier: "1");
        Assert.True(r.HttpStatus == 200, r.ToString());
        Assert.Contains("plain", r.Result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_version_cold_starts_from_its_snapshot_and_a_corrupt_image_falls_back_to_a_cold_start()
    {
        await using var fx = await InvokerFixture.StartAsync();
        var snapshots = await fx.Host.Instances!.Snapshots!.Instances;
        if (!snapshots.Service.Capability.Available)
            Assert.Skip("CRIU cannot checkpoint on this host: " + snapshots.Service.Capability.Reason);

        await fx.CreateOkAsync("snap-dotnet", InvokerFixture.ZipFolder(SlowInitFolder()),
            "\"initializer_handler\":\"index.init\",\"initializer_timeout\":30,\"pre_stop_handler\":\"index.preStop\",\"pre_stop_timeout\":5,"
            + "\"user_data\":\"{\\\"INIT_MILLIS\\\":\\\"200\\\"}\"");
        Assert.Equal(200, (await SendAsync(fx, HttpMethod.Post, "snap-dotnet", "enable")).Status);
        await PublishOkAsync(fx, "snap-dotnet", "1");
        var state = await WaitWhileMakingAsync(fx, "snap-dotnet", "1");
        Assert.True(state.GetProperty("state").GetString() == "ready", state.ToString());
        // The unqualified URN reports the newest version published since snapshots were enabled.
        Assert.Equal("ready", (await SendAsync(fx, HttpMethod.Get, "snap-dotnet", "state", qualifier: null)).Json.GetProperty("state").GetString());

        var restored = await fx.InvokeAsync("snap-dotnet", """{"n":1}""", tail: true, qualifier: "1");
        Assert.True(restored.HttpStatus == 200, restored.ToString());
        // What the restored copy printed is in the invocation's tail log.
        Assert.Contains("slow-init handled", restored.Log);
        // CRIU was started ahead of the restore (a prepared worker), not for it.
        string[] lines;
        lock (fx.Log)
        {
            lines = [.. fx.Log];
        }
        Assert.Contains(lines, l => l.Contains(": restored copy ", StringComparison.Ordinal) && l.Contains("started ahead", StringComparison.Ordinal));
        using (var answer = JsonDocument.Parse(restored.Result!))
        {
            Assert.True(answer.RootElement.GetProperty("initialized").GetBoolean());
            Assert.Equal(1, answer.RootElement.GetProperty("restores").GetInt32());
            Assert.StartsWith("restored-", answer.RootElement.GetProperty("copyId").GetString(), StringComparison.Ordinal);
        }
        // Where the host has cgroups, the restored copy is limited like a spawned instance.
        if (fx.Host.Instances.Cgroups.Mode != Fgs.Invoker.Instances.CgroupMode.None)
        {
            var copy = Assert.Single(fx.Host.Instances.Snapshots!.Live);
            Assert.NotNull(copy.Cgroup);
            Assert.Contains(copy.ProcessId, copy.Cgroup!.Processes());
            var limit = copy.Cgroup.Directories.Select(d => Path.Combine(d, "memory.limit_in_bytes")).Concat(
                copy.Cgroup.Directories.Select(d => Path.Combine(d, "memory.max"))).First(File.Exists);
            Assert.Equal((128L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(limit).Trim());
        }

        // Restores are counted on /metrics, with the copy serving now.
        var series = $"{{function=\"{InvokerFixture.Urn("snap-dotnet", null)}\",version=\"1\"";
        var metrics = await fx.Client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains($"fgs_snapshot_restores_total{series},outcome=\"restored\"}} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"fgs_snapshot_restores_total{series},outcome=\"failed\"}} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"fgs_snapshot_restored_instances{series}}} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"fgs_snapshot_restore_seconds_count{series}}} 1\n", metrics, StringComparison.Ordinal);

        // Corrupt the image, and make the next invocation a cold start.
        var key = $"{InvokerFixture.Project}/default/snap-dotnet:1";
        Assert.True(snapshots.Service.Images.TryGet(key, out var image));
        foreach (var file in Directory.GetFiles(image.Directory, "*.img"))
            await File.WriteAllBytesAsync(file, Encoding.ASCII.GetBytes("not an image"));
        fx.Host.Instances.Retire(new FunctionVersionKey(new FunctionKey(InvokerFixture.Project, "default", "snap-dotnet"), "1"));
        // The retired restored copy was told first: its pre-stop line is in the function's log.
        var functionLog = Path.Combine(fx.DataDir, "logs", InvokerFixture.Project, "default", "snap-dotnet.log");
        await InvocationLifecycleTests.WaitUntil(
            () => File.Exists(functionLog) && File.ReadAllText(functionLog).Contains("fgs-runtime: pre-stop {\"pre_stop\":\"index.preStop\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15));

        var cold = await fx.InvokeAsync("snap-dotnet", """{"n":2}""", qualifier: "1");
        Assert.True(cold.HttpStatus == 200, cold.ToString());
        using (var answer = JsonDocument.Parse(cold.Result!))
        {
            Assert.True(answer.RootElement.GetProperty("initialized").GetBoolean());
            Assert.Equal(0, answer.RootElement.GetProperty("restores").GetInt32());
        }
        metrics = await fx.Client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains($"fgs_snapshot_restores_total{series},outcome=\"failed\"}} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"fgs_snapshot_restored_instances{series}}} 0\n", metrics, StringComparison.Ordinal);
        var (_, failed) = await SendAsync(fx, HttpMethod.Get, "snap-dotnet", "state", qualifier: "1");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("code").GetString()));
    }

    private static async Task<JsonElement> WaitWhileMakingAsync(InvokerFixture fx, string name, string version)
    {
        var until = DateTime.UtcNow + s_readyWithin;
        while (true)
        {
            var (status, json) = await SendAsync(fx, HttpMethod.Get, name, "state", qualifier: version);
            Assert.Equal(200, status);
            if (json.GetProperty("state").GetString() != "making" || DateTime.UtcNow > until)
                return json;
            await Task.Delay(100);
        }
    }

    private static async Task PublishOkAsync(InvokerFixture fx, string name, string version)
    {
        using var r = await fx.Client.PostAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn(name, null)}/versions",
            new StringContent($"{{\"version\":\"{version}\"}}", Encoding.UTF8, "application/json"));
        Assert.True(r.IsSuccessStatusCode, $"publish {name}:{version}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
    }

    private static async Task<(int Status, JsonElement Json)> SendAsync(InvokerFixture fx, HttpMethod method, string name, string action,
        string? qualifier = null)
    {
        using var request = new HttpRequestMessage(method, $"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn(name, qualifier)}/snapshots/{action}");
        if (method == HttpMethod.Post)
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await fx.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string SlowInitFolder()
    {
        var bin = Path.Combine(InvokerFixture.RepoRoot, "snapshot", "runtimes", "dotnet", "SlowInit", "bin");
        var found = Directory.Exists(bin)
            ? Directory.GetFiles(bin, "SlowInit.dll", SearchOption.AllDirectories)
                .Where(p => File.Exists(Path.Combine(Path.GetDirectoryName(p)!, "bootstrap")))
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
        return Path.GetDirectoryName(found ?? throw new FileNotFoundException("SlowInit is not built (dotnet build Core.sln)"))!;
    }
}
