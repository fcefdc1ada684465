using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fgs.Invoker.Instances;
using Fgs.Invoker.Snapshots;
using Fgs.Snapshot.Criu;
using Fgs.Snapshot.Lifecycle;

namespace Fgs.Invoker.Tests.Snapshots;

/// <summary>Snapshots through the invoker's own runtime API (real CRIU; skipped with the reason where it cannot run).</summary>
public sealed class SnapshotInstancesTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("java")]
    [InlineData("dotnet")]
    public async Task A_version_snapshot_restores_two_copies_that_run_the_restore_hook_and_serve_at_once(string runtime)
    {
        var ct = TestContext.Current.CancellationToken;
        var root = FindRepoRoot();
        var log = new List<string>();
        var snapshots = await SnapshotSupport.StartAsync(TimeProvider.System, log.Add, CriuLocator.FindLocalPrefix(root), 1L << 30, ct);
        Assert.Contains(log, l => l.StartsWith("snapshots: ", StringComparison.Ordinal));
        if (!snapshots.Service.Capability.Available)
            Assert.Skip("CRIU cannot checkpoint on this host: " + snapshots.Service.Capability.Reason);

        var folder = Path.Combine(Path.GetTempPath(), "fgs-invoker-snap-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var spec = Spec(root, folder, runtime);
            const string key = "test/default/slow:1";
            var status = await snapshots.MakeAsync(key, spec, ct);
            Assert.True(status.State == SnapshotState.Ready, $"snapshot {status.State}: {status.Reason}");

            var restored = await Task.WhenAll(
                snapshots.TryRestoreAsync(key, spec, s_timeout, ct),
                snapshots.TryRestoreAsync(key, spec, s_timeout, ct));
            await using var first = restored[0].Copy;
            await using var second = restored[1].Copy;
            Assert.True(first is not null, "restore failed: " + restored[0].Reason);
            Assert.True(second is not null, "restore failed: " + restored[1].Reason);

            // A process outside the copy's tree may not use its runtime API.
            Assert.StartsWith("HTTP/1.1 403", await AnswerToAForeignGetAsync(first.Api.Address, ct), StringComparison.Ordinal);

            var answers = await Task.WhenAll(
                first.InvokeAsync("sync", """{"to":1}"""u8.ToArray(), s_timeout, ct),
                second.InvokeAsync("sync", """{"to":2}"""u8.ToArray(), s_timeout, ct));
            var copyIds = new HashSet<string>();
            for (var i = 0; i < 2; i++)
            {
                Assert.False(answers[i].Error, Encoding.UTF8.GetString(answers[i].Body));
                using var doc = JsonDocument.Parse(answers[i].Body);
                var answer = doc.RootElement;
                Assert.Equal(runtime, answer.GetProperty("runtime").GetString());
                Assert.True(answer.GetProperty("initialized").GetBoolean());
                Assert.Equal(1, answer.GetProperty("restores").GetInt32());
                Assert.Equal(1, answer.GetProperty("pid").GetInt32());
                Assert.Equal(i + 1, answer.GetProperty("event").GetProperty("to").GetInt32());
                copyIds.Add(answer.GetProperty("copyId").GetString()!);
            }
            Assert.Equal(2, copyIds.Count);
            TestContext.Current.SendDiagnosticMessage($"image {status.Image!.SizeBytes / 1048576.0:0.0} MB, restores ready after {first.ReadyAfter.TotalMilliseconds:0} / {second.ReadyAfter.TotalMilliseconds:0} ms");
        }
        finally
        {
            await CleanUpAsync(snapshots, folder);
        }
    }

    [Fact]
    public async Task A_snapshot_made_for_the_instance_user_restores_copies_that_run_as_that_user()
    {
        var ct = TestContext.Current.CancellationToken;
        if (Fgs.Snapshot.Processes.PidNamespaceLauncher.UserSwitchUnavailableReason is { } why)
            Assert.Skip("CRIU cannot checkpoint a process of another user here: " + why);
        var root = FindRepoRoot();
        var snapshots = await SnapshotSupport.StartAsync(TimeProvider.System, _ => { }, CriuLocator.FindLocalPrefix(root), 1L << 30, ct);
        if (!snapshots.Service.Capability.Available)
            Assert.Skip("CRIU cannot checkpoint on this host: " + snapshots.Service.Capability.Reason);

        var folder = Path.Combine(Path.GetTempPath(), "fgs-invoker-snap-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var spec = Spec(root, folder, "dotnet") with { RunAs = new InstanceUser(InstanceUsers.FunctionGraphId, InstanceUsers.FunctionGraphId) };
            const string key = "test/default/user:1";
            var status = await snapshots.MakeAsync(key, spec, ct);
            Assert.True(status.State == SnapshotState.Ready, $"snapshot {status.State}: {status.Reason}");

            var (copy, reason) = await snapshots.TryRestoreAsync(key, spec, s_timeout, ct);
            Assert.True(copy is not null, "restore failed: " + reason);
            await using (copy)
            {
                // The namespace init is a root shell that only waits (CRIU needs it privileged to
                // dump the namespace); every process under it, the runtime's, runs as the user.
                var pids = ProcessTree.Collect(copy.RootPid);
                Assert.Contains(copy.RootPid, pids);
                Assert.Equal("0\t0\t0\t0", Status(copy.RootPid)["Uid"]);
                Assert.Equal("sh", Status(copy.RootPid)["Name"]);
                var runtime = pids.Where(p => p != copy.RootPid).ToList();
                Assert.NotEmpty(runtime);
                foreach (var pid in runtime)
                {
                    var fields = Status(pid);
                    Assert.Equal("1003\t1003\t1003\t1003", fields["Uid"]);
                    Assert.Equal("1003\t1003\t1003\t1003", fields["Gid"]);
                    Assert.Equal("", fields["Groups"]);
                }
                // The copy, running as that user, still reaches its runtime API and serves.
                var (error, body) = await copy.InvokeAsync("sync", """{"as":"user"}"""u8.ToArray(), s_timeout, ct);
                Assert.False(error, Encoding.UTF8.GetString(body));
                using var doc = JsonDocument.Parse(body);
                Assert.Equal(1, doc.RootElement.GetProperty("restores").GetInt32());
            }
        }
        finally
        {
            await CleanUpAsync(snapshots, folder);
        }
    }

    [Fact]
    public async Task Without_a_snapshot_a_restore_says_cold_start()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = FindRepoRoot();
        var snapshots = await SnapshotSupport.StartAsync(TimeProvider.System, _ => { }, CriuLocator.FindLocalPrefix(root), 1L << 20, ct);
        var folder = Path.Combine(Path.GetTempPath(), "fgs-invoker-snap-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (copy, reason) = await snapshots.TryRestoreAsync("test/default/none:1", Spec(root, folder, "dotnet"), s_timeout, ct);
            Assert.Null(copy);
            Assert.False(string.IsNullOrEmpty(reason));
        }
        finally
        {
            await snapshots.DisposeAsync();
            Directory.Delete(snapshots.Service.Images.Root, recursive: true);
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> Status(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim());

    /// <summary>Stops the restores prepared ahead (CRIU workers, lazy-pages daemons), then deletes the
    /// images and the instance folder.</summary>
    private static async Task CleanUpAsync(SnapshotInstances snapshots, string folder)
    {
        await snapshots.DisposeAsync();
        snapshots.Service.Images.Clear();
        Directory.Delete(snapshots.Service.Images.Root, recursive: true);
        Directory.Delete(folder, recursive: true);
    }

    private static InstanceSpec Spec(string root, string folder, string runtime)
    {
        var bootstrap = runtime == "java" ? Path.Combine(root, "snapshot", "runtimes", "java", "bootstrap") : SlowInitBootstrap(root);
        return new InstanceSpec
        {
            FunctionUrn = "urn:fss:test:default:function:default:slow:1",
            Version = "1",
            CodeRoot = Path.GetDirectoryName(bootstrap)!,
            Bootstrap = bootstrap,
            InstancesRoot = folder,
            Timeout = TimeSpan.FromSeconds(30),
            InitializerHandler = "index.init",
            InitializerTimeout = TimeSpan.FromSeconds(30),
            Environment = new Dictionary<string, string>
            {
                ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
                ["LANG"] = "C.UTF-8",
                ["INIT_MILLIS"] = "200",
                ["DOTNET_CLI_HOME"] = folder,
                ["DOTNET_NOLOGO"] = "1",
                ["RUNTIME_HANDLER"] = "fgs.examples.SlowInit",
            },
        };
    }

    /// <summary>What the runtime API answers a GET from this (foreign) process.</summary>
    private static async Task<string> AnswerToAForeignGetAsync(string address, CancellationToken ct)
    {
        var colon = address.LastIndexOf(':');
        using var client = new TcpClient();
        await client.ConnectAsync(address[..colon], int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), ct);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /v1/runtime/invocation/request HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), ct);
        var buffer = new byte[256];
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromSeconds(10));
        var n = await stream.ReadAsync(buffer, wait.Token);
        return Encoding.ASCII.GetString(buffer, 0, n);
    }

    private static string SlowInitBootstrap(string root)
    {
        var bin = Path.Combine(root, "snapshot", "runtimes", "dotnet", "SlowInit", "bin");
        var found = Directory.Exists(bin)
            ? Directory.GetFiles(bin, "bootstrap", SearchOption.AllDirectories)
                .Where(p => File.Exists(Path.Combine(Path.GetDirectoryName(p)!, "SlowInit.dll")))
                .OrderByDescending(p => File.GetLastWriteTimeUtc(Path.Combine(Path.GetDirectoryName(p)!, "SlowInit.dll")))
                .FirstOrDefault()
            : null;
        return found ?? throw new FileNotFoundException("SlowInit is not built (dotnet build Core.sln)");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Core.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Core.sln not found above " + AppContext.BaseDirectory);
    }
}
