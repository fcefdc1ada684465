using System.Globalization;
using System.Text;
using Fgs.Invoker.Instances;

namespace Fgs.Invoker.Hosting;

/// <summary>
/// The instance processes an invoker started (spawned instances, snapshot makers and restored
/// copies, each the leader of its own process group), recorded in <c>DATA/instance-processes</c>
/// with their start times, so that the next invoker on the same data folder can kill those that an
/// invoker killed with <c>kill -9</c> left running. Each process is one line, <c>PID STARTTIME</c>
/// (field 22 of <c>/proc/PID/stat</c>), after a first line with the kernel's boot id: a pid reused
/// by another process since, or a record from before a reboot, never matches. Lines are appended
/// with one <c>write</c> each and not fsync'd: the record must outlive the invoker's process, which
/// the page cache does; a reboot takes the processes with it. The file is rewritten with the live
/// entries only once it has grown well past them.
/// </summary>
internal sealed class InstanceProcessRecord : IDisposable
{
    /// <summary>The record's file name in the data folder.</summary>
    public const string FileName = "instance-processes";

    private readonly string _path;
    private readonly string _bootId;
    private readonly Lock _gate = new();
    private readonly List<(int Pid, long Start)> _entries = [];
    private FileStream? _file;
    private bool _disposed;

    private InstanceProcessRecord(string path, string bootId)
    {
        _path = path;
        _bootId = bootId;
    }

    /// <summary>
    /// Kills the process groups (and process trees) of every recorded process of an earlier invoker
    /// on <paramref name="dataDir"/> that still runs with the start time it was recorded with, waits
    /// briefly for them to go, and starts a fresh record for this invoker.
    /// </summary>
    /// <param name="dataDir">The data folder.</param>
    /// <param name="killed">How many processes were killed.</param>
    public static InstanceProcessRecord Open(string dataDir, out int killed)
    {
        var path = Path.Combine(dataDir, FileName);
        var bootId = BootId();
        killed = 0;
        var roots = new List<int>();
        foreach (var (pid, start) in Read(path, bootId))
        {
            if (pid == Environment.ProcessId || StartTime(pid) != start)
            {
                continue;
            }
            var tree = ProcessTree.Collect(pid);
            ProcessTree.Kill(pid);
            killed += tree.Count;
            roots.AddRange(tree);
        }
        // Let them go before anything else looks at the processes of this data folder.
        var deadline = Environment.TickCount64 + 2000;
        while (roots.Exists(IsRunning) && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }
        var record = new InstanceProcessRecord(path, bootId);
        record.Rewrite();
        return record;
    }

    /// <summary>Records <paramref name="pid"/> (a process group leader this invoker started). A pid
    /// that has already exited is not recorded.</summary>
    public void Add(int pid)
    {
        var start = StartTime(pid);
        if (start < 0)
        {
            return;
        }
        lock (_gate)
        {
            if (_disposed || _file is null)
            {
                return;
            }
            _entries.Add((pid, start));
            if (_entries.Count >= 256 && _entries.Count % 256 == 0)
            {
                _entries.RemoveAll(e => StartTime(e.Pid) != e.Start);
                Rewrite();
                return;
            }
            Append(_file, pid, start);
        }
    }

    /// <summary>The recorded processes that still run (for tests and diagnostics).</summary>
    public IReadOnlyList<int> Live()
    {
        lock (_gate)
        {
            return [.. _entries.Where(e => StartTime(e.Pid) == e.Start).Select(e => e.Pid)];
        }
    }

    /// <summary>Closes the record. The file stays: entries of processes that are gone never match.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _file?.Dispose();
            _file = null;
        }
    }

    /// <summary>The start time of <paramref name="pid"/> in clock ticks since boot (field 22 of
    /// <c>/proc/PID/stat</c>), or -1 when it is gone or a zombie.</summary>
    internal static long StartTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
        // "PID (COMM) STATE PPID ...": the command may hold spaces and parentheses, so count after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return -1;
        }
        var fields = stat[(close + 2)..].Split(' ');
        // fields[0] is field 3 (the state); the start time is field 22.
        if (fields.Length < 20 || fields[0] is "Z" or "X")
        {
            return -1;
        }
        return long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : -1;
    }

    private static bool IsRunning(int pid) => StartTime(pid) >= 0;

    private static IEnumerable<(int Pid, long Start)> Read(string path, string bootId)
    {
        string[] lines;
        try
        {
            lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        if (lines.Length == 0 || lines[0] != "boot " + bootId)
        {
            yield break;
        }
        foreach (var line in lines.AsSpan(1).ToArray())
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            {
                yield return (pid, start);
            }
        }
    }

    /// <summary>Writes the live entries to a new file, renamed over the record (under the gate or before use).</summary>
    private void Rewrite()
    {
        _file?.Dispose();
        var tmp = _path + ".tmp";
        var text = new StringBuilder("boot ").Append(_bootId).Append('\n');
        foreach (var (pid, start) in _entries)
        {
            text.Append(pid.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(start.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        File.WriteAllText(tmp, text.ToString());
        File.Move(tmp, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
    }

    private static void Append(FileStream file, int pid, long start)
    {
        try
        {
            file.Write(Encoding.ASCII.GetBytes(pid.ToString(CultureInfo.InvariantCulture) + " " + start.ToString(CultureInfo.InvariantCulture) + "\n"));
        }
        catch (IOException)
        {
            // The record is a safety net; the cwd sweep at the next start is another.
        }
    }

    private static string BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
