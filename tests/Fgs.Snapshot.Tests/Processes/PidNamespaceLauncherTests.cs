using System.Diagnostics;
using Fgs.Snapshot.Processes;

namespace Fgs.Snapshot.Tests.Processes;

/// <summary>Starting an instance as another user: the program runs as that user under a namespace init
/// that stays root, and still has its address file on fd 3, its output file and its stdin.</summary>
public sealed class PidNamespaceLauncherTests
{
    [Fact]
    public async Task A_launch_as_another_user_runs_the_program_as_that_user_under_a_root_namespace_init()
    {
        if (Environment.UserName != "root")
            Assert.Skip("switching users needs root; the tests run as " + Environment.UserName);
        if (PidNamespaceLauncher.SetprivPath is null)
            Assert.Skip("setpriv is missing");
        var folder = Path.Combine(Path.GetTempPath(), "fgs-launch-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var address = Path.Combine(folder, "runtime-api");
        await File.WriteAllTextAsync(address, "127.0.0.1:9", TestContext.Current.CancellationToken);
        var output = Path.Combine(folder, "output.log");
        await File.WriteAllTextAsync(output, "", TestContext.Current.CancellationToken);
        using var launcher = PidNamespaceLauncher.Start(new NamespacedLaunch
        {
            FileName = "/bin/sh",
            // Re-reads its address as a runtime does, says who it is, then waits on stdin.
            Arguments = ["-c", "echo \"address $(cat /proc/self/fd/3) id $(id -u):$(id -g) pid $$\"; read line; echo \"read $line\""],
            WorkingDirectory = folder,
            AddressFile = address,
            OutputFile = output,
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
            UserId = 1003,
            GroupId = 1003,
        });
        var init = 0;
        try
        {
            init = await PidNamespaceLauncher.WaitForNamespaceInitAsync(launcher.Id, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
            await WaitUntil(() => File.ReadAllText(output).Contains("address", StringComparison.Ordinal));
            Assert.Equal("address 127.0.0.1:9 id 1003:1003 pid 2\n", File.ReadAllText(output));

            Assert.Equal("0\t0\t0\t0", Status(init)["Uid"]);
            var program = PidNamespaceLauncher.FirstChild(init);
            Assert.NotNull(program);
            var status = Status(program.Value);
            Assert.Equal("1003\t1003\t1003\t1003", status["Uid"]);
            Assert.Equal("1003\t1003\t1003\t1003", status["Gid"]);
            Assert.Equal("", status["Groups"]);
            Assert.Equal("0000000000000000", status["CapEff"]);

            // Stdin reaches the program; when it exits, so does the init.
            await launcher.StandardInput.WriteLineAsync("hello");
            await launcher.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
            await WaitUntil(() => !PidNamespaceLauncher.IsAlive(init));
            Assert.EndsWith("read hello\n", File.ReadAllText(output), StringComparison.Ordinal);
        }
        finally
        {
            if (init != 0)
                PidNamespaceLauncher.KillNamespace(init);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> Status(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim());

    private static async Task WaitUntil(Func<bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), "condition not met in time");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
