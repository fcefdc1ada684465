using System.Diagnostics;
using Fgs.Invoker.Instances;

namespace Fgs.Invoker.Tests.Instances;

/// <summary>The native launcher on its own: session, priority, user switch and its errors.</summary>
public sealed class FgsSpawnTests
{
    private static string Spawn => Supervisor.SpawnHelperPath ?? throw new InvalidOperationException("fgs-spawn was not built next to the invoker");

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] argv) => Run(null, argv);

    /// <summary>Runs <paramref name="argv"/>; with <paramref name="stdin"/>, writes it and closes the pipe.</summary>
    private static (int ExitCode, string Stdout, string Stderr) Run(byte[]? stdin, params string[] argv)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in argv.AsSpan(1))
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }
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

    [Fact]
    public void Chdir_and_env_give_the_program_exactly_that_folder_and_those_variables()
    {
        var (code, stdout, stderr) = Run(Spawn, "--chdir", "/tmp", "--env", "A=1", "--env", "B=two words", "--",
            "/usr/bin/env");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(["A=1", "B=two words"], stdout.Split('\n'));

        (code, stdout, _) = Run(Spawn, "--chdir", "/tmp", "--", "/bin/pwd");
        Assert.Equal(0, code);
        Assert.Equal("/tmp", stdout);

        (code, _, stderr) = Run(Spawn, "--env", "NOEQUALS", "--", "/bin/true");
        Assert.Equal(127, code);
        Assert.StartsWith("fgs-spawn: bad --env NOEQUALS", stderr);
    }

    private static (int ExitCode, string Stdout, string Stderr) RunWithSpec(byte[] spec) => Run(spec, Spawn, "--stdin-spec");

    [Fact]
    public void A_launcher_started_ahead_runs_the_command_line_it_reads_on_stdin()
    {
        // The program's own stdin is at end of file (cat returns at once), as for a direct start.
        var spec = LauncherPool.EncodeSpec(["--chdir", "/tmp", "--env", "GREETING=hello there", "--",
            "/bin/sh", "-c", "echo \"$GREETING\"; pwd; cat; echo $$; cut -d' ' -f6 /proc/$$/stat"]);
        var (code, stdout, stderr) = RunWithSpec(spec);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n');
        Assert.Equal("hello there", lines[0]);
        Assert.Equal("/tmp", lines[1]);
        Assert.Equal(lines[2], lines[3]); // leads its own session
    }

    [Fact]
    public void A_launcher_that_reads_end_of_file_at_once_exits_quietly_and_a_bad_spec_is_refused()
    {
        var (code, stdout, stderr) = RunWithSpec([]);
        Assert.Equal((0, "", ""), (code, stdout, stderr));

        (code, _, stderr) = RunWithSpec("not-a-spec\0--\0/bin/true\0"u8.ToArray());
        Assert.Equal(127, code);
        Assert.StartsWith("fgs-spawn: reading the spec on stdin:", stderr);

        // Fields must end with NUL.
        (code, _, stderr) = RunWithSpec("fgs-spawn-spec/1\0--\0/bin/true"u8.ToArray());
        Assert.Equal(127, code);
        Assert.StartsWith("fgs-spawn: reading the spec on stdin:", stderr);

        (code, _, stderr) = RunWithSpec(LauncherPool.EncodeSpec(["--", "/nonexistent-program"]));
        Assert.Equal(127, code);
        Assert.StartsWith("fgs-spawn: exec /nonexistent-program:", stderr);
    }
}
