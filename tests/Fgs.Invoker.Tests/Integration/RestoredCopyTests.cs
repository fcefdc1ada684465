using System.Text;
using System.Text.Json;
using Fgs.Invoker.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>A copy restored from a published version's snapshot serves like any instance: Start and
/// Finish lines around its invocations, heartbeat events while idle, and the instance user where CRIU
/// can checkpoint it (real CRIU; skipped with the reason where it cannot run). Heartbeat timing runs
/// on a fake clock.</summary>
public sealed class RestoredCopyTests
{
    [Fact]
    public async Task A_restored_copy_frames_its_invocations_in_the_logs_and_answers_heartbeats()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await InvokerFixture.StartAsync(time: clock);
        var snapshots = await fx.Host.Instances!.Snapshots!.Instances;
        if (!snapshots.Service.Capability.Available)
            Assert.Skip("CRIU cannot checkpoint on this host: " + snapshots.Service.Capability.Reason);

        const string name = "snap-copy";
        const string userData = "\"user_data\":\"{\\\"INIT_MILLIS\\\":\\\"200\\\"}\"";
        await fx.CreateOkAsync(name, InvokerFixture.ZipFolder(SlowInitFolder()),
            "\"initializer_handler\":\"index.init\",\"initializer_timeout\":30," + userData);
        // The heartbeat handler is a config setting (the create body has no such field).
        using (var put = await fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn(name)}/config", new StringContent(
            "{\"func_name\":\"" + name + "\",\"runtime\":\"Custom\",\"handler\":\"bootstrap\",\"memory_size\":128,\"timeout\":30,\"heartbeat_handler\":\"index.heartbeat\"}",
            Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)put.StatusCode);
        }
        using (var enable = await fx.Client.PostAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn(name)}/snapshots/enable",
            new StringContent("{}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)enable.StatusCode);
        }
        using (var publish = await fx.Client.PostAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn(name, null)}/versions",
            new StringContent("{\"version\":\"1\"}", Encoding.UTF8, "application/json")))
        {
            Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync());
        }
        var state = await WaitWhileMakingAsync(fx, name);
        Assert.True(state.GetProperty("state").GetString() == "ready", state.ToString());

        var restored = await fx.InvokeAsync(name, """{"n":1}""", tail: true, qualifier: "1");
        Assert.True(restored.HttpStatus == 200, restored.ToString());
        using (var answer = JsonDocument.Parse(restored.Result!))
            Assert.Equal(1, answer.RootElement.GetProperty("restores").GetInt32());
        var copy = Assert.Single(fx.Host.Instances.Snapshots!.Live);

        // Start, the copy's own output, Finish: in the tail log and in the function's log.
        var start = restored.Log.IndexOf("Start invoke request '", StringComparison.Ordinal);
        Assert.True(start >= 0, restored.Log);
        var requestId = restored.Log[(start + "Start invoke request '".Length)..].Split('\'')[0];
        AssertFramed(restored.Log, requestId);
        Assert.Contains(", billing memory: 128MB", restored.Log);
        var functionLog = Path.Combine(fx.DataDir, "logs", InvokerFixture.Project, "default", name + ".log");
        await InvocationLifecycleTests.WaitUntil(
            () => File.Exists(functionLog) && File.ReadAllText(functionLog).Contains($"Finish invoke request '{requestId}'", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        AssertFramed(File.ReadAllText(functionLog), requestId);

        // Idle, it gets heartbeat events, which the snapshot runtime answers.
        clock.Advance(TimeSpan.FromSeconds(5)); // arms the first heartbeat
        for (var beat = 1; beat <= 3; beat++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            var expected = beat;
            await InvocationLifecycleTests.WaitUntil(() => copy.HealthyHeartbeats >= expected || copy.Exited.IsCompleted, TimeSpan.FromSeconds(10));
        }
        Assert.Equal(3, copy.HealthyHeartbeats);
        Assert.Equal(0, copy.MissedHeartbeats);
        Assert.False(copy.Exited.IsCompleted);

        // Where CRIU can checkpoint another user's process, the copy's runtime runs as the instance
        // user, as a spawned instance does.
        if (Fgs.Snapshot.Processes.PidNamespaceLauncher.UserSwitchUnavailableReason is null && Fgs.Invoker.Instances.Libc.GetUid() == 0)
        {
            var runtime = Fgs.Invoker.Instances.ProcessTree.Collect(copy.ProcessId).Where(p => p != copy.ProcessId).ToList();
            Assert.NotEmpty(runtime);
            Assert.All(runtime, p => Assert.Equal("1003",
                File.ReadAllLines($"/proc/{p}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1]));
        }
        else
        {
            TestContext.Current.SendDiagnosticMessage("copies run as the invoker's user here: " + Fgs.Snapshot.Processes.PidNamespaceLauncher.UserSwitchUnavailableReason);
        }

        var again = await fx.InvokeAsync(name, """{"n":2}""", qualifier: "1");
        Assert.True(again.HttpStatus == 200, again.ToString());
        Assert.Single(fx.Host.Instances.Snapshots!.Live);
    }

    private static void AssertFramed(string log, string requestId)
    {
        var start = log.IndexOf($"Start invoke request '{requestId}', version: 1\n", StringComparison.Ordinal);
        var output = log.IndexOf($"slow-init handled {requestId}", StringComparison.Ordinal);
        var finish = log.IndexOf($"Finish invoke request '{requestId}', duration: ", StringComparison.Ordinal);
        Assert.True(start >= 0 && start < output && output < finish, "not framed in order:\n" + log);
    }

    private static Task<JsonElement> WaitWhileMakingAsync(InvokerFixture fx, string name) =>
        SnapshotRest.WaitWhileMakingAsync(fx.Client, InvokerFixture.Urn(name, "1"), TimeSpan.FromSeconds(60));

    private static string SlowInitFolder() => SnapshotRest.SlowInitFolder();
}
