using System.Diagnostics;
using System.Globalization;
using Fgs.Invoker.Hosting;

namespace Fgs.Invoker.Tests.Hosting;

/// <summary>The record of instance processes that the next invoker on a data folder kills (real processes).</summary>
public sealed class InstanceProcessRecordTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "fgs-record-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly List<Process> _started = [];

    public InstanceProcessRecordTests() => Directory.CreateDirectory(_data);

    [Fact]
    public void The_next_open_kills_recorded_process_groups_that_still_run_and_never_a_pid_with_another_start_time()
    {
        var recorded = StartGroupLeader();
        var child = WaitForChild(recorded.Id);
        var other = StartGroupLeader(); // stands for a pid reused by an unrelated process
        using (var record = InstanceProcessRecord.Open(_data, out var none))
        {
            Assert.Equal(0, none);
            record.Add(recorded.Id);
            Assert.Equal(new[] { recorded.Id }, record.Live());
        }
        // The unrelated process has the pid of a recorded one, not its start time.
        File.AppendAllText(Path.Combine(_data, InstanceProcessRecord.FileName),
            other.Id.ToString(CultureInfo.InvariantCulture) + " " + (InstanceProcessRecord.StartTime(other.Id) + 1).ToString(CultureInfo.InvariantCulture) + "\n");

        using (var next = InstanceProcessRecord.Open(_data, out var killed))
        {
            Assert.Equal(2, killed); // the recorded leader and its child
            Assert.True(recorded.WaitForExit(5000));
            Assert.True(InstanceProcessRecord.StartTime(child) < 0, $"child {child} of the recorded process survived");
            Assert.True(InstanceProcessRecord.StartTime(other.Id) >= 0, "a process that was not recorded was killed");
            Assert.Empty(next.Live());
        }
        using (InstanceProcessRecord.Open(_data, out var again))
        {
            Assert.Equal(0, again); // the record was started afresh
        }
    }

    [Fact]
    public void A_record_from_another_boot_is_ignored()
    {
        var running = StartGroupLeader();
        File.WriteAllText(Path.Combine(_data, InstanceProcessRecord.FileName),
            "boot 00000000-0000-0000-0000-000000000000\n" + running.Id.ToString(CultureInfo.InvariantCulture) + " "
            + InstanceProcessRecord.StartTime(running.Id).ToString(CultureInfo.InvariantCulture) + "\n");
        using (InstanceProcessRecord.Open(_data, out var killed))
        {
            Assert.Equal(0, killed);
        }
        Assert.False(running.HasExited);
    }

    public void Dispose()
    {
        foreach (var p in _started)
        {
            try
            {
                if (!p.HasExited)
                    p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        Directory.Delete(_data, recursive: true);
    }

    /// <summary>A shell leading its own session and process group (as an instance does), with a child.</summary>
    private Process StartGroupLeader()
    {
        var psi = new ProcessStartInfo("/usr/bin/setsid") { UseShellExecute = false, WorkingDirectory = _data };
        foreach (var a in new[] { "/bin/sh", "-c", "sleep 60 & wait" })
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        _started.Add(p);
        return p;
    }

    private static int WaitForChild(int pid)
    {
        var until = Environment.TickCount64 + 5000;
        while (Environment.TickCount64 < until)
        {
            var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (children.Length > 0)
                return int.Parse(children[0], CultureInfo.InvariantCulture);
            Thread.Sleep(10);
        }
        throw new TimeoutException($"process {pid} started no child");
    }
}
