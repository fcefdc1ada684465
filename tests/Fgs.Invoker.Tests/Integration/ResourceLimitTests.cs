using System.Text;
using Fgs.Invoker.Instances;
using Microsoft.Extensions.Time.Testing;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>Instance isolation with real processes: cgroup memory limits and CPU shares, the
/// "memory limit exceeded" kill, uid/gid 1003, nothing escaping a stop, idle-mode freeze and thaw
/// (cgroup freezer and the SIGSTOP fallback), and instance quotas (per function across versions,
/// per tenant) with an estimated Retry-After. Tests needing what the host lacks are skipped with
/// the reason.</summary>
public sealed class ResourceLimitTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);

    /// <summary>A Python bootstrap: the event (a JSON string) picks the behaviour.</summary>
    private const string Runtime = """
        #!/usr/bin/env python3
        import os, subprocess, sys, urllib.request
        api = "http://" + os.environ["RUNTIME_API_ADDR"] + "/v1/runtime/invocation"
        while True:
            try:
                with urllib.request.urlopen(api + "/request") as r:
                    rid = r.headers["X-Cff-Request-Id"]
                    ev = r.read().decode().strip().strip('"')
            except Exception:
                continue
            if ev.startswith("alloc:"):
                blob = bytearray(int(ev[6:]) * 1024 * 1024)
                for i in range(0, len(blob), 4096):
                    blob[i] = 1
                out = "allocated"
            elif ev == "id":
                out = "%d:%d" % (os.getuid(), os.getgid())
            elif ev.startswith("daemon:"):
                subprocess.Popen(["sleep", ev[7:]], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                out = "started"
            elif ev == "pid":
                out = str(os.getpid())
            elif ev.startswith("sleep:"):
                import time
                time.sleep(int(ev[6:]) / 1000)
                out = "slept"
            else:
                out = ev
            req = urllib.request.Request(api + "/response/" + rid, data=out.encode(), method="POST")
            urllib.request.urlopen(req).read()
        """;

    private static byte[] Package => InvokerFixture.ZipBootstrap(Runtime);

    private static void RequireCgroups(InvokerFixture fx)
    {
        var cgroups = fx.Host.Instances!.Cgroups;
        if (cgroups.Mode == CgroupMode.None)
        {
            Assert.Skip("no usable cgroups on this host: " + cgroups.Reason);
        }
    }

    private static ProcessInstance OnlyInstance(InvokerFixture fx) => Assert.Single(fx.Host.Instances!.Live);

    [Fact]
    public async Task Instance_runs_in_its_cgroup_with_memory_limit_and_cpu_share_of_its_size()
    {
        await using var fx = await InvokerFixture.StartAsync();
        RequireCgroups(fx);
        await fx.CreateOkAsync("limited", Package, "\"memory_size\":256");
        var r = await fx.InvokeAsync("limited", "\"pid\"");
        Assert.Equal(200, r.Status);
        var instance = OnlyInstance(fx);
        var cgroup = instance.Cgroup!;
        Assert.Contains(int.Parse(r.Result!, System.Globalization.CultureInfo.InvariantCulture), cgroup.Processes());
        var memoryDir = cgroup.Directories.First(d => File.Exists(Path.Combine(d, "memory.limit_in_bytes")) || File.Exists(Path.Combine(d, "memory.max")));
        var limitFile = File.Exists(Path.Combine(memoryDir, "memory.max")) ? "memory.max" : "memory.limit_in_bytes";
        Assert.Equal((256L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            File.ReadAllText(Path.Combine(memoryDir, limitFile)).Trim());
        // 256 MB gives 75 millicores (300 per GB): cpu.shares 76 of 1024, or cpu.weight 7 of 100.
        var shares = cgroup.Directories.Select(d => Path.Combine(d, "cpu.shares")).FirstOrDefault(File.Exists);
        var weight = cgroup.Directories.Select(d => Path.Combine(d, "cpu.weight")).FirstOrDefault(File.Exists);
        if (shares is not null)
        {
            Assert.Equal("76", File.ReadAllText(shares).Trim());
        }
        else
        {
            Assert.Equal("7", File.ReadAllText(weight!).Trim());
        }
    }

    [Fact]
    public async Task Exceeding_the_memory_size_kills_the_instance_and_reports_memory_limit_exceeded()
    {
        await using var fx = await InvokerFixture.StartAsync();
        RequireCgroups(fx);
        await fx.CreateOkAsync("hungry", Package, "\"memory_size\":128,\"timeout\":30");
        Assert.Equal("allocated", (await fx.InvokeAsync("hungry", "\"alloc:16\"")).Result);

        var r = await fx.InvokeAsync("hungry", "\"alloc:400\"", tail: true);
        Assert.Equal(500, r.Status);
        Assert.Equal("FSS.4107", r.ErrorCode);
        Assert.Contains("memory limit exceeded (128 MB)", r.ErrorMsg);
        await InvocationLifecycleTests.WaitUntil(() => fx.Host.Instances!.LiveInstances == 0, TimeSpan.FromSeconds(10));

        // A new instance serves the next request.
        Assert.Equal("after", (await fx.InvokeAsync("hungry", "\"after\"")).Result);
    }

    [Fact]
    public async Task Instances_run_as_uid_and_gid_1003_when_the_invoker_is_root()
    {
        await using var fx = await InvokerFixture.StartAsync();
        if (Libc.GetUid() != 0)
        {
            Assert.Skip("the invoker is not root, so it cannot switch instances to uid 1003");
        }
        if (Supervisor.SpawnHelperPath is null)
        {
            Assert.Skip("fgs-spawn was not built next to the invoker");
        }
        await fx.CreateOkAsync("unprivileged", Package);
        var r = await fx.InvokeAsync("unprivileged", "\"id\"");
        Assert.Equal(200, r.Status);
        Assert.Equal("1003:1003", r.Result);
    }

    [Fact]
    public async Task Instance_user_none_keeps_the_invokers_user()
    {
        await using var fx = await InvokerFixture.StartAsync(o => o.InstanceUser = "none");
        await fx.CreateOkAsync("same-user", Package);
        var r = await fx.InvokeAsync("same-user", "\"id\"");
        Assert.Equal($"{Libc.GetUid()}:{Libc.GetGid()}", r.Result);
    }

    [Fact]
    public async Task A_process_that_left_the_session_is_killed_with_its_instance()
    {
        var marker = "1234." + Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using (var fx = await InvokerFixture.StartAsync())
        {
            RequireCgroups(fx);
            await fx.CreateOkAsync("daemonizer", Package);
            Assert.Equal("started", (await fx.InvokeAsync("daemonizer", $"\"daemon:{marker}\"")).Result);
            await InvocationLifecycleTests.WaitUntil(() => FindProcess("sleep", marker) > 0, TimeSpan.FromSeconds(5));
            var daemon = FindProcess("sleep", marker);
            Assert.NotEqual(Libc.GetPgid(OnlyInstance(fx).ProcessId), Libc.GetPgid(daemon));
        }
        await InvocationLifecycleTests.WaitUntil(() => FindProcess("sleep", marker) == 0, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Idle_mode_freezes_an_idle_reserved_instance_and_thaws_it_for_the_next_request()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await InvokerFixture.StartAsync(time: clock);
        RequireCgroups(fx);
        if (!fx.Host.Instances!.Cgroups.CanFreeze)
        {
            Assert.Skip("the host's cgroups have no freezer: " + fx.Host.Instances.Cgroups.Reason);
        }
        await FreezeThawAsync(fx, clock, instance =>
        {
            var freezer = instance.Cgroup!.Directories.Select(d => Path.Combine(d, "freezer.state")).FirstOrDefault(File.Exists);
            return freezer is not null
                ? File.ReadAllText(freezer).Trim() == "FROZEN"
                : File.ReadAllText(Path.Combine(instance.Cgroup.Directories[0], "cgroup.events")).Contains("frozen 1", StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Idle_mode_without_cgroups_pauses_with_sigstop_and_resumes_with_sigcont()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fx = await InvokerFixture.StartAsync(o => o.UseCgroups = false, time: clock);
        await FreezeThawAsync(fx, clock, instance => ProcessState(instance.ProcessId) == 'T');
    }

    private static async Task FreezeThawAsync(InvokerFixture fx, FakeTimeProvider clock, Func<ProcessInstance, bool> isPaused)
    {
        await fx.CreateOkAsync("idle", Package);
        using (var put = await fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("idle")}/reservedinstances",
                   new StringContent("{\"count\":1,\"idle_mode\":true}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)put.StatusCode);
        }
        await InvocationLifecycleTests.WaitUntil(
            () => fx.Host.Instances!.PoolCounts().Any(p => p.Kind == "reserved" && p.Idle == 1), StartLimit);
        var instance = OnlyInstance(fx);
        Assert.False(instance.IsFrozen);

        // Idle past --idle-freeze-after (1 s) on the fake clock: the next sweep pauses it.
        for (var i = 0; i < 4 && !instance.IsFrozen; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
        Assert.True(instance.IsFrozen);
        Assert.True(isPaused(instance));
        var metrics = await fx.Client.GetStringAsync("/metrics");
        Assert.Contains("kind=\"reserved\",state=\"frozen\"} 1", metrics);
        Assert.Contains("fgs_instance_thaw_seconds_count 0", metrics);

        var r = await fx.InvokeAsync("idle", "\"warm\"");
        Assert.Equal("warm", r.Result);
        Assert.False(r.Headers.Contains("X-Cff-Cold-Start"), r.ToString());
        Assert.False(instance.IsFrozen);
        Assert.False(isPaused(instance));
        metrics = await fx.Client.GetStringAsync("/metrics");
        Assert.Contains("fgs_instance_thaw_seconds_count 1", metrics);
        Assert.Same(instance, OnlyInstance(fx));
    }

    [Fact]
    public async Task Max_instances_is_one_limit_for_all_versions_of_a_function()
    {
        await using var fx = await InvokerFixture.StartAsync();
        await fx.CreateOkAsync("shared-cap", Package);
        var functionPath = $"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("shared-cap", null)}";
        using (var put = await fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("shared-cap")}/config-max-instance",
                   new StringContent("{\"max_instance_num\":1}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)put.StatusCode);
        }
        using (var published = await fx.Client.PostAsync($"{functionPath}/versions",
                   new StringContent("{\"version\":\"v1\"}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)published.StatusCode);
        }
        var busy = fx.InvokeAsync("shared-cap", "\"sleep:2000\"");
        await InvocationLifecycleTests.WaitUntil(() => fx.Host.Instances!.LiveInstances == 1, StartLimit);
        var rejected = await fx.InvokeAsync("shared-cap", "\"x\"", qualifier: "v1");
        Assert.Equal(429, rejected.HttpStatus);
        Assert.Equal("FSS.0429", rejected.ErrorCode);
        Assert.True(rejected.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), rejected.Headers.ToString());
        Assert.Equal("slept", (await busy).Result);
        // Now latest's instance is idle: it gives way to v1 rather than the request being rejected.
        Assert.Equal("x", (await fx.InvokeAsync("shared-cap", "\"x\"", qualifier: "v1")).Result);
        await InvocationLifecycleTests.WaitUntil(() => fx.Host.Instances!.LiveInstances == 1, StartLimit);
    }

    [Fact]
    public async Task The_tenant_instance_quota_limits_all_functions_of_a_project_together()
    {
        await using var fx = await InvokerFixture.StartAsync(o => o.MaxInstancesPerTenant = 1);
        await fx.CreateOkAsync("first", Package);
        await fx.CreateOkAsync("second", Package);
        var busy = fx.InvokeAsync("first", "\"sleep:2000\"");
        await InvocationLifecycleTests.WaitUntil(() => fx.Host.Instances!.LiveInstances == 1, StartLimit);
        var rejected = await fx.InvokeAsync("second", "\"x\"");
        Assert.Equal(429, rejected.HttpStatus);
        Assert.Equal("FSS.0429", rejected.ErrorCode);
        using (var quotas = System.Text.Json.JsonDocument.Parse(await fx.Client.GetStringAsync($"/v2/{InvokerFixture.Project}/fgs/quotas")))
        {
            var instances = quotas.RootElement.GetProperty("quotas").GetProperty("resources").EnumerateArray()
                .Single(q => q.GetProperty("type").GetString() == "fgs_on_demand_instance_limit");
            Assert.Equal(1, instances.GetProperty("quota").GetInt32());
            Assert.Equal(1, instances.GetProperty("used").GetInt32());
        }
        Assert.Equal("slept", (await busy).Result);
        // Idle, the first function's instance gives way to the second.
        Assert.Equal("y", (await fx.InvokeAsync("second", "\"y\"")).Result);
    }

    private static int FindProcess(string comm, string argument)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (cmdline.Length >= 2 && Path.GetFileName(cmdline[0]) == comm && cmdline[1] == argument)
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
        }
        return 0;
    }

    private static char ProcessState(int pid)
    {
        // /proc/PID/stat: "PID (COMM) STATE ..."; COMM may hold spaces, so look after the last ')'.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }
}
