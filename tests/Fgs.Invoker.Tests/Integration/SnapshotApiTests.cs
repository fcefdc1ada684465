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
        var data = Path.Combine(Path.GetTempPath(), "fgs-test-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            bool available;
            await using (var fx = await InvokerFixture.StartAsync(dataDir: data))
            {
                var capability = (await fx.Host.Instances!.Snapshots!.Instances).Service.Capability;
                available = capability.Available;
                await fx.CreateOkAsync("snap-plain", PlainRuntime);
                Assert.Equal(200, (await SendAsync(fx, HttpMethod.Post, "snap-plain", "enable")).Status);
                await PublishOkAsync(fx, "snap-plain", "1");
                var state = await WaitWhileMakingAsync(fx, "snap-plain", "1");
                if (!available)
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
            if (!available)
                return;

            // After a restart the failure is remembered for the same code: not made again (no 30 s
            // attempt per start), still failed with its reason, and the version still serves.
            await using (var fx = await InvokerFixture.StartAsync(dataDir: data))
            {
                var state = await WaitWhileMakingAsync(fx, "snap-plain", "1");
                Assert.Equal("failed", state.GetProperty("state").GetString());
                Assert.Contains("checkpoint protocol", state.GetProperty("code").GetString(), StringComparison.Ordinal);
                Assert.Contains("before this start", state.GetProperty("code").GetString(), StringComparison.Ordinal);
                Assert.DoesNotContain(LogLines(fx), l => l.Contains("snap-plain:1: snapshot", StringComparison.Ordinal));
                var r = await fx.InvokeAsync("snap-plain", "{}", qualifier: "1");
                Assert.True(r.HttpStatus == 200, r.ToString());

                // Enabling snapshots again clears the record: the next start makes it again.
                Assert.Equal(200, (await SendAsync(fx, HttpMethod.Post, "snap-plain", "enable")).Status);
            }
            await using (var fx = await InvokerFixture.StartAsync(dataDir: data))
            {
                var state = await WaitWhileMakingAsync(fx, "snap-plain", "1");
                Assert.Equal("failed", state.GetProperty("state").GetString());
                Assert.DoesNotContain("before this start", state.GetProperty("code").GetString(), StringComparison.Ordinal);
                Assert.Contains(LogLines(fx), l => l.Contains("snap-plain:1: snapshot failed", StringComparison.Ordinal));
            }
        }
        finally
        {
            if (Directory.Exists(data))
                Directory.Delete(data, recursive: true);
        }
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

    private const string SlowInitConfig = "\"initializer_handler\":\"index.init\",\"initializer_timeout\":30,"
        + "\"user_data\":\"{\\\"INIT_MILLIS\\\":\\\"200\\\"}\"";

    [Fact]
    public async Task Snapshots_are_kept_across_a_restart_made_again_when_their_image_is_gone_and_deleted_with_their_version()
    {
        var data = Path.Combine(Path.GetTempPath(), "fgs-test-" + Guid.NewGuid().ToString("N")[..10]);
        var images = Fgs.Invoker.Snapshots.SnapshotSupport.StoreRoot(data);
        try
        {
            await using (var fx = await InvokerFixture.StartAsync(dataDir: data))
            {
                var capability = (await fx.Host.Instances!.Snapshots!.Instances).Service.Capability;
                if (!capability.Available)
                    Assert.Skip("CRIU cannot checkpoint on this host: " + capability.Reason);
                await fx.CreateOkAsync("snap-keep", InvokerFixture.ZipFolder(SlowInitFolder()), SlowInitConfig);
                await PublishOkAsync(fx, "snap-keep", "1"); // before snapshots were enabled: none
                Assert.Equal(200, (await SendAsync(fx, HttpMethod.Post, "snap-keep", "enable")).Status);
                await PublishOkAsync(fx, "snap-keep", "2");
                await PublishOkAsync(fx, "snap-keep", "3");
                AssertReady(await WaitWhileMakingAsync(fx, "snap-keep", "2"));
                AssertReady(await WaitWhileMakingAsync(fx, "snap-keep", "3"));
                await AssertRestoredAsync(fx, "snap-keep", "2"); // a restore leaves the image as it was
            }
            Assert.Equal(2, ImageFolders(images).Count); // a normal stop keeps them

            // A restart takes both up without making them again.
            await using (var fx = await InvokerFixture.StartAsync(dataDir: data))
            {
                await fx.Host.Instances!.Snapshots!.Recovered;
                AssertReady((await SendAsync(fx, HttpMethod.Get, "snap-keep", "state", qualifier: "2")).Json);
                AssertReady((await SendAsync(fx, HttpMethod.Get, "snap-keep", "state", qualifier: null)).Json);
                var (_, one) = await SendAsync(fx, HttpMethod.Get, "snap-keep", "state", qualifier: "1");
                Assert.Equal("enabled", one.GetProperty("state").GetString());
                Assert.Contains(LogLines(fx), l => l.Contains("snapshots: 2 kept from the previous run ready again", StringComparison.Ordinal));
                Assert.DoesNotContain(LogLines(fx), l => l.Contains("snapshot ready", StringComparison.Ordinal));
                await AssertRestoredAsync(fx, "snap-keep", "2");

                // Deleting a version deletes its image.
                using (var deleted = await fx.Client.DeleteAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("snap-keep", "3")}"))
                    Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync());
                Assert.Single(ImageFolders(images));
            }

            // The images are gone (as after a reboot): the snapshot is made again at start.
            Directory.Delete(images, recursive: true);
            await using (var fx = await InvokerFixture.StartAsync(dataDir: data))
            {
                var (_, state) = await SendAsync(fx, HttpMethod.Get, "snap-keep", "state", qualifier: "2");
                Assert.Equal("making", state.GetProperty("state").GetString());
                AssertReady(await WaitWhileMakingAsync(fx, "snap-keep", "2"));
                Assert.Contains(LogLines(fx), l => l.Contains("1 to make again", StringComparison.Ordinal));
                await AssertRestoredAsync(fx, "snap-keep", "2");

                // Disabling deletes the images.
                Assert.Equal(200, (await SendAsync(fx, HttpMethod.Post, "snap-keep", "disable")).Status);
                Assert.Empty(ImageFolders(images));
            }
        }
        finally
        {
            try { Directory.Delete(data, true); } catch (IOException) { }
            try { Directory.Delete(images, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task After_kill_9_the_next_invoker_kills_what_the_first_left_and_serves_restored_copies_again()
    {
        List<(int Pid, long Start)> daemons = [];
        var bin = Environment.GetEnvironmentVariable("FGS_INVOKER_BIN");
        if (bin is null || !File.Exists(bin))
            Assert.Skip("FGS_INVOKER_BIN does not name a published invoker (./test.sh publishes it with Native AOT and sets it)");
        var data = Path.Combine(Path.GetTempPath(), "fgs-exe-" + Guid.NewGuid().ToString("N")[..10]);
        var images = Fgs.Invoker.Snapshots.SnapshotSupport.StoreRoot(data);
        var port = FreePort();
        try
        {
            List<(int Pid, long Start)> left;
            var first = StartInvoker(bin, port, data);
            try
            {
                using var client = await ReadyClientAsync(port);
                await CreateAsync(client, "snap-kill", SlowInitFolder());
                using (var enabled = await client.PostAsync(SnapshotPath("snap-kill", null, "enable"), Json("{}")))
                    Assert.Equal(200, (int)enabled.StatusCode);
                using (var published = await client.PostAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("snap-kill", null)}/versions", Json("{\"version\":\"1\"}")))
                    Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
                var state = await WaitWhileMakingAsync(client, "snap-kill", "1");
                if (state.GetProperty("state").GetString() == "unsupported")
                    Assert.Skip("CRIU cannot checkpoint on this host: " + state.GetProperty("code").GetString());
                Assert.True(state.GetProperty("state").GetString() == "ready", state.ToString());

                var restored = await InvokeAsync(client, "snap-kill", "1");
                Assert.Equal(1, restored.GetProperty("restores").GetInt32());
                Assert.StartsWith("restored-", restored.GetProperty("copyId").GetString(), StringComparison.Ordinal);
                var ordinary = await InvokeAsync(client, "snap-kill", "latest"); // latest is never snapshotted
                Assert.Equal(0, ordinary.GetProperty("restores").GetInt32());

                // The restore of the next copy is prepared ahead: a lazy-pages daemon for v1's image waits.
                await InvocationLifecycleTests.WaitUntil(() => LazyDaemonsOf(first.Process.Id).Count > 0, TimeSpan.FromSeconds(20));
                daemons = LazyDaemonsOf(first.Process.Id);
                left = InstanceProcesses(data);
                // The restored copy (a namespace init, pid 1 inside) and the ordinary instance.
                Assert.True(left.Count >= 2, $"instance processes: {string.Join(", ", left)}");
                Assert.Equal(0, Kill(first.Process.Id, 9));
                await first.Process.WaitForExitAsync();
            }
            finally
            {
                first.Process.Dispose();
            }
            foreach (var (pid, start) in left)
                Assert.True(StartTime(pid) == start, $"instance process {pid} did not outlive the killed invoker");
            foreach (var (pid, start) in daemons)
                Assert.True(StartTime(pid) == start, $"lazy-pages daemon {pid} did not outlive the killed invoker");

            var second = StartInvoker(bin, port, data);
            try
            {
                using var client = await ReadyClientAsync(port);
                foreach (var (pid, start) in left)
                    Assert.False(StartTime(pid) == start, $"left-over instance process {pid} is still running");
                foreach (var (pid, start) in daemons)
                    Assert.False(StartTime(pid) == start, $"left-over lazy-pages daemon {pid} is still running");
                var line = second.Lines().FirstOrDefault(l => l.Contains("instance processes left running by a previous invoker", StringComparison.Ordinal));
                Assert.True(line is not null, "no clean-up line in the log: " + string.Join(" | ", second.Lines()));
                Assert.Matches(@"killed \d+ instance processes", line);

                var state = await WaitWhileMakingAsync(client, "snap-kill", "1");
                Assert.True(state.GetProperty("state").GetString() == "ready", state.ToString());
                Assert.True(second.Lines().Exists(l => l.Contains("snapshots: 1 kept from the previous run ready again", StringComparison.Ordinal)), string.Join("\n", second.Lines()));
                var restored = await InvokeAsync(client, "snap-kill", "1");
                Assert.Equal(1, restored.GetProperty("restores").GetInt32());
                Assert.StartsWith("restored-", restored.GetProperty("copyId").GetString(), StringComparison.Ordinal);

                Assert.Equal(0, Kill(second.Process.Id, 15));
                await second.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                if (!second.Process.HasExited)
                    second.Process.Kill();
                second.Process.Dispose();
            }
            Assert.Empty(InstanceProcesses(data));
        }
        finally
        {
            try { Directory.Delete(data, true); } catch (IOException) { }
            try { Directory.Delete(images, true); } catch (IOException) { }
        }
    }

    private sealed record RunningInvoker(System.Diagnostics.Process Process, List<string> Output)
    {
        public List<string> Lines()
        {
            lock (Output)
                return [.. Output];
        }
    }

    private static RunningInvoker StartInvoker(string bin, int port, string data)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "serve", "--listen", "127.0.0.1:" + port, "--data", data })
            psi.ArgumentList.Add(a);
        var process = System.Diagnostics.Process.Start(psi)!;
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RunningInvoker(process, output);
    }

    private static async Task<HttpClient> ReadyClientAsync(int port)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var health = await client.GetAsync("/healthz");
                if (health.IsSuccessStatusCode)
                    return client;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until)
            {
            }
            await Task.Delay(50);
        }
    }

    private static async Task CreateAsync(HttpClient client, string name, string folder)
    {
        var body = $$"""
            {"func_name":"{{name}}","package":"default","runtime":"Custom","handler":"bootstrap","memory_size":128,"timeout":30,
             "code_type":"zip","func_code":{"file":"{{Convert.ToBase64String(InvokerFixture.ZipFolder(folder))}}"},{{SlowInitConfig}}}
            """;
        using var r = await client.PostAsync(InvokerFixture.FunctionsPath, Json(body));
        Assert.True(r.IsSuccessStatusCode, $"create {name}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonElement> InvokeAsync(HttpClient client, string name, string qualifier)
    {
        using var r = await client.PostAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn(name, qualifier)}/invocations", Json("""{"n":1}"""));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, text);
        using var doc = JsonDocument.Parse(text);
        return JsonDocument.Parse(doc.RootElement.GetProperty("result").GetString()!).RootElement.Clone();
    }

    private static async Task<JsonElement> WaitWhileMakingAsync(HttpClient client, string name, string version)
    {
        var until = DateTime.UtcNow + s_readyWithin;
        while (true)
        {
            using var r = await client.GetAsync(SnapshotPath(name, version, "state"));
            Assert.Equal(200, (int)r.StatusCode);
            var json = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
            if (json.GetProperty("state").GetString() != "making" || DateTime.UtcNow > until)
                return json;
            await Task.Delay(100);
        }
    }

    private static string SnapshotPath(string name, string? qualifier, string action) =>
        $"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn(name, qualifier)}/snapshots/{action}";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Processes working in the data folder's code (instances, snapshot makers and restored copies), with their start times.</summary>
    private static List<(int Pid, long Start)> InstanceProcesses(string data)
    {
        var result = new List<(int, long)>();
        var code = Path.Combine(data, "code") + "/";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var cwd = new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget;
                if (cwd is not null && (cwd + "/").StartsWith(code, StringComparison.Ordinal) && StartTime(pid) is >= 0 and var start)
                    result.Add((pid, start));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return result;
    }

    private static long StartTime(int pid) => Fgs.Invoker.Hosting.InstanceProcessRecord.StartTime(pid);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    private static async Task AssertRestoredAsync(InvokerFixture fx, string name, string version)
    {
        var r = await fx.InvokeAsync(name, """{"n":1}""", qualifier: version);
        Assert.True(r.HttpStatus == 200, r.ToString());
        using var answer = JsonDocument.Parse(r.Result!);
        Assert.Equal(1, answer.RootElement.GetProperty("restores").GetInt32());
        Assert.StartsWith("restored-", answer.RootElement.GetProperty("copyId").GetString(), StringComparison.Ordinal);
    }

    private static void AssertReady(JsonElement state) =>
        Assert.True(state.GetProperty("state").GetString() == "ready", state.ToString());

    private static List<string> LogLines(InvokerFixture fx)
    {
        lock (fx.Log)
            return [.. fx.Log];
    }

    private static List<string> ImageFolders(string root) =>
        Directory.Exists(root) ? [.. Directory.GetDirectories(root)] : [];

    [Fact]
    public async Task A_reserved_instance_of_a_version_with_a_snapshot_is_a_restored_copy_paused_when_idle_and_resumed_for_its_invocation()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await InvokerFixture.StartAsync(time: clock);
        var snapshots = await fx.Host.Instances!.Snapshots!.Instances;
        if (!snapshots.Service.Capability.Available)
            Assert.Skip("CRIU cannot checkpoint on this host: " + snapshots.Service.Capability.Reason);

        await fx.CreateOkAsync("snap-reserved", InvokerFixture.ZipFolder(SlowInitFolder()),
            "\"initializer_handler\":\"index.init\",\"initializer_timeout\":30,\"user_data\":\"{\\\"INIT_MILLIS\\\":\\\"200\\\"}\"");
        Assert.Equal(200, (await SendAsync(fx, HttpMethod.Post, "snap-reserved", "enable")).Status);
        await PublishOkAsync(fx, "snap-reserved", "1");
        var state = await WaitWhileMakingAsync(fx, "snap-reserved", "1");
        Assert.True(state.GetProperty("state").GetString() == "ready", state.ToString());

        // One reserved instance of version 1, in idle mode: the pool gets it by restoring a copy.
        using (var put = await fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("snap-reserved", "1")}/reservedinstances",
                   new StringContent("{\"count\":1,\"idle_mode\":true}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
        {
            Assert.Equal(200, (int)put.StatusCode);
        }
        await InvocationLifecycleTests.WaitUntil(
            () => fx.Host.Instances.PoolCounts().Any(p => p.Version == "1" && p.Kind == "reserved" && p.Idle == 1), TimeSpan.FromSeconds(60));
        var copy = Assert.Single(fx.Host.Instances.Snapshots!.Live);
        // Paused with the cgroup freezer where the copy has a group with one, else with SIGSTOP.
        var usesFreezer = copy.Cgroup is { CanFreeze: true };
        Assert.Equal(fx.Host.Instances.Cgroups.Mode != Fgs.Invoker.Instances.CgroupMode.None && fx.Host.Instances.Cgroups.CanFreeze, usesFreezer);
        var freezer = copy.Cgroup?.Directories.Select(d => Path.Combine(d, "freezer.state")).FirstOrDefault(File.Exists);
        bool IsPaused() => !usesFreezer ? ProcessState(copy.ProcessId) == 'T'
            : freezer is not null ? File.ReadAllText(freezer).Trim() == "FROZEN"
            : File.ReadAllText(Path.Combine(copy.Cgroup!.Directories[0], "cgroup.events")).Contains("frozen 1", StringComparison.Ordinal);
        Assert.False(IsPaused());

        // Idle past --idle-freeze-after on the fake clock: the copy is paused.
        for (var i = 0; i < 6 && !IsPaused(); i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.True(IsPaused(), usesFreezer ? "not frozen (cgroup freezer)" : "not stopped (SIGSTOP)");
        var metrics = await fx.Client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains($"version=\"1\",memory=\"128\",kind=\"reserved\",state=\"frozen\"}} 1", metrics, StringComparison.Ordinal);

        // The invocation resumes it and is served by it: a warm start of the restored copy.
        var r = await fx.InvokeAsync("snap-reserved", "{\"n\":1}", qualifier: "1");
        Assert.True(r.HttpStatus == 200, r.ToString());
        Assert.False(r.Headers.Contains("X-Cff-Cold-Start"), r.ToString());
        using (var answer = JsonDocument.Parse(r.Result!))
        {
            Assert.Equal(1, answer.RootElement.GetProperty("restores").GetInt32());
            Assert.StartsWith("restored-", answer.RootElement.GetProperty("copyId").GetString(), StringComparison.Ordinal);
        }
        Assert.False(IsPaused());
        Assert.Same(copy, Assert.Single(fx.Host.Instances.Snapshots!.Live));
    }

    /// <summary>The lazy-pages daemons (CRIU) started by process <paramref name="parent"/>, with their start times.</summary>
    private static List<(int Pid, long Start)> LazyDaemonsOf(int parent)
    {
        var found = new List<(int, long)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == parent
                    && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("lazy-pages", StringComparison.Ordinal))
                    found.Add((pid, StartTime(pid)));
            }
            catch (IOException)
            {
            }
        }
        return found;
    }

    private static char ProcessState(int pid)
    {
        // /proc/PID/stat: "PID (COMM) STATE ..."; COMM may hold spaces, so look after the last ')'.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    private static Task<JsonElement> WaitWhileMakingAsync(InvokerFixture fx, string name, string version) =>
        SnapshotRest.WaitWhileMakingAsync(fx.Client, InvokerFixture.Urn(name, version), s_readyWithin);

    private static Task PublishOkAsync(InvokerFixture fx, string name, string version) =>
        SnapshotRest.PublishOkAsync(fx.Client, InvokerFixture.Urn(name, null), version);

    private static Task<(int Status, JsonElement Json)> SendAsync(InvokerFixture fx, HttpMethod method, string name, string action,
        string? qualifier = null) =>
        SnapshotRest.SendAsync(fx.Client, method, InvokerFixture.Urn(name, qualifier), action);

    private static string SlowInitFolder() => SnapshotRest.SlowInitFolder();
}
