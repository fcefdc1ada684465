using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Fgs.Core.Instances;
using Fgs.Core.Invocations;
using Fgs.Invoker.Instances;
using Fgs.Invoker.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace Fgs.Invoker.Tests.Snapshots;

/// <summary>
/// A restored copy as an instance of the pool: Start/Finish lines, the timeout from the take, and
/// heartbeats. The copy's runtime is played by this process against the copy's own runtime API (the
/// peer check is rooted at this process), and the copy's namespace init by a <c>sleep</c> process,
/// so no CRIU is needed. Time runs on a fake clock.
/// </summary>
public sealed class RestoredInstanceTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_invocation_is_framed_by_Start_and_Finish_lines_and_its_timeout_runs_from_the_take()
    {
        await using var rig = await Rig.StartAsync();
        var inv = new Invocation("req-1", InvokeType.Sync, "{}"u8, TimeSpan.FromSeconds(3)) { Log = new LogTail(), VersionLabel = "1" };
        rig.Instance.Deliver(inv);

        // Waiting to be taken for 2 s of the 3 s timeout does not count against the run.
        rig.Clock.Advance(TimeSpan.FromSeconds(2));
        rig.Runtime.Answer = (_, _) => null; // take it, answer later
        rig.Runtime.Paused = false;
        await WaitUntil(() => inv.DeliveredTimestamp != 0);
        rig.Clock.Advance(TimeSpan.FromSeconds(2)); // 4 s after delivery, 2 s after the take
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.False(inv.IsCompleted, $"timed out before its run took the timeout: {inv.Status} {inv.FailureDetail}");

        await File.AppendAllTextAsync(rig.OutputFile, "hello from the copy\n", TestContext.Current.CancellationToken);
        // The runtime sees the invocation's own request id.
        Assert.Equal("req-1", rig.Runtime.Seen.Single(e => e.Type == "sync").Id);
        await rig.Runtime.PostAsync("req-1", error: false, "ok");
        Assert.Equal(InvocationStatus.Success, await inv.WaitAsync());
        Assert.Equal("ok", Encoding.UTF8.GetString(inv.Result));

        var tail = Encoding.UTF8.GetString(inv.Log!.ToArray());
        AssertFramed(tail, "req-1", "hello from the copy", "duration: 2000.000ms, billing duration: 2000ms");
        Assert.Contains(", billing memory: 256MB", tail);
        AssertFramed(rig.FunctionLog(), "req-1", "hello from the copy", "duration: 2000.000ms");
        Assert.Equal(1, rig.Events.Finished);
        Assert.Equal(0, rig.Events.Exited);
    }

    [Fact]
    public async Task An_invocation_that_runs_past_its_timeout_after_the_take_kills_the_copy_and_is_logged()
    {
        await using var rig = await Rig.StartAsync();
        rig.Runtime.Answer = (_, _) => null; // takes it and never answers
        rig.Runtime.Paused = false;
        var inv = new Invocation("req-2", InvokeType.Sync, "{}"u8, TimeSpan.FromSeconds(3)) { Log = new LogTail(), VersionLabel = "1" };
        rig.Instance.Deliver(inv);
        await WaitUntil(() => inv.DeliveredTimestamp != 0);
        await Task.Delay(100, TestContext.Current.CancellationToken); // the run's timer is set just after the take
        rig.Clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(InvocationStatus.TimedOut, await inv.WaitAsync().AsTask().WaitAsync(s_wait, TestContext.Current.CancellationToken));
        Assert.Equal("invocation timed out after 3s; the instance was killed", inv.FailureDetail);
        AssertFramed(Encoding.UTF8.GetString(inv.Log!.ToArray()), "req-2", "invocation timed out after 3s", "duration: 3000.000ms");
        await rig.Instance.Exited.WaitAsync(s_wait, TestContext.Current.CancellationToken);
        Assert.True(rig.Root.WaitForExit(s_wait), "the copy was not killed");
        Assert.DoesNotContain(rig.Runtime.Seen, e => e.Type == "prestop");
    }

    [Fact]
    public async Task An_idle_copy_gets_heartbeats_every_5_s_and_answered_ones_keep_it()
    {
        await using var rig = await Rig.StartAsync(heartbeat: "index.heartbeat");
        rig.Runtime.Answer = (_, _) => (false, "{\"status\":\"ok\"}");
        rig.Runtime.Paused = false;
        rig.Clock.Advance(TimeSpan.FromSeconds(5)); // arms the first heartbeat
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Empty(rig.Runtime.Seen);
        for (var beat = 1; beat <= 3; beat++)
        {
            rig.Clock.Advance(TimeSpan.FromSeconds(5));
            var expected = beat;
            await WaitUntil(() => rig.Instance.HealthyHeartbeats >= expected);
        }
        Assert.Equal(3, rig.Runtime.Seen.Count);
        Assert.All(rig.Runtime.Seen, e =>
        {
            Assert.Equal("heartbeat", e.Type);
            Assert.Equal("{\"heartbeat\":\"index.heartbeat\"}", e.Body);
        });
        Assert.Equal(0, rig.Instance.MissedHeartbeats);
        Assert.False(rig.Instance.Exited.IsCompleted);
        Assert.Equal(0, rig.Events.Exited);
    }

    [Fact]
    public async Task Six_missed_heartbeats_in_a_row_stop_the_copy_without_its_pre_stop_event()
    {
        await using var rig = await Rig.StartAsync(heartbeat: "index.heartbeat");
        rig.Clock.Advance(TimeSpan.FromSeconds(5)); // arms the first heartbeat

        // The first is never taken (the runtime is stuck): it times out after 3 s and is withdrawn.
        rig.Clock.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        rig.Clock.Advance(TimeSpan.FromSeconds(3));
        await WaitUntil(() => rig.Instance.MissedHeartbeats == 1);

        // The next ones are answered with an error.
        rig.Runtime.Answer = (type, _) => type == "heartbeat" ? (true, "{\"errorMessage\":\"sick\"}") : (false, "ok");
        rig.Runtime.Paused = false;
        for (var miss = 2; miss <= 6; miss++)
        {
            Assert.False(rig.Instance.Exited.IsCompleted, $"stopped after {miss - 1} missed heartbeats");
            rig.Clock.Advance(TimeSpan.FromSeconds(5));
            var expected = miss;
            await WaitUntil(() => rig.Instance.MissedHeartbeats >= expected);
        }
        await rig.Instance.Exited.WaitAsync(s_wait, TestContext.Current.CancellationToken);
        Assert.True(rig.Root.WaitForExit(s_wait), "the copy was not killed");
        Assert.True(rig.Events.Exited >= 1, "not taken out of the pool");
        // The withdrawn heartbeat never reached the runtime, and no pre-stop event was sent.
        Assert.Equal(5, rig.Runtime.Seen.Count);
        Assert.All(rig.Runtime.Seen, e => Assert.Equal("heartbeat", e.Type));
        var log = rig.FunctionLog();
        Assert.Contains($"[platform] instance {rig.Instance.Id} missed heartbeat 1 of 6 (TimedOut)", log);
        Assert.Contains($"[platform] instance {rig.Instance.Id} missed heartbeat 6 of 6 (FunctionError)", log);
    }

    private static void AssertFramed(string log, string requestId, string middle, string finish)
    {
        var start = log.IndexOf($"Start invoke request '{requestId}', version: 1\n", StringComparison.Ordinal);
        var body = log.IndexOf(middle, StringComparison.Ordinal);
        var end = log.IndexOf($"Finish invoke request '{requestId}', {finish}", StringComparison.Ordinal);
        Assert.True(start >= 0 && start < body && body < end, "not framed in order:\n" + log);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < s_wait, "condition not met in time");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    private sealed class Events : IInstanceEvents
    {
        public int Finished;
        public int Exited;

        public void InvocationFinished(IFunctionInstance instance) => Interlocked.Increment(ref Finished);

        public void InstanceExited(IFunctionInstance instance) => Interlocked.Increment(ref Exited);
    }

    /// <summary>A restored instance over a runtime API served to this process, a <c>sleep</c> as its
    /// root, and a function log.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly string _folder;
        private readonly InstanceOutputSink _sink;
        private readonly string _logFile;

        private Rig(string folder, SnapshotRuntimeApi api, Process root, string? heartbeat)
        {
            _folder = folder;
            Root = root;
            OutputFile = Path.Combine(folder, "copy", "output.log");
            Directory.CreateDirectory(Path.GetDirectoryName(OutputFile)!);
            File.WriteAllText(OutputFile, "");
            _logFile = Path.Combine(folder, "function.log");
            _sink = new InstanceOutputSink(_logFile, null);
            var copy = new SnapshotCopy(api, root.Id, Path.GetDirectoryName(OutputFile)!, Path.Combine(folder, "copy", "runtime-api"), OutputFile, launcher: null);
            Instance = new RestoredInstance(copy, Events, Clock)
            {
                Sink = _sink,
                PreStopHandler = "index.preStop",
                HeartbeatHandler = heartbeat,
                MemoryMb = 256,
            };
            Runtime = new FakeRuntime(api.Address);
        }

        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        public Events Events { get; } = new();

        public Process Root { get; }

        public string OutputFile { get; }

        public RestoredInstance Instance { get; }

        public FakeRuntime Runtime { get; }

        public static Task<Rig> StartAsync(string? heartbeat = null)
        {
            var folder = Path.Combine(Path.GetTempPath(), "fgs-restored-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(folder);
            var api = new SnapshotRuntimeApi();
            // This process plays the copy's runtime, so the peer check is rooted here.
            api.SetRoot(Environment.ProcessId);
            var root = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
            return Task.FromResult(new Rig(folder, api, root, heartbeat));
        }

        public string FunctionLog()
        {
            _sink.Flush();
            return File.ReadAllText(_logFile);
        }

        public async ValueTask DisposeAsync()
        {
            // Answers the pre-stop event, so stopping does not wait for its timeout.
            Runtime.Answer = (_, _) => (false, "ok");
            Runtime.Paused = false;
            await Instance.StopAsync("test over");
            await Runtime.DisposeAsync();
            _sink.Dispose();
            if (!Root.HasExited)
                Root.Kill();
            Root.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Takes events from a runtime API and answers them with <see cref="Answer"/> (null: no
    /// answer), recording what it took; polls only while not <see cref="Paused"/> (it starts paused).</summary>
    private sealed class FakeRuntime : IAsyncDisposable
    {
        private readonly HttpClient _client;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public FakeRuntime(string address)
        {
            _client = new HttpClient { BaseAddress = new Uri("http://" + address + "/v1/runtime/invocation/"), Timeout = Timeout.InfiniteTimeSpan };
            _loop = Task.Run(LoopAsync);
        }

        public volatile bool Paused = true;

        public Func<string, string, (bool Error, string Body)?> Answer { get; set; } = (_, _) => (false, "ok");

        public ConcurrentQueue<(string Id, string Type, string Body)> Seen { get; } = new();

        public async Task PostAsync(string id, bool error, string body)
        {
            using var r = await _client.PostAsync((error ? "error/" : "response/") + id, new StringContent(body));
            Assert.Equal(202, (int)r.StatusCode);
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                if (Paused)
                {
                    await Task.Delay(10);
                    continue;
                }
                try
                {
                    using var r = await _client.GetAsync("request", _stop.Token);
                    if ((int)r.StatusCode != 200)
                    {
                        // The API is stopping.
                        await Task.Delay(10, _stop.Token);
                        continue;
                    }
                    var id = r.Headers.GetValues("X-Cff-Request-Id").Single();
                    var type = r.Headers.GetValues("X-CFF-Invoke-Type").Single();
                    var body = await r.Content.ReadAsStringAsync(_stop.Token);
                    Seen.Enqueue((id, type, body));
                    if (Answer(type, body) is { } answer)
                        await PostAsync(id, answer.Error, answer.Body);
                }
                catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
                {
                    if (!_stop.IsCancellationRequested)
                        await Task.Delay(10);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
            _client.Dispose();
            _stop.Dispose();
        }
    }
}
