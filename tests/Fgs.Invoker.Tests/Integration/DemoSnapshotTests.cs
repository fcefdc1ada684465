using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>
/// The snapshot demos as <c>./run.sh</c> serves them: the published Native AOT executable started with
/// the staged demo folder. Each snapshot demo is listed by its version 1, whose snapshot becomes
/// <c>ready</c> and serves its first invocation from a restored copy; after a restart with the same
/// data the snapshot is made again. Needs FGS_INVOKER_BIN and FGS_DEMO_DIR (set by ./test.sh after
/// publishing and staging); where CRIU cannot checkpoint, the demos must still serve by cold starts,
/// and the test is then skipped with CRIU's reason.
/// </summary>
public sealed class DemoSnapshotTests
{
    private const string Project = "demo";
    private static readonly TimeSpan s_readyWithin = TimeSpan.FromSeconds(120);
    private static readonly (string Name, string Runtime)[] s_demos = [("snapshot-dotnet", "dotnet"), ("snapshot-java", "java")];

    [Fact]
    public async Task The_snapshot_demos_become_ready_and_serve_from_restored_copies_after_each_start()
    {
        var bin = Environment.GetEnvironmentVariable("FGS_INVOKER_BIN");
        if (bin is null || !File.Exists(bin))
            Assert.Skip("FGS_INVOKER_BIN does not name a published invoker (./test.sh publishes it with Native AOT and sets it)");
        var demos = Environment.GetEnvironmentVariable("FGS_DEMO_DIR");
        var missing = s_demos.Select(d => d.Name).Where(d => demos is null || !File.Exists(Path.Combine(demos, d, "bootstrap"))).ToList();
        if (missing.Count > 0)
            Assert.Skip($"FGS_DEMO_DIR does not hold the staged {string.Join(" and ", missing)} demo (invoker/scripts/build.sh stages them)");

        var data = Path.Combine(Path.GetTempPath(), "fgs-demo-snap-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            for (var start = 1; start <= 2; start++)
            {
                var port = FreePort();
                using var invoker = new Invoker(bin!, "serve", "--listen", "127.0.0.1:" + port, "--data", data, "--demo-dir", demos!);
                using var client = await invoker.ReadyClientAsync(port);
                foreach (var (name, _) in s_demos)
                {
                    var urn = $"urn:fss:cn-north-4:{Project}:function:default:{name}:1";
                    await invoker.WaitForOutputAsync($"demo function {urn}");
                    Assert.Contains($"/v2/{Project}/fgs/functions/{urn}/snapshots/state", invoker.Output);
                }

                string? unavailable = null;
                foreach (var (name, runtime) in s_demos)
                {
                    var urn = $"urn:fss:cn-north-4:{Project}:function:default:{name}:1";
                    var state = await SnapshotRest.WaitWhileMakingAsync(client, urn, s_readyWithin);
                    if (state.GetProperty("state").GetString() == "unsupported")
                    {
                        // Without CRIU the demo still serves, by a cold start.
                        unavailable = state.GetProperty("code").GetString();
                        var cold = await SnapshotRest.InvokeOkAsync(client, urn, """{"hello":"world"}""");
                        Assert.Equal(0, cold.GetProperty("restores").GetInt32());
                        continue;
                    }
                    Assert.True(state.GetProperty("state").GetString() == "ready", $"start {start}, {name}: {state}\n{string.Join('\n', invoker.Errors)}");
                    var first = await SnapshotRest.InvokeOkAsync(client, urn, """{"hello":"world"}""");
                    SnapshotRest.AssertRestored(first, runtime);
                    Assert.Equal("world", first.GetProperty("event").GetProperty("hello").GetString());
                }
                Assert.Equal(0, Kill(invoker.Id, 15));
                Assert.True(await invoker.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the invoker did not stop within 60 s");
                Assert.Equal(0, invoker.ExitCode);
                if (unavailable is not null)
                    Assert.Skip("CRIU cannot checkpoint on this host (the demos served by cold starts): " + unavailable);
            }
        }
        finally
        {
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_demo_with_snapshots_in_its_manifest_gets_its_settings_and_version_1_follows_its_code_across_restarts()
    {
        var demos = Path.Combine(Path.GetTempPath(), "fgs-demo-manifest-" + Guid.NewGuid().ToString("N")[..8]);
        var data = Path.Combine(Path.GetTempPath(), "fgs-test-" + Guid.NewGuid().ToString("N")[..10]);
        var folder = Path.Combine(demos, "manifest-demo");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "demo.json"),
            """{"handler":"my.Handler","memory_size":256,"timeout":7,"user_data":"{\"GREETING\":\"hi\"}","snapshots":true}""");
        try
        {
            foreach (var code in new[] { "one", "two", "two" })
            {
                // A plain runtime (it does not speak the checkpoint protocol: its snapshot fails, it serves by cold starts).
                var bootstrap = Path.Combine(folder, "bootstrap");
                await File.WriteAllTextAsync(bootstrap, $$"""
                    #!/bin/bash
                    API="http://${RUNTIME_API_ADDR}/v1/runtime/invocation"
                    MANIFEST=$([ -e "$RUNTIME_CODE_ROOT/demo.json" ] && echo packaged || echo left-out)
                    while true; do
                      H=$(mktemp); curl -sS -D "$H" -o /dev/null "$API/request" || { sleep 0.05; continue; }
                      ID=$(grep -i '^x-cff-request-id:' "$H" | cut -d: -f2- | tr -d '[:space:]')
                      curl -sS -o /dev/null -X POST --data-binary "{\"code\":\"{{code}}\",\"greeting\":\"$GREETING\",\"handler\":\"$RUNTIME_HANDLER\",\"memory\":$RUNTIME_MEMORY,\"manifest\":\"$MANIFEST\"}" "$API/response/$ID"; rm -f "$H"
                    done
                    """.Replace("\r\n", "\n", StringComparison.Ordinal));
                File.SetUnixFileMode(bootstrap, (UnixFileMode)0x1ED);
                await using var fx = await InvokerFixture.StartAsync(o =>
                {
                    o.DemoDir = demos;
                    o.DemoProjectId = InvokerFixture.Project;
                }, dataDir: data);
                var version1 = InvokerFixture.Urn("manifest-demo", "1");
                Assert.Equal([version1], fx.Host.DemoFunctions);
                var (status, state) = await SnapshotRest.SendAsync(fx.Client, HttpMethod.Get, version1, "state");
                Assert.Equal(200, status);
                Assert.NotEqual("disabled", state.GetProperty("state").GetString());
                Assert.NotEqual("enabled", state.GetProperty("state").GetString()); // a snapshot is made (or unsupported) at every start

                var answer = await SnapshotRest.InvokeOkAsync(fx.Client, version1, "{}");
                Assert.Equal(code, answer.GetProperty("code").GetString());
                Assert.Equal("hi", answer.GetProperty("greeting").GetString());
                Assert.Equal("my.Handler", answer.GetProperty("handler").GetString());
                Assert.Equal(256, answer.GetProperty("memory").GetInt32());
                Assert.Equal("left-out", answer.GetProperty("manifest").GetString());
                using var versions = await fx.Client.GetAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("manifest-demo", null)}/versions");
                var listed = await versions.Content.ReadAsStringAsync();
                Assert.True(versions.IsSuccessStatusCode, listed);
                Assert.Single(System.Text.Json.JsonDocument.Parse(listed).RootElement.GetProperty("versions").EnumerateArray(),
                    v => v.GetProperty("version").GetString() == "1");
                // Let the background snapshot attempt finish before the invoker stops.
                await SnapshotRest.WaitWhileMakingAsync(fx.Client, version1, TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            try { Directory.Delete(demos, true); } catch (IOException) { }
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    /// <summary>The executable with its stdout and stderr collected line by line.</summary>
    private sealed class Invoker : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _output = [];
        private readonly List<string> _errors = [];

        public Invoker(string bin, params string[] args)
        {
            var psi = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
                psi.ArgumentList.Add(a);
            _process = new Process { StartInfo = psi };
            _process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (_output) _output.Add(line); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_errors) _errors.Add(line); };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int Id => _process.Id;

        public int ExitCode => _process.ExitCode;

        public string Output { get { lock (_output) return string.Join('\n', _output); } }

        public string[] Errors { get { lock (_errors) return [.. _errors]; } }

        public Task<HttpClient> ReadyClientAsync(int port) => ExecutableTests.ReadyClientAsync(port,
            () => _process.HasExited ? "the invoker exited: " + string.Join('\n', Errors) : null, TimeSpan.FromSeconds(30));

        public async Task WaitForOutputAsync(string text)
        {
            var sw = Stopwatch.StartNew();
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"'{text}' not printed; stdout:\n{Output}");
                await Task.Delay(50);
            }
        }

        public async Task<bool> WaitForExitAsync(TimeSpan within)
        {
            using var cts = new CancellationTokenSource(within);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
