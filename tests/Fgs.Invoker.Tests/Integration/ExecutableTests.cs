using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>
/// The published Native AOT executable, driven as a user would through its stable CLI: readiness,
/// the loopback rule, and a graceful stop on SIGTERM that lets in-flight invocations finish and
/// leaves no instance process behind. Needs FGS_INVOKER_BIN (set by ./test.sh after publishing).
/// </summary>
public sealed class ExecutableTests
{
    private static string Binary()
    {
        var bin = Environment.GetEnvironmentVariable("FGS_INVOKER_BIN");
        if (bin is null || !File.Exists(bin))
        {
            Assert.Skip("FGS_INVOKER_BIN does not name a published invoker (./test.sh publishes it with Native AOT and sets it)");
        }
        return bin;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static Process Start(string bin, params string[] args)
    {
        var psi = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return Process.Start(psi)!;
    }

    [Fact]
    public async Task Without_keys_it_refuses_to_listen_beyond_loopback()
    {
        using var p = Start(Binary(), "serve", "--listen", "0.0.0.0:" + FreePort(), "--data", Path.Combine(Path.GetTempPath(), "fgs-refuse-" + Guid.NewGuid().ToString("N")));
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("refusing to listen on 0.0.0.0", stderr);
    }

    [Fact]
    public async Task Sigterm_lets_in_flight_invocations_finish_and_leaves_no_process_behind()
    {
        var bin = Binary();
        var port = FreePort();
        var data = Path.Combine(Path.GetTempPath(), "fgs-exe-" + Guid.NewGuid().ToString("N")[..10]);
        using var invoker = Start(bin, "serve", "--listen", "127.0.0.1:" + port, "--data", data);
        using var client = await ReadyClientAsync(port);

        var zip = Convert.ToBase64String(TestRuntimes.Package("curl"));
        var create = "{\"func_name\":\"graceful\",\"runtime\":\"Custom\",\"handler\":\"bootstrap\",\"timeout\":30,\"code_type\":\"zip\",\"func_code\":{\"file\":\"" + zip + "\"}}";
        using (var created = await client.PostAsync(InvokerFixture.FunctionsPath, new StringContent(create, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)created.StatusCode);
        }
        var url = $"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("graceful")}/invocations";
        // Warm one instance, then start two overlapping slow invocations (two more instances).
        using (var warm = await client.PostAsync(url, new StringContent("{\"echo\":1}")))
        {
            Assert.Equal(200, (int)warm.StatusCode);
        }
        var slow = Enumerable.Range(0, 2).Select(_ => client.PostAsync(url, new StringContent("{\"sleep_ms\":1500}"))).ToArray();
        await Task.Delay(700);
        var instancePids = Pids(data);
        Assert.NotEmpty(instancePids);

        Assert.Equal(0, Kill(invoker.Id, 15));
        foreach (var t in slow)
        {
            using var r = await t;
            Assert.Equal(200, (int)r.StatusCode);
            Assert.Contains("slept", await r.Content.ReadAsStringAsync());
        }
        await invoker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, invoker.ExitCode);
        Assert.Empty(Pids(data));
        foreach (var pid in instancePids)
        {
            Assert.False(Directory.Exists($"/proc/{pid}"), $"instance process {pid} survived the stop");
        }
        Directory.Delete(data, true);
    }

    [Fact]
    public async Task Instances_left_by_a_killed_invoker_are_killed_at_the_next_start()
    {
        var bin = Binary();
        var data = Path.Combine(Path.GetTempPath(), "fgs-exe-" + Guid.NewGuid().ToString("N")[..10]);
        var port = FreePort();
        using (var first = Start(bin, "serve", "--listen", "127.0.0.1:" + port, "--data", data))
        {
            using var client = await ReadyClientAsync(port);
            var zip = Convert.ToBase64String(TestRuntimes.Package("curl"));
            var create = "{\"func_name\":\"orphan\",\"runtime\":\"Custom\",\"handler\":\"bootstrap\",\"code_type\":\"zip\",\"func_code\":{\"file\":\"" + zip + "\"}}";
            using (var created = await client.PostAsync(InvokerFixture.FunctionsPath, new StringContent(create, Encoding.UTF8, "application/json")))
            {
                Assert.Equal(200, (int)created.StatusCode);
            }
            using (var r = await client.PostAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("orphan")}/invocations", new StringContent("{\"echo\":1}")))
            {
                Assert.Equal(200, (int)r.StatusCode);
            }
            Assert.Equal(0, Kill(first.Id, 9)); // no chance to stop its instances
            await first.WaitForExitAsync();
        }
        var leftovers = Pids(data);
        Assert.NotEmpty(leftovers); // the bootstrap outlived the invoker (its own session)

        using var second = Start(bin, "serve", "--listen", "127.0.0.1:" + port, "--data", data);
        using (await ReadyClientAsync(port))
        {
            foreach (var pid in leftovers)
            {
                Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal),
                    $"left-over instance process {pid} is still running");
            }
        }
        Assert.Equal(0, Kill(second.Id, 15));
        await second.WaitForExitAsync();
        Directory.Delete(data, true);
    }

    /// <summary>
    /// A client for an invoker started as a process, once its <c>/healthz</c> answers 200 (within
    /// <paramref name="limit"/>, default 20 s). <paramref name="exited"/>, when given, fails the wait
    /// at once with its text when the process has gone (it returns null while the process runs).
    /// </summary>
    internal static async Task<HttpClient> ReadyClientAsync(int port, Func<string?>? exited = null, TimeSpan? limit = null)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (exited?.Invoke() is { } why)
            {
                Assert.Fail(why);
            }
            try
            {
                using var health = await client.GetAsync("/healthz");
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return client;
                }
            }
            catch (HttpRequestException) when (sw.Elapsed < (limit ?? TimeSpan.FromSeconds(20)))
            {
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Processes whose command line mentions the data folder (instance bootstraps and their children).</summary>
    private static List<int> Pids(string data)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var cmd = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmd.Contains(data + "/", StringComparison.Ordinal))
                {
                    result.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return result;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
