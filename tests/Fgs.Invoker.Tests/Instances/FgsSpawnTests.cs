using System.Diagnostics;
using Fgs.Invoker.Instances;

namespace Fgs.Invoker.Tests.Instances;

/// <summary>The native launcher on its own: session, priority, user switch and its errors.</summary>
public sealed class FgsSpawnTests
{
    private static string Spawn => Supervisor.SpawnHelperPath ?? throw new InvalidOperationException("fgs-spawn was not built next to the invoker");

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] argv)
    {
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in argv.AsSpan(1))
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Trim(), stderr.Trim());
    }

    [Fact]
    public void The_program_leads_its_own_session_at_nice_0_even_under_a_higher_priority_invoker()
    {
        if (Libc.GetUid() != 0)
        {
            Assert.Skip("lowering the nice value to -5 needs root");
        }
        // "ps -o sid= -p $$" and "nice" from inside, started at nice -5 like the invoker.
        var (code, stdout, stderr) = Run("/usr/bin/nice", "-n", "-5", Spawn, "--", "/bin/sh", "-c", "nice; echo $$; cut -d' ' -f6 /proc/$$/stat");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n');
        Assert.Equal("0", lines[0]);
        Assert.Equal(lines[1], lines[2]); // session id = its own pid
        Assert.Equal("", stderr);
    }

    [Fact]
    public void A_failing_step_is_named_and_exits_127()
    {
        var (code, _, stderr) = Run(Spawn, "--cgroup", "/nonexistent-cgroup", "--", "/bin/true");
        Assert.Equal(127, code);
        Assert.StartsWith("fgs-spawn: joining cgroup /nonexistent-cgroup:", stderr);

        (code, _, stderr) = Run(Spawn, "--", "/nonexistent-program");
        Assert.Equal(127, code);
        Assert.StartsWith("fgs-spawn: exec /nonexistent-program:", stderr);

        (code, _, stderr) = Run(Spawn, "--uid", "x1", "--", "/bin/true");
        Assert.Equal(127, code);
        Assert.StartsWith("fgs-spawn: bad --uid x1", stderr);
    }
}
