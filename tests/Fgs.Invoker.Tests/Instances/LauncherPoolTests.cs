using System.Diagnostics;
using Fgs.Invoker.Instances;
using Fgs.Invoker.Tests.Integration;

namespace Fgs.Invoker.Tests.Instances;

/// <summary>fgs-spawn launchers started ahead of cold starts: taken, refilled, skipped when dead,
/// released at dispose, and used by the invoker's cold starts.</summary>
public sealed class LauncherPoolTests
{
    private static string Spawn => Supervisor.SpawnHelperPath ?? throw new InvalidOperationException("fgs-spawn was not built next to the invoker");

    /// <summary>Waits for a background action of the pool (starting launchers), bounded.</summary>
    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "timed out waiting until " + what);
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<(int Code, string Stdout)> OutcomeAsync(Process p)
    {
        var stdout = await p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (p.ExitCode, stdout.Trim());
    }

    [Fact]
    public async Task A_taken_launcher_runs_the_given_command_and_the_pool_refills()
    {
        using var pool = new LauncherPool(Spawn, 2);
        pool.Fill();
        await Eventually(() => pool.Ready == 2, "two launchers wait");
        var waiting = pool.WaitingProcessIds;

        using var p = pool.TryLaunch(["--env", "X=42", "--", "/bin/sh", "-c", "echo \"x=$X\"; echo $$"]);
        Assert.NotNull(p);
        Assert.Contains(p.Id, waiting); // one of the launchers started ahead, not a new process
        var (code, stdout) = await OutcomeAsync(p);
        Assert.Equal(0, code);
        Assert.Equal(["x=42", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], stdout.Split('\n'));
        Assert.Equal(1, pool.Taken);
        await Eventually(() => pool.Ready == 2, "the pool is full again");
    }

    [Fact]
    public async Task An_empty_pool_says_so_and_starts_filling()
    {
        using var pool = new LauncherPool(Spawn, 1);
        Assert.Null(pool.TryLaunch(["--", "/bin/true"]));
        Assert.Equal(1, pool.Missed);
        await Eventually(() => pool.Ready == 1, "a launcher waits");
    }

    [Fact]
    public async Task A_launcher_that_died_while_waiting_is_skipped()
    {
        using var pool = new LauncherPool(Spawn, 2);
        pool.Fill();
        await Eventually(() => pool.Ready == 2, "two launchers wait");
        var first = pool.WaitingProcessIds[0];
        using (var dead = Process.GetProcessById(first))
        {
            dead.Kill();
            await dead.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        using var p = pool.TryLaunch(["--", "/bin/sh", "-c", "echo alive"]);
        Assert.NotNull(p);
        Assert.NotEqual(first, p.Id);
        Assert.Equal((0, "alive"), await OutcomeAsync(p));
    }

    [Fact]
    public async Task Disposing_the_pool_lets_its_waiting_launchers_exit()
    {
        var pool = new LauncherPool(Spawn, 2);
        pool.Fill();
        await Eventually(() => pool.Ready == 2, "two launchers wait");
        var pids = pool.WaitingProcessIds;
        pool.Dispose();
        Assert.Null(pool.TryLaunch(["--", "/bin/true"]));
        foreach (var pid in pids)
        {
            await Eventually(() => !File.Exists($"/proc/{pid}/stat") || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z",
                $"launcher {pid} exits");
        }
    }

    [Fact]
    public async Task The_invokers_cold_starts_take_launchers_started_ahead()
    {
        await using var fx = await InvokerFixture.StartAsync();
        var shared = LauncherPool.Shared;
        Assert.NotNull(shared);
        await Eventually(() => shared.Ready > 0, "a launcher waits");
        var before = shared.Taken;
        await fx.CreateOkAsync("launched", TestRuntimes.Package("curl"));
        var r = await fx.InvokeAsync("launched", "{\"echo\":\"via a launcher\"}");
        Assert.Equal(200, r.Status);
        Assert.Equal("true", r.Headers.GetValues("X-Cff-Cold-Start").Single());
        Assert.True(shared.Taken > before, "the cold start did not take a launcher");
    }
}
